"""POST /v1/scheduling/voice/reschedule-booking (scheduling:write): move the caller's booking; always 200 text."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling.api.app import requires
from scheduling.api.voice_app import text_response, voice_call
from scheduling.voice.manage_tools import answer_reschedule

router = Router()


@router.post("/scheduling/voice/reschedule-booking", middlewares=[requires("scheduling:write")])
def voice_reschedule_booking_route() -> Response:
    company, body, now = voice_call(router)
    return text_response(router, answer_reschedule(company.id, body, now, company=company))
