"""Bodies the JSON endpoints cannot read are a 400 INVALID_BODY (or the auth refusal), never a 500.

Found by the schemathesis run of tests/fuzz/test_openapi_fuzz.py: Powertools raises plain
exceptions for a Content-Type it does not parse and for multipart without a boundary.
"""

from __future__ import annotations

import json

import pytest

from tests.support.seeds import RW_KEY
from tools.local_server import LocalContext
from tools.sam_template import handler_module


def _event(content_type: str, body: str, key: str | None = RW_KEY) -> dict:
    headers = {"Content-Type": content_type}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return {
        "resource": "/v1/scheduling-bookings/check-availability",
        "path": "/v1/scheduling-bookings/check-availability",
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"requestId": "fuzz-req", "stage": "live", "httpMethod": "POST",
                           "resourcePath": "/v1/scheduling-bookings/check-availability",
                           "path": "/live/v1/scheduling-bookings/check-availability",
                           "identity": {"sourceIp": "127.0.0.1"}},
        "body": body,
        "isBase64Encoded": False,
    }


VALID = json.dumps({"event_type_slug": "free-consultation", "date": "2030-12-02", "time": "09:00"})


@pytest.mark.filterwarnings("ignore:Received multipart/form-data without base64 encoding")
@pytest.mark.parametrize("content_type, body", [
    ("text/plain", VALID),
    ("application/xml", "<date>2030-12-02</date>"),
    ("multipart/form-data", VALID),
    ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"date\"\r\n\r\n€\r\n--x--"),
], ids=["text-plain", "xml", "multipart-without-boundary", "multipart-not-latin-1"])
def test_a_body_the_api_cannot_read_is_invalid_body_not_a_server_error(workspace, content_type, body):
    result = handler_module("check_availability").lambda_handler(_event(content_type, body), LocalContext())

    assert result["statusCode"] == 400, result
    error = json.loads(result["body"])["error"]
    assert error["code"] == "INVALID_BODY"
    assert "application/json" in error["fix"]


def test_an_unreadable_body_without_a_key_is_still_unauthorized(workspace):
    result = handler_module("check_availability").lambda_handler(_event("text/plain", VALID, key=None), LocalContext())

    assert result["statusCode"] == 401, result
    assert json.loads(result["body"])["error"]["code"] == "UNAUTHORIZED"
