"""The MCP function on one warm container: several invocations in a row (the SDK's session manager may
be run only once per instance, so a design that kept one would fail on the second request)."""

from __future__ import annotations

import json

from tests.support.seeds import RO_KEY, RW_KEY
from tools.local_server import LocalContext
from tools.sam_template import handler_module

ACCEPT = "application/json, text/event-stream"


def mcp_event(key: str | None, message: dict) -> dict:
    headers = {"Content-Type": "application/json", "Accept": ACCEPT}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return {"resource": "/v1/mcp", "path": "/v1/mcp", "httpMethod": "POST", "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": None,
            "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
            "requestContext": {"requestId": "test", "stage": "live", "resourcePath": "/v1/mcp", "httpMethod": "POST",
                               "path": "/live/v1/mcp", "identity": {"sourceIp": "127.0.0.1"}},
            "body": json.dumps(message), "isBase64Encoded": False}


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}


def test_one_container_answers_initialize_then_tools_list_then_a_call(workspace) -> None:
    handler = handler_module("mcp").lambda_handler

    first = handler(mcp_event(RW_KEY, INITIALIZE), LocalContext())
    second = handler(mcp_event(RO_KEY, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}), LocalContext())
    third = handler(mcp_event(RO_KEY, {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
        "name": "cancel_booking", "arguments": {"booking_id": "x"}}}), LocalContext())

    assert first["statusCode"] == 200, first["body"]
    assert json.loads(first["body"])["result"]["serverInfo"]["name"] == "trustpager-scheduling"
    assert second["statusCode"] == 200, second["body"]
    names = {t["name"] for t in json.loads(second["body"])["result"]["tools"]}
    assert "list_bookings" in names and "cancel_booking" not in names
    result = json.loads(third["body"])["result"]
    assert result["isError"] is True and result["content"][0]["text"].startswith("INSUFFICIENT_SCOPE")


def test_no_key_is_401_with_www_authenticate(workspace) -> None:
    response = handler_module("mcp").lambda_handler(mcp_event(None, INITIALIZE), LocalContext())
    assert response["statusCode"] == 401
    headers = {**response.get("headers", {}), **{k: v[0] for k, v in (response.get("multiValueHeaders") or {}).items()}}
    assert headers["WWW-Authenticate"] == "Bearer"
