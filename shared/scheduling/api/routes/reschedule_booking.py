"""POST /scheduling-bookings/{id}/reschedule (contract §3 item 4b), with Idempotency-Key (§1).

The same reschedule service as the voice tool and the booker's page (services/booking_reschedule).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict, Field

from scheduling.api import family
from scheduling.api.app import current_principal, json_response, requires
from scheduling.api.routes.cancel_booking import ID_PATTERN, CancelledBookingOut, public_booking
from scheduling.api.schemas import DocModel, documented
from scheduling.services.booking_reschedule import reschedule_booking
from scheduling.services.idempotency import idempotency_key_from, run_once

router = Router()


class RescheduleBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    date: str = Field(description="YYYY-MM-DD in `timezone`", max_length=32)
    time: str = Field(description="HH:MM (24 h) in `timezone`", max_length=16)
    timezone: str | None = Field(default=None, max_length=64, description="Default: the booking's time zone")
    reason: str | None = Field(default=None, max_length=1000)


class RescheduleData(DocModel):
    success: bool
    booking: CancelledBookingOut  # type: ignore[valid-type]
    previous_booking_id: str


class RescheduleResponse(DocModel):
    data: RescheduleData


@router.post(
    "/scheduling-bookings/<booking_id>/reschedule",
    summary="Move a confirmed booking: the new booking first, then the old one is cancelled",
    middlewares=[requires("company:write")],
    responses=documented(201, RescheduleResponse, 404, 409, 503),
)
def reschedule_booking_route(
    booking_id: Annotated[str, Path(pattern=ID_PATTERN)],
    body: Annotated[RescheduleBody, Body()],
):  # noqa: ANN201 - a typed Response would be validated as a model
    return reschedule_once(booking_id, body)


class SchedulingRescheduleBody(BaseModel):
    """The /scheduling/* family's reschedule (contract §9)."""

    model_config = ConfigDict(extra="ignore")

    slot: str = Field(max_length=64, description="ISO 8601 instant with offset, or 'YYYY-MM-DD HH:MM' in `timezone`.",
                      examples=["2026-12-02T10:00:00+11:00"])
    timezone: str | None = Field(default=None, max_length=64, description="Default: the booking's time zone")
    reason: str | None = Field(default=None, max_length=1000)


@router.post(
    "/scheduling/bookings/<booking_id>/reschedule",
    summary="Move a confirmed booking to `slot` (TrustPager's /scheduling/* field names)",
    middlewares=[requires(*family.WRITE)],
    responses=documented(201, RescheduleResponse, 404, 409, 503),
)
def reschedule_scheduling_booking_route(
    booking_id: Annotated[str, Path(pattern=ID_PATTERN)],
    body: Annotated[SchedulingRescheduleBody, Body()],
):  # noqa: ANN201 - a typed Response would be validated as a model
    local = family.local_slot(body.slot)
    if local is None:  # an instant: the service reads it in the booking's zone, which only it has read
        instant = family.parse_instant(body.slot, "slot")
        flat = RescheduleBody(date="", time="", timezone=body.timezone, reason=body.reason)
    else:
        instant, (day, at) = None, local
        flat = RescheduleBody(date=day, time=at, timezone=body.timezone, reason=body.reason)
    with family.named_as(family.RESCHEDULE_FIELDS, family.SLOT_EXPECTED):
        return reschedule_once(booking_id, flat, instant)


def reschedule_once(booking_id: str, body: RescheduleBody, instant: datetime | None = None):  # noqa: ANN201
    company_id = current_principal().company_id
    key = idempotency_key_from(dict(router.current_event.headers or {}))

    def reschedule() -> tuple[int, dict]:
        moved = reschedule_booking(
            company_id, booking_id, body.date, body.time, body.timezone, datetime.now(UTC), body.reason,
            instant=instant,
        )
        return 201, {"data": {"success": True, "booking": public_booking(moved.booking),
                              "previous_booking_id": moved.previous.id}}

    request = {"operation": "reschedule_booking", "booking_id": booking_id, **body.model_dump(),
               **({"instant": instant.isoformat()} if instant else {})}
    status, payload, replayed = run_once(company_id, key, request, reschedule, router.lambda_context)
    return json_response(status, payload, replayed)
