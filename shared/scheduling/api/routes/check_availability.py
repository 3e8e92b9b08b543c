"""POST /scheduling-bookings/check-availability: is one local date and time free (contract §3.5)?"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import Field

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.availability_schemas import (
    CheckAvailabilityBody,
    CheckAvailabilityResponse,
    EventTypeRef,
    check_json,
)
from scheduling.api.schemas import documented
from scheduling.services.availability_queries import check_availability

router = Router()


@router.post(
    "/scheduling-bookings/check-availability",
    summary="Check whether one date and time is free, with the nearest free times either side",
    middlewares=[requires("company:read")],
    responses=documented(200, CheckAvailabilityResponse, 404, 503),
)
def check_availability_route(body: Annotated[CheckAvailabilityBody, Body()]) -> dict:
    return {"data": check_json(checked(body))}


class SchedulingCheckAvailabilityBody(EventTypeRef):
    """The /scheduling/* family's check (contract §9): one ISO instant instead of date and time."""

    slot: str = Field(max_length=64, description="ISO 8601 instant with offset.", examples=["2026-12-01T09:00:00+11:00"])


@router.post(
    "/scheduling/check-availability",
    summary="Check whether one instant (`slot`) is free, with the nearest free times either side",
    middlewares=[requires(*family.READ)],
    responses=documented(200, CheckAvailabilityResponse, 404, 503),
)
def check_scheduling_availability_route(body: Annotated[SchedulingCheckAvailabilityBody, Body()]) -> dict:
    day, at = family.local_date_time(body.slot, body.timezone, "slot")
    flat = CheckAvailabilityBody(date=day, time=at, **body.model_dump(exclude={"slot"}))
    return {"data": check_json(checked(flat))}


def checked(body: CheckAvailabilityBody):  # noqa: ANN201 - the service's AvailabilityCheck
    return check_availability(
        current_principal().company_id,
        date_value=body.date,
        time_value=body.time,
        timezone_name=body.timezone,
        now=datetime.now(UTC),
        event_type_id=body.event_type_id,
        event_type_slug=body.event_type_slug,
        event_type_name=body.event_type_name,
    )
