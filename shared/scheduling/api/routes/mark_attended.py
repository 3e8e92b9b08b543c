"""POST /scheduling-bookings/{id}/mark-attended (contract §3 item 7), and what the three marks share.

Every mark accepts `Idempotency-Key` (contract §1): the same key for the same mark of the same
booking within 24 h replays the first answer; reused for another request → 409
IDEMPOTENCY_KEY_REUSED. (Without a key a repeat is already a 200 no-op that sends nothing.)
Like cancel, the booking in the answer leaves out the management token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import create_model

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.presenters import booking_json
from scheduling.api.schemas import BookingOut, DocModel, documented
from scheduling.services.booking_status import MarkResult, mark_attended
from scheduling.services.idempotency import idempotency_key_from, run_once

router = Router()

BOOKING_ID = Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")
_HIDDEN = ("management_token", "management_token_expires_at")

MarkedBookingOut = create_model(
    "MarkedBookingOut",
    __base__=DocModel,
    **{name: (f.annotation, f) for name, f in BookingOut.model_fields.items() if name not in _HIDDEN},  # type: ignore[call-overload]
)


class MarkData(DocModel):
    success: bool
    booking: MarkedBookingOut  # type: ignore[valid-type]
    activity_id: str | None
    notifications_sent: int
    reminders_scheduled: int


class MarkResponse(DocModel):
    data: MarkData


def mark_response(result: MarkResult) -> dict:
    """The body of items 7–9; a repeated mark (a no-op) reports the first mark's activity id."""
    booking = {k: v for k, v in booking_json(result.booking).items() if k not in _HIDDEN}
    return {"data": {
        "success": True,
        "booking": booking,
        "activity_id": result.activity_id,
        "notifications_sent": result.notifications_sent,
        "reminders_scheduled": result.reminders_scheduled,
    }}


def run_mark(route_router: Router, operation: str, booking_id: str,
             service: Callable[[str, str, datetime], MarkResult]) -> dict:
    """Authenticated company, Idempotency-Key, the service call with `now`, the response body."""
    company_id = current_principal().company_id
    key = idempotency_key_from(dict(route_router.current_event.headers or {}))

    def action() -> tuple[int, dict[str, Any]]:
        return 200, mark_response(service(company_id, booking_id, datetime.now(UTC)))

    _, body, _ = run_once(company_id, key, {"operation": operation, "booking_id": booking_id}, action,
                          route_router.lambda_context)
    return body


@router.post(
    "/scheduling/bookings/<booking_id>/mark-attended",
    operation_id="scheduling_mark_attended",
    summary="Mark a booking attended (clears the opportunity's next action, cancels pending reminders)",
    middlewares=[requires(*family.WRITE)],
    responses=documented(200, MarkResponse, 404, 409),
)
@router.post(
    "/scheduling-bookings/<booking_id>/mark-attended",
    summary="Mark a booking attended (clears the opportunity's next action, cancels pending reminders)",
    middlewares=[requires("company:write")],
    responses=documented(200, MarkResponse, 404, 409),
)
def mark_attended_route(booking_id: Annotated[str, BOOKING_ID]) -> dict:
    return run_mark(router, "mark_attended", booking_id, mark_attended)
