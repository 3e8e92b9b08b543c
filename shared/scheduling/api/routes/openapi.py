"""GET /openapi.json: one document built from every endpoint's router (no auth)."""

from __future__ import annotations

import importlib
import json
from functools import lru_cache

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

router = Router()

# Every JSON endpoint's router module; voice (text/plain) and local-only routes stay out.
DOCUMENTED_ROUTERS = (
    "health",
    "list_bookings",
    "get_booking",
    "create_booking",
    "cancel_booking",
    "reschedule_booking",
    "mark_attended",
    "mark_late",
    "mark_no_show",
    "check_availability",
    "available_slots",
    "event_types_list",
    "event_types_create",
    "event_types_get",
    "event_types_update",
    "event_types_delete",
    "availability_settings_get",
    "availability_settings_put",
    "list_users",
    "schedule_notetaker",
)


@lru_cache(maxsize=1)
def openapi_document() -> str:
    """Built on the first request and kept: it imports every documented router and Powertools'
    OpenAPI models (≈ 40 pydantic models), which no other function needs, so they stay out of the
    function's import (issue #10)."""
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, HTTPBearer, Server

    from scheduling.api.app import build_app

    routers = [importlib.import_module(f"scheduling.api.routes.{name}").router for name in DOCUMENTED_ROUTERS]
    app = build_app(*routers)
    schema = json.loads(
        app.get_openapi_json_schema(
            title="Scheduling Bookings API",
            version="1.0.0",
            servers=[Server(url="/v1")],
            description="Find free time, book, cancel, reschedule and follow up meetings. Contract: docs/.",
            security_schemes={
                "bearer": HTTPBearer(description="Authorization: Bearer <api key>"),
                "apiKey": APIKey(name="X-API-Key", **{"in": APIKeyIn.header}),
            },
            security=[{"bearer": []}, {"apiKey": []}],
        )
    )
    # Validation errors are 400 INVALID_BODY / MISSING_FIELDS / VALIDATION_ERROR: never promise a 422.
    for operations in schema["paths"].values():
        for operation in operations.values():
            operation["responses"].pop("422", None)
    for unused in ("HTTPValidationError", "ResponseValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(unused, None)
    # /health needs no key (Powertools drops an empty per-route `security`, so set it here).
    schema["paths"]["/health"]["get"]["security"] = []
    return json.dumps(schema)


@router.get("/openapi.json", include_in_schema=False)
def openapi_json():  # noqa: ANN201 - a typed Response would be validated as a model
    return Response(status_code=200, content_type="application/json", body=openapi_document())
