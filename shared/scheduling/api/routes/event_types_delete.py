from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.routes.event_types_common import ID_PATTERN, DeleteEventTypeResponse, event_type_json
from scheduling.api.schemas import documented
from scheduling.services.event_type_admin import delete_event_type

router = Router()


@router.delete(
    "/scheduling/event-types/<event_type_id>",
    operation_id="scheduling_delete_event_type",
    summary="Delete an event type, or deactivate it (is_active false) when bookings name it",
    middlewares=[requires(*family.DELETE)],
    responses=documented(200, DeleteEventTypeResponse, 404),
)
@router.delete(
    "/scheduled-event-types/<event_type_id>",
    summary="Delete an event type, or deactivate it (is_active false) when bookings name it",
    middlewares=[requires("company:write")],
    responses=documented(200, DeleteEventTypeResponse, 404),
)
def delete_event_type_route(event_type_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> dict:
    outcome = delete_event_type(current_principal().company_id, event_type_id, datetime.now(UTC))
    return {"data": {"success": True, "action": outcome.action, "event_type": event_type_json(outcome.event_type)}}
