from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, ConfigDict, Field

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.routes.availability_settings_common import (
    AvailabilityBody,
    AvailabilityResponse,
    DateOverrideIn,
    UserIdQuery,
    WeeklyHoursIn,
    availability_json,
)
from scheduling.api.schemas import documented
from scheduling.services.availability_admin import put_availability

router = Router()


@router.put(
    "/scheduling-availability",
    summary="Replace working hours (company default, or a host's own with ?user_id=<id>); slots follow at once",
    middlewares=[requires("company:write")],
    responses=documented(200, AvailabilityResponse, 404),
)
def put_availability_route(body: Annotated[AvailabilityBody, Body()], user_id: UserIdQuery = None) -> dict:
    view = put_availability(current_principal().company_id, user_id, body.model_dump(mode="json"))
    return {"data": availability_json(view)}


class SchedulingAvailabilityBody(BaseModel):
    """The /scheduling/* family's names (contract §9): working_hours = weekly_hours, overrides = date_overrides."""

    model_config = ConfigDict(extra="forbid")
    timezone: str | None = Field(default=None, description="IANA name or shorthand (NSW, WA…); default the company's")
    working_hours: list[WeeklyHoursIn] = Field(max_length=100)
    overrides: list[DateOverrideIn] = Field(default_factory=list, max_length=1000)


@router.put(
    "/scheduling/availability",
    summary="Replace working hours (TrustPager's /scheduling/* names: working_hours, overrides)",
    middlewares=[requires(*family.WRITE)],
    responses=documented(200, AvailabilityResponse, 404),
)
def put_scheduling_availability_route(body: Annotated[SchedulingAvailabilityBody, Body()],
                                      user_id: UserIdQuery = None) -> dict:
    fields = body.model_dump(mode="json")
    flat = {"timezone": fields["timezone"], "weekly_hours": fields["working_hours"],
            "date_overrides": fields["overrides"]}
    return {"data": availability_json(put_availability(current_principal().company_id, user_id, flat))}
