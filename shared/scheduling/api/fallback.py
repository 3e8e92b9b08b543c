"""Answers for requests no endpoint function serves: unknown path → 404, known path → 405."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from scheduling.errors import DomainError

# Every API route of template.yaml (tests/unit/test_template.py keeps this list in step with it).
KNOWN_ROUTES: dict[str, set[str]] = {
    "/v1/health": {"GET"},
    "/v1/openapi.json": {"GET"},
    "/v1/scheduling-bookings": {"GET", "POST"},
    "/v1/scheduling-bookings/check-availability": {"POST"},
    "/v1/scheduling-bookings/available-slots": {"POST"},
    "/v1/scheduling-bookings/holds": {"POST"},
    "/v1/scheduling-bookings/holds/{hold_id}": {"DELETE"},
    "/v1/scheduling-bookings/{id}": {"GET"},
    "/v1/scheduling-bookings/{id}/reschedule": {"POST"},
    "/v1/scheduling-bookings/{id}/cancel": {"POST"},
    "/v1/scheduling-bookings/{id}/mark-attended": {"POST"},
    "/v1/scheduling-bookings/{id}/mark-late": {"POST"},
    "/v1/scheduling-bookings/{id}/mark-no-show": {"POST"},
    "/v1/scheduled-event-types": {"GET", "POST"},
    "/v1/scheduled-event-types/{id}": {"GET", "PATCH", "DELETE"},
    "/v1/scheduling-availability": {"GET", "PUT"},
    "/v1/users": {"GET"},
    "/v1/scheduling-bookings/{id}/notetaker": {"POST"},
    "/v1/webhook-subscriptions": {"GET", "POST"},
    "/v1/webhook-subscriptions/{id}": {"GET", "PATCH", "DELETE"},
    "/v1/webhook-subscriptions/{id}/rotate-secret": {"POST"},
    "/v1/webhook-subscriptions/{id}/test": {"POST"},
    "/v1/webhook-subscriptions/{id}/deliveries": {"GET"},
    "/v1/webhook-subscriptions/{id}/deliveries/{delivery_id}/redeliver": {"POST"},
    "/v1/scheduling/voice/{event_type_id}/slots": {"POST"},
    "/v1/scheduling/voice/{event_type_id}/book": {"POST"},
    "/v1/scheduling/voice/cancel-booking": {"POST"},
    "/v1/scheduling/voice/reschedule-booking": {"POST"},
    "/v1/mcp": {"POST"},
    # the /scheduling/* family (contract §9)
    "/v1/scheduling/bookings": {"GET", "POST"},
    "/v1/scheduling/bookings/{booking_id}": {"GET"},
    "/v1/scheduling/check-availability": {"POST"},
    "/v1/scheduling/available-slots": {"POST"},
    "/v1/scheduling/bookings/{booking_id}/reschedule": {"POST"},
    "/v1/scheduling/bookings/{booking_id}/cancel": {"POST"},
    "/v1/scheduling/bookings/{booking_id}/mark-attended": {"POST"},
    "/v1/scheduling/bookings/{booking_id}/mark-late": {"POST"},
    "/v1/scheduling/bookings/{booking_id}/mark-no-show": {"POST"},
    "/v1/scheduling/bookings/{booking_id}/notetaker": {"POST"},
    "/v1/scheduling/event-types": {"GET", "POST"},
    "/v1/scheduling/event-types/{event_type_id}": {"DELETE", "GET", "PATCH"},
    "/v1/scheduling/availability": {"GET", "PUT"},
    # booker pages (HTML, at the root; not in the OpenAPI document)
    "/book/{company_slug}/manage/{token}": {"GET"},
    "/book/{company_slug}/manage/{token}/cancel": {"POST"},
    "/book/{company_slug}/manage/{token}/reschedule": {"POST"},
    "/book/{company_slug}/{event_type_slug}": {"GET", "POST"},
}


def _pattern(template_path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template_path)) + "/?$")


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], set[str]], ...]:
    """Compiled on first use, not at import: only a request no route matches needs them."""
    return tuple((_pattern(path), methods) for path, methods in KNOWN_ROUTES.items())


def allowed_methods(path: str) -> set[str] | None:
    for pattern, methods in _patterns():
        if pattern.match(path):
            return methods
    return None


def unknown_route_response(event: dict[str, Any]) -> dict[str, Any]:
    path = event.get("path") or "/"
    method = (event.get("httpMethod") or "GET").upper()
    request_id = (event.get("requestContext") or {}).get("requestId") or "local"
    methods = allowed_methods(path)
    headers = {"Content-Type": "application/json", "X-Request-Id": request_id}
    if methods:
        error = DomainError(
            f"{method} is not allowed on {path}.",
            code="METHOD_NOT_ALLOWED",
            status=405,
            fix=f"Use {', '.join(sorted(methods))}.",
            details={"allowed_methods": sorted(methods)},
        )
        headers["Allow"] = ", ".join(sorted(methods))
    else:
        error = DomainError(
            f"No route {method} {path}.",
            code="ROUTE_NOT_FOUND",
            status=404,
            fix="Check the path against GET /v1/openapi.json; every path starts with /v1.",
        )
    return {"statusCode": error.status, "headers": headers, "body": json.dumps(error.to_envelope())}
