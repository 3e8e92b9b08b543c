"""POST /v1/scheduling/voice/{event_type_id}/book (scheduling:write): book a slot; always 200 text."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling.api.app import requires
from scheduling.api.voice_app import text_response, voice_request
from scheduling.voice.book_tool import answer_book

router = Router()


@router.post("/scheduling/voice/<event_type_id>/book", middlewares=[requires("scheduling:write")])
def voice_book_route(event_type_id: str) -> Response:
    company_id, body, now = voice_request(router)
    return text_response(router, answer_book(company_id, event_type_id, body, now))
