from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.routes.event_types_common import (
    ID_PATTERN,
    EventTypeFields,
    EventTypeResponse,
    event_type_json,
    sent_fields,
)
from scheduling.api.schemas import documented
from scheduling.services.event_type_admin import update_event_type

router = Router()


@router.patch(
    "/scheduling/event-types/<event_type_id>",
    operation_id="scheduling_update_event_type",
    summary="Change some fields of an event type (existing bookings keep what they were booked with)",
    middlewares=[requires(*family.WRITE)],
    responses=documented(200, EventTypeResponse, 404, 409),
)
@router.patch(
    "/scheduled-event-types/<event_type_id>",
    summary="Change some fields of an event type (existing bookings keep what they were booked with)",
    middlewares=[requires("company:write")],
    responses=documented(200, EventTypeResponse, 404, 409),
)
def update_event_type_route(
    event_type_id: Annotated[str, Path(pattern=ID_PATTERN)],
    body: Annotated[EventTypeFields, Body()],
) -> dict:
    updated = update_event_type(current_principal().company_id, event_type_id, sent_fields(body), datetime.now(UTC))
    return {"data": event_type_json(updated)}
