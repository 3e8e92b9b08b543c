"""POST /scheduling-bookings/available-slots: free times on a range of dates (contract §3.6)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import Field

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.availability_schemas import (
    AvailableSlotsBody,
    AvailableSlotsResponse,
    EventTypeRef,
    listing_json,
)
from scheduling.api.schemas import documented
from scheduling.services.availability_queries import list_available_slots

router = Router()


@router.post(
    "/scheduling-bookings/available-slots",
    summary="Free times of an event type, by date, in the asker's time zone",
    middlewares=[requires("company:read")],
    responses=documented(200, AvailableSlotsResponse, 404, 503),
)
def available_slots_route(body: Annotated[AvailableSlotsBody, Body()]) -> dict:
    return {"data": listing_json(listed(body))}


class SchedulingAvailableSlotsBody(EventTypeRef):
    """The /scheduling/* family's slot listing (contract §9): start_date/end_date."""

    start_date: str | None = Field(default=None, max_length=40, description="YYYY-MM-DD; default today in `timezone`.")
    end_date: str | None = Field(
        default=None, max_length=40, description="YYYY-MM-DD inclusive; default start_date + 14 days, at most + 30."
    )


@router.post(
    "/scheduling/available-slots",
    summary="Free times of an event type, by date (TrustPager's /scheduling/* field names)",
    middlewares=[requires(*family.READ)],
    responses=documented(200, AvailableSlotsResponse, 404, 503),
)
def scheduling_available_slots_route(body: Annotated[SchedulingAvailableSlotsBody, Body()]) -> dict:
    flat = AvailableSlotsBody(date_from=body.start_date, date_to=body.end_date,
                              **body.model_dump(exclude={"start_date", "end_date"}))
    with family.named_as(family.SLOTS_FIELDS):
        return {"data": listing_json(listed(flat))}


def listed(body: AvailableSlotsBody):  # noqa: ANN201 - the service's SlotListing
    return list_available_slots(
        current_principal().company_id,
        date_from=body.date_from,
        date_to=body.date_to,
        timezone_name=body.timezone,
        now=datetime.now(UTC),
        event_type_id=body.event_type_id,
        event_type_slug=body.event_type_slug,
        event_type_name=body.event_type_name,
    )
