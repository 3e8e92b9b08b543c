"""POST /v1/scheduling/voice/cancel-booking (scheduling:write): cancel the caller's booking; always 200 text."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling.api.app import requires
from scheduling.api.voice_app import text_response, voice_call
from scheduling.voice.manage_tools import answer_cancel

router = Router()


@router.post("/scheduling/voice/cancel-booking", middlewares=[requires("scheduling:write")])
def voice_cancel_booking_route() -> Response:
    company, body, now = voice_call(router)
    return text_response(router, answer_cancel(company.id, body, now, company=company))
