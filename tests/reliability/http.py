"""API Gateway events for the functions, run in-process as Lambda would (tools.sam_template)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tools.local_server import LocalContext
from tools.sam_template import handler_module


def api_event(method: str, resource: str, path: str, *, key: str | None = None, body: Any = None,
              path_parameters: dict[str, str] | None = None, request_id: str | None = None) -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return {
        "resource": resource, "path": path, "httpMethod": method, "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": path_parameters, "stageVariables": None,
        "requestContext": {"requestId": request_id or str(uuid.uuid4()), "stage": "live", "resourcePath": resource,
                           "httpMethod": method, "path": "/live" + path, "identity": {"sourceIp": "127.0.0.1"}},
        "body": None if body is None else (body if isinstance(body, str) else json.dumps(body)),
        "isBase64Encoded": False,
    }


def invoke(function: str, event: dict[str, Any]) -> dict[str, Any]:
    return handler_module(function).lambda_handler(event, LocalContext())


def scheduled(at: str) -> dict[str, Any]:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "time": at, "region": "ap-southeast-2", "resources": [], "detail": {}}


def header(result: dict[str, Any], name: str) -> str | None:
    """A response header, from `headers` or the REST API's `multiValueHeaders`."""
    for key, value in (result.get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    for key, values in (result.get("multiValueHeaders") or {}).items():
        if key.lower() == name.lower():
            return values[0]
    return None
