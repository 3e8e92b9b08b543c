"""POST /v1/scheduling/voice/{event_type_id}/slots (scheduling:read): times to offer, as text."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling.api.app import current_principal, requires
from scheduling.api.voice_app import text_response, voice_request
from scheduling.services import holds
from scheduling.services.auth import has_any_scope
from scheduling.voice.slots_tool import answer_slots

router = Router()


@router.post("/scheduling/voice/<event_type_id>/slots", middlewares=[requires("scheduling:read")])
def voice_slots_route(event_type_id: str) -> Response:
    company_id, body, now = voice_request(router)
    may_hold = has_any_scope(current_principal().scopes, *holds.SCOPES)  # a read-only key's answer holds nothing
    return text_response(router, answer_slots(company_id, event_type_id, body, now, may_hold=may_hold))
