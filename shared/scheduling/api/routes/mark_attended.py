"""POST /scheduling-bookings/{id}/mark-attended (contract §3 item 7); also the shared response model."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel

from scheduling.api.app import current_principal, requires
from scheduling.api.presenters import booking_json
from scheduling.api.schemas import BookingOut, documented
from scheduling.services.booking_status import MarkResult, mark_attended

router = Router()

BOOKING_ID = Path(max_length=64, pattern=r"^[A-Za-z0-9_-]{1,64}$")


class MarkData(BaseModel):
    success: bool
    booking: BookingOut
    activity_id: str | None
    notifications_sent: int
    reminders_scheduled: int


class MarkResponse(BaseModel):
    data: MarkData


def mark_response(result: MarkResult) -> dict:
    """The body of items 7–9; a repeated mark (a no-op) reports the first mark's activity id."""
    return {"data": {
        "success": True,
        "booking": booking_json(result.booking),
        "activity_id": result.activity_id,
        "notifications_sent": result.notifications_sent,
        "reminders_scheduled": result.reminders_scheduled,
    }}


@router.post(
    "/scheduling-bookings/<booking_id>/mark-attended",
    summary="Mark a booking attended (clears the opportunity's next action, cancels pending reminders)",
    middlewares=[requires("company:write")],
    responses=documented(200, MarkResponse, 404, 409),
)
def mark_attended_route(booking_id: Annotated[str, BOOKING_ID]) -> dict:
    now = datetime.now(timezone.utc)
    return mark_response(mark_attended(current_principal().company_id, booking_id, now))
