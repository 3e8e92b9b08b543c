"""POST /v1/mcp: a Model Context Protocol server (Streamable HTTP, stateless, JSON responses), contract §9.

Built on the official `mcp` SDK's low-level `Server` and its `StreamableHTTPSessionManager`; the
choice and its costs are in docs/mcp.md. Two things are particular to Lambda:
- the SDK (and its pydantic protocol models) is imported on the first MCP request, not at cold import;
- a session manager's `run()` may be entered only once per instance, so each invocation makes its own
  manager and `Server` (both cheap; a warm container keeping one manager would fail on its 2nd request).
A tool call is the family's route of the same operation, resolved in process with the caller's key
already admitted (see `tool_call`): one implementation of every rule, one rate-limit count per request.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from scheduling.api import mcp_tools

if TYPE_CHECKING:
    from scheduling.services.auth import Principal

_FAMILY_ROUTE_MODULES = (
    "list_bookings", "get_booking", "create_booking", "cancel_booking", "reschedule_booking", "available_slots",
    "check_availability", "mark_attended", "mark_late", "mark_no_show", "schedule_notetaker", "event_types_list",
    "availability_settings_get", "create_hold", "release_hold",
)


@lru_cache(maxsize=1)
def _routes_app():  # noqa: ANN202 - the Powertools resolver
    from importlib import import_module

    from scheduling.api.app import build_app

    return build_app(*(import_module(f"scheduling.api.routes.{name}").router for name in _FAMILY_ROUTE_MODULES))


def tool_call(tool: mcp_tools.Tool, arguments: dict[str, Any], event: dict[str, Any], context: Any,
              principal: Principal) -> tuple[bool, str, dict[str, Any] | None]:
    """(is_error, text, structured content) of one tool call, through the family's route."""
    from scheduling.api.app import admitted_as

    arguments = dict(arguments or {})
    path = tool.path
    for name in ("booking_id", "hold_id"):
        placeholder = "{" + name + "}"
        if placeholder in path:
            value = str(arguments.pop(name, "") or "")
            if not value:
                return True, f"MISSING_FIELDS: {name} is required.\nFix: Send the id as {name}.", None
            path = path.replace(placeholder, value)
    query = {k: str(v) for k, v in arguments.items() if v is not None} if tool.query else None
    headers = {k: v for k, v in (event.get("headers") or {}).items()
               if k.lower() in ("authorization", "x-api-key", "idempotency-key")}
    headers["Content-Type"] = "application/json"
    inner = {**event, "httpMethod": tool.method, "path": "/v1" + path, "resource": "/v1" + tool.path,
             "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
             "queryStringParameters": query or None,
             "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
             "pathParameters": None, "isBase64Encoded": False,
             "body": None if tool.query else json.dumps(arguments)}
    with admitted_as(principal):
        response = _routes_app().resolve(inner, context)
    payload = json.loads(response.get("body") or "{}")
    if response["statusCode"] >= 400:
        error = payload.get("error") or {}
        return True, mcp_tools.error_text(error), {"error": error}
    data = payload.get("data")
    if isinstance(data, list):
        return False, mcp_tools.list_text(tool, data), payload  # structuredContent must be an object
    return False, mcp_tools.result_text(tool, data, arguments), data


def visible_tools(principal: Principal) -> list[mcp_tools.Tool]:
    from scheduling.services.auth import has_any_scope

    return [t for t in mcp_tools.TOOLS if has_any_scope(principal.scopes, *t.scopes)]


def _server(event: dict[str, Any], context: Any, principal: Principal):  # noqa: ANN202 - mcp Server
    import mcp_types as types
    from mcp.server.lowlevel import Server

    async def list_tools(_ctx, _params) -> types.ListToolsResult:  # noqa: ANN001
        return types.ListToolsResult(tools=[
            types.Tool(name=t.name, description=t.description, input_schema=t.schema())
            for t in visible_tools(principal)])

    async def call_tool(_ctx, params) -> types.CallToolResult:  # noqa: ANN001
        tool = mcp_tools.BY_NAME.get(params.name)
        if tool is None:
            return types.CallToolResult(is_error=True, content=[types.TextContent(
                text=f"UNKNOWN_TOOL: There is no tool {params.name}.\nFix: Call tools/list and use one of its names.")])
        if tool not in visible_tools(principal):
            from scheduling.errors import DomainError
            from scheduling.services.auth import require_scope

            try:  # the refusal the tool's route would give (same message, fix and details)
                require_scope(principal, *tool.scopes)
            except DomainError as refusal:
                error = refusal.to_envelope()["error"]
                return types.CallToolResult(is_error=True, content=[types.TextContent(text=mcp_tools.error_text(error))],
                                            structured_content={"error": error})
        is_error, text, structured = tool_call(tool, params.arguments or {}, event, context, principal)
        return types.CallToolResult(is_error=is_error, content=[types.TextContent(text=text)],
                                    structured_content=structured)

    return Server("trustpager-scheduling", version="1", on_list_tools=list_tools, on_call_tool=call_tool)


def serve(event: dict[str, Any], context: Any, principal: Principal) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request through the SDK's stateless Streamable HTTP transport, as an in-process ASGI call."""
    import anyio
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

    body = (event.get("body") or "").encode()
    headers = [(k.lower().encode(), str(v).encode()) for k, v in (event.get("headers") or {}).items()
               if k.lower() != "content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": event["httpMethod"],
             "scheme": "https", "path": "/mcp", "raw_path": b"/mcp", "query_string": b"", "root_path": "",
             "headers": headers, "server": ("lambda", 443), "client": ("127.0.0.1", 0)}
    status = 500
    response_headers: dict[str, str] = {}
    chunks: list[bytes] = []
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()  # the transport waits for a disconnect that never comes mid-request
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            response_headers.update({k.decode(): v.decode() for k, v in message.get("headers", [])})
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    async def run() -> None:
        manager = StreamableHTTPSessionManager(app=_server(event, context, principal), stateless=True,
                                               json_response=True)
        async with manager.run():
            await manager.handle_request(scope, receive, send)

    anyio.run(run)
    return status, response_headers, b"".join(chunks)
