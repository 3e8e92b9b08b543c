from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.routes.event_types_common import (
    CreateEventTypeBody,
    EventTypeResponse,
    event_type_json,
    sent_fields,
)
from scheduling.api.schemas import documented
from scheduling.services.event_type_admin import create_event_type
from scheduling.services.idempotency import idempotency_key_from, run_once

router = Router()


@router.post(
    "/scheduling/event-types",
    operation_id="scheduling_create_event_type",
    summary="Create an event type (slug generated from the name when absent; 409 when taken)",
    middlewares=[requires(*family.WRITE)],
    responses=documented(201, EventTypeResponse, 409),
)
@router.post(
    "/scheduled-event-types",
    summary="Create an event type (slug generated from the name when absent; 409 when taken)",
    middlewares=[requires("company:write")],
    responses=documented(201, EventTypeResponse, 409),
)
def create_event_type_route(body: Annotated[CreateEventTypeBody, Body()]):  # noqa: ANN201 - Response not typed (see openapi.py)
    company_id = current_principal().company_id
    key = idempotency_key_from(dict(router.current_event.headers or {}))
    fields = sent_fields(body)

    def create() -> tuple[int, dict]:
        return 201, {"data": event_type_json(create_event_type(company_id, fields, datetime.now(UTC)))}

    request = {"operation": "create_event_type", "body": fields}
    status, payload, replayed = run_once(company_id, key, request, create, router.lambda_context)
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(status_code=status, content_type="application/json", body=json.dumps(payload), headers=headers)
