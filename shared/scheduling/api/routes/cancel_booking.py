"""POST /scheduling-bookings/{id}/cancel (contract §3 item 4), with Idempotency-Key (§1)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict, Field, create_model

from scheduling.api import family
from scheduling.api.app import current_principal, json_response, requires
from scheduling.api.presenters import booking_json
from scheduling.api.schemas import BookingOut, DocModel, documented
from scheduling.domain.models import Booking
from scheduling.services.booking_cancel import cancel_booking
from scheduling.services.idempotency import idempotency_key_from, run_once

router = Router()

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
_HIDDEN = ("management_token", "management_token_expires_at")


class CancelBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    cancellation_reason: str | None = Field(default=None, max_length=1000)
    reason: str | None = Field(default=None, max_length=1000,
                               description="Same as cancellation_reason (the name the /scheduling/* reschedule uses).")


# A booking as GET shows it, minus the management token.
CancelledBookingOut = create_model(
    "CancelledBookingOut",
    __base__=DocModel,
    **{name: (f.annotation, f) for name, f in BookingOut.model_fields.items() if name not in _HIDDEN},  # type: ignore[call-overload]
)


class CancelData(DocModel):
    success: bool
    already_cancelled: bool
    booking: CancelledBookingOut  # type: ignore[valid-type]


class CancelResponse(DocModel):
    data: CancelData


def public_booking(booking: Booking) -> dict:
    """The booking as JSON without its management token (only GET and list show that)."""
    return {k: v for k, v in booking_json(booking).items() if k not in _HIDDEN}


@router.post(
    "/scheduling/bookings/<booking_id>/cancel",
    operation_id="scheduling_cancel_booking",
    summary="Cancel a booking: frees the slot, deletes the calendar event, emails the booker",
    middlewares=[requires(*family.WRITE)],
    responses=documented(200, CancelResponse, 404, 409),
)
@router.post(
    "/scheduling-bookings/<booking_id>/cancel",
    summary="Cancel a booking: frees the slot, deletes the calendar event, emails the booker",
    middlewares=[requires("company:write")],
    responses=documented(200, CancelResponse, 404, 409),
)
def cancel_booking_route(
    booking_id: Annotated[str, Path(pattern=ID_PATTERN)],
    body: Annotated[CancelBody | None, Body()] = None,
):  # noqa: ANN201 - a typed Response would be validated as a model
    company_id = current_principal().company_id
    key = idempotency_key_from(dict(router.current_event.headers or {}))
    reason = (body.cancellation_reason or body.reason) if body else None

    def cancel() -> tuple[int, dict]:
        result = cancel_booking(company_id, booking_id, reason, datetime.now(UTC))
        return 200, {"data": {"success": True, "already_cancelled": result.already_cancelled,
                              "booking": public_booking(result.booking)}}

    request = {"operation": "cancel_booking", "booking_id": booking_id, "cancellation_reason": reason}
    status, payload, replayed = run_once(company_id, key, request, cancel, router.lambda_context)
    return json_response(status, payload, replayed)
