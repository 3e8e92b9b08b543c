"""The OpenAPI 3.1 document of every JSON endpoint, generated from the routers themselves.

GET /v1/openapi.json serves `api/openapi.json`, this module's output, committed beside it:
generating it imports every documented router (and with them every service) plus Powertools'
OpenAPI models (≈ 40 pydantic models), ≈ 0.6 s that the openapi function used to spend on its
cold start for a document that only changes when the code does (issue #10). The unit test
tests/unit/foundation/test_openapi_document.py fails when the routes and the file differ; then run

    PYTHONPATH=shared .venv/bin/python -m scheduling.api.openapi_document

and commit the new `shared/scheduling/api/openapi.json`.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

DOCUMENT_PATH = Path(__file__).with_name("openapi.json")

# Every JSON endpoint's router module; voice (text/plain) and local-only routes stay out.
DOCUMENTED_ROUTERS = (
    "health",
    "list_bookings",
    "get_booking",
    "create_booking",
    "cancel_booking",
    "create_hold",
    "release_hold",
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
    "webhooks_create",
    "webhooks_list",
    "webhooks_get",
    "webhooks_update",
    "webhooks_delete",
    "webhooks_rotate",
    "webhooks_test",
    "webhooks_deliveries",
    "webhooks_redeliver",
)


def build_document() -> dict:
    """The document, from every router of DOCUMENTED_ROUTERS mounted in one resolver."""
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
    return schema


def file_text(document: dict) -> str:
    """How the document is stored: indented, in generation order, so a change reads as a small diff."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    DOCUMENT_PATH.write_text(file_text(build_document()), encoding="utf-8")
    print(f"wrote {DOCUMENT_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
