"""POST /scheduling-bookings/{id}/notetaker (company:write): contract §3 item 10."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import Field

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.schemas import DocModel, documented
from scheduling.services.notetaker import schedule_notetaker

router = Router()


class NotetakerScheduledOut(DocModel):
    success: bool
    bot_id: str
    already_scheduled: bool = Field(description="true when the booking already had this bot (nothing changed)")
    join_at: str = Field(description="When the bot joins (60 s before the start), in the booking's timezone offset")
    message: str


class CreditsMeta(DocModel):
    credits_remaining: int = Field(description="The company's balance now; nothing is charged when scheduling")


class NotetakerScheduledResponse(DocModel):
    data: NotetakerScheduledOut
    meta: CreditsMeta


_DESCRIPTION = (
    "Registers a bot that joins 60 seconds before the start and records the meeting. Idempotent: a "
    "repeat returns the same bot_id with already_scheduled true. Errors, in this order: 403 "
    "NOTETAKER_DISABLED, 409 NO_MEETING_LINK, 409 BOOKING_CANCELLED, 409 MEETING_ENDED, 403 "
    "INSUFFICIENT_CREDITS (23 credits × duration minutes needed); 502 NOTETAKER_PROVIDER_ERROR when "
    "the provider fails. After the meeting, 23 credits per recorded minute (rounded up) are billed once."
)


@router.post(
    "/scheduling/bookings/<booking_id>/notetaker",
    operation_id="scheduling_schedule_notetaker",
    summary="Attach the notetaker bot to a booking's Google Meet",
    description=_DESCRIPTION,
    middlewares=[requires(*family.WRITE)],
    responses=documented(200, NotetakerScheduledResponse, 403, 404, 409, 502, 503),
)
@router.post(
    "/scheduling-bookings/<booking_id>/notetaker",
    summary="Attach the notetaker bot to a booking's Google Meet",
    description=_DESCRIPTION,
    middlewares=[requires("company:write")],
    responses=documented(200, NotetakerScheduledResponse, 403, 404, 409, 502, 503),
)
def schedule_notetaker_route(booking_id: Annotated[str, Path(max_length=64)]) -> dict:
    result = schedule_notetaker(current_principal().company_id, booking_id, datetime.now(UTC))
    return {
        "data": {"success": True, "bot_id": result.bot_id, "already_scheduled": result.already_scheduled,
                 "join_at": result.join_at.isoformat(), "message": result.message},
        "meta": {"credits_remaining": result.credits_remaining},
    }
