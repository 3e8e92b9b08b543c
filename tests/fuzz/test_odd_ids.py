"""An id Powertools' route pattern refuses (`#`, `€`, emoji…) on a declared route is still that route:
401 without a key, 404 NOT_FOUND with one — not 404 ROUTE_NOT_FOUND before auth.

Found by the no-key pass of tests/fuzz/test_openapi_fuzz.py.
"""

from __future__ import annotations

import json

import pytest

from tests.support.seeds import OTHER_KEY, RW_KEY
from tools.local_server import LocalContext
from tools.sam_template import handler_module


def _event(method: str, path: str, key: str | None) -> dict:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return {
        "resource": path, "path": path, "httpMethod": method, "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
        "stageVariables": None, "body": None, "isBase64Encoded": False,
        "requestContext": {"requestId": "odd-id", "stage": "live", "httpMethod": method, "resourcePath": path,
                           "path": "/live" + path, "identity": {"sourceIp": "127.0.0.1"}},
    }


ODD_IDS = ["a#b", "€", "\U000ed79e", 'x"y']
CASES = [("get_booking", "GET", "/v1/scheduling-bookings/{}"),
         ("cancel_booking", "POST", "/v1/scheduling-bookings/{}/cancel"),
         ("get_event_type", "GET", "/v1/scheduled-event-types/{}")]


@pytest.mark.parametrize("function, method, path", CASES, ids=[c[0] for c in CASES])
def test_an_odd_id_without_a_key_is_unauthorized(workspace, function, method, path):
    for odd in ODD_IDS:
        result = handler_module(function).lambda_handler(_event(method, path.format(odd), None), LocalContext())

        assert result["statusCode"] == 401, (odd, result["body"])
        assert json.loads(result["body"])["error"]["code"] == "UNAUTHORIZED"


@pytest.mark.parametrize("function, method, path", CASES, ids=[c[0] for c in CASES])
def test_an_odd_id_with_a_key_is_not_found(workspace, function, method, path):
    for key in (RW_KEY, OTHER_KEY):
        for odd in ODD_IDS:
            result = handler_module(function).lambda_handler(_event(method, path.format(odd), key), LocalContext())

            assert result["statusCode"] == 404, (odd, result["body"])
            assert json.loads(result["body"])["error"]["code"] == "NOT_FOUND"


def test_an_undeclared_path_is_still_route_not_found(workspace):
    result = handler_module("get_booking").lambda_handler(
        _event("GET", "/v1/scheduling-bookings/a/b/c", RW_KEY), LocalContext())

    assert result["statusCode"] == 404
    assert json.loads(result["body"])["error"]["code"] == "ROUTE_NOT_FOUND"
