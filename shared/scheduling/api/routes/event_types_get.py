from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.routes.event_types_common import ID_PATTERN, EventTypeResponse, event_type_json
from scheduling.api.schemas import documented
from scheduling.services.event_type_admin import get_event_type

router = Router()


@router.get(
    "/scheduling/event-types/<event_type_id>",
    operation_id="scheduling_get_event_type",
    summary="One event type with every field",
    middlewares=[requires(*family.READ)],
    responses=documented(200, EventTypeResponse, 404),
)
@router.get(
    "/scheduled-event-types/<event_type_id>",
    summary="One event type with every field",
    middlewares=[requires("company:read")],
    responses=documented(200, EventTypeResponse, 404),
)
def get_event_type_route(event_type_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> dict:
    return {"data": event_type_json(get_event_type(current_principal().company_id, event_type_id))}
