"""POST /v1/mcp: the MCP server of contract §9 (see scheduling.api.mcp_server and docs/mcp.md)."""

from __future__ import annotations

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling import observability
from scheduling.api.app import authenticator

router = Router()


@router.post("/mcp", include_in_schema=False)
def mcp_route():  # noqa: ANN201 - a Response
    from scheduling.api.mcp_server import serve
    from scheduling.services.rate_limits import enforce_rate_limits

    # Any valid key may speak MCP; what it may do is filtered per tool by its scopes.
    principal = authenticator().authenticate(dict(router.current_event.headers or {}))
    observability.bind(company_id=principal.company_id)
    enforce_rate_limits(principal, datetime.now(UTC))
    status, headers, body = serve(router.current_event.raw_event, router.lambda_context, principal)
    content_type = headers.pop("content-type", "application/json")
    headers.pop("content-length", None)
    return Response(status_code=status, content_type=content_type, body=body.decode(), headers=headers)
