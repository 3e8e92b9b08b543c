from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.routes.event_types_common import EventTypeList, event_type_json
from scheduling.api.schemas import documented
from scheduling.services.event_type_admin import list_event_types

router = Router()


@router.get(
    "/scheduling/event-types",
    operation_id="scheduling_list_event_types",
    summary="List the company's event types (active and inactive), one page at a time",
    middlewares=[requires(*family.READ)],
    responses=documented(200, EventTypeList),
)
@router.get(
    "/scheduled-event-types",
    summary="List the company's event types (active and inactive), one page at a time",
    middlewares=[requires("company:read")],
    responses=documented(200, EventTypeList),
)
def list_event_types_route(
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    after: Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")] = None,
) -> dict:
    event_types, next_cursor = list_event_types(current_principal().company_id, limit, after)
    return {
        "data": [event_type_json(e) for e in event_types],
        "pagination": {"limit": limit, "has_more": next_cursor is not None, "next_cursor": next_cursor},
    }
