"""Schemathesis against the local server's own /v1/openapi.json: every JSON route of template.yaml,
fuzzed with valid and invalid requests, answers as documented and never with a server error.

A dedicated server (its own seed) takes the writes: fuzzed cancels and marks change its bookings.
Generation is derandomized and the example budget fixed, so CI runs the same requests every time.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.acceptance.conftest import start_server
from tests.support import seeds
from tools.sam_template import api_routes

EXAMPLES_WITH_KEY = 20  # per operation, valid and invalid requests mixed
EXAMPLES_WITHOUT_KEY = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
LEAKS = ("Traceback (most recent call last)", "botocore", "ConditionalCheckFailed", "TransactionCanceled",
         seeds.ADMIN_KEY)
NOT_JSON_ROUTES = ("/v1/scheduling/voice/", "/v1/openapi.json", "/v1/health", "/v1/mcp")  # mcp: JSON-RPC (docs/mcp.md)

# The ids a fuzzer cannot guess: the seed's bookings (confirmed and cancelled) and event types, and
# the other tenant's, next to whatever schemathesis makes up. Each route that changes state gets its
# own bookings and a spare event type, so the order tests run in (and xdist) changes no answer.
SPARE_EVENT_TYPE_ID = "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4aff"
SEEDED_BOOKINGS = 20
_OWN_BOOKINGS = {
    "/v1/scheduling-bookings/{id}/reschedule": (0, 1, 2, 3),
    "/v1/scheduling-bookings/{id}/cancel": (4, 5, 7),
    "/v1/scheduling-bookings/{id}/mark-attended": (8, 9, 11),
    "/v1/scheduling-bookings/{id}/mark-late": (12, 13),
    "/v1/scheduling-bookings/{id}/mark-no-show": (14, 16),
    "/v1/scheduling-bookings/{id}/notetaker": (17, 18),
}


def _known_ids(method: str, path: str) -> dict[str, list[str]]:
    bookings = _OWN_BOOKINGS.get(path, range(SEEDED_BOOKINGS) if method == "GET" else ())
    event_types = [seeds.CONSULT_ID, seeds.ASSESSMENT_ID] if method == "GET" else [SPARE_EVENT_TYPE_ID]
    return {"booking_id": [seeds.booking_id(n) for n in bookings] + [seeds.OTHER_BOOKING_ID],
            "event_type_id": event_types + [seeds.OTHER_EVENT_TYPE_ID]}

# Bodies that get past validation, so success answers (201 bookings, slots…) are checked against
# their documented schema too; schemathesis' own valid bodies rarely name a real event type.
_TUESDAY = seeds.next_weekday(1, weeks_ahead=2)
_BOOKER = {"fullName": "Fuzz Booker", "email": "fuzz@example.com", "timezone": "NSW"}
VALID_BODIES: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("POST", "/v1/scheduling-bookings"): [
        {"event_type_slug": "free-consultation", "date": _TUESDAY.isoformat(), "time": f"{h:02d}:{m:02d}", **_BOOKER}
        for h in (9, 10, 11) for m in (0, 30)] + [
        {"event_type_name": "initial assessment", "date": _TUESDAY.isoformat(), "time": "13:00", **_BOOKER,
         "attendees": [{"email": "guest@example.com", "name": "Guest"}], "phone": "0412 345 678"}],
    ("POST", "/v1/scheduling-bookings/check-availability"): [
        {"event_type_id": seeds.CONSULT_ID, "date": _TUESDAY.isoformat(), "time": t, "timezone": tz}
        for t in ("09:00", "09:10", "23:00") for tz in ("NSW", "WA")],
    ("POST", "/v1/scheduling-bookings/available-slots"): [
        {"event_type_slug": slug, "date_from": _TUESDAY.isoformat(), "timezone": "Australia/Perth"}
        for slug in ("free-consultation", "initial-assessment")],
    ("POST", "/v1/scheduling-bookings/{id}/reschedule"): [
        {"date": _TUESDAY.isoformat(), "time": t} for t in ("15:00", "15:30", "16:00")],
    ("POST", "/v1/scheduled-event-types"): [
        {"name": f"Fuzz Type {n}", "default_duration_minutes": 45, "booking_assigned_user_ids": [seeds.JANE_ID]}
        for n in range(3)],
}


def _json_routes() -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in api_routes()
            if r.path.startswith("/v1/") and not r.path.startswith(NOT_JSON_ROUTES)]


def _same_shape(template_path: str, openapi_path: str) -> bool:
    def shape(path: str) -> str:
        return re.sub(r"\{[^}]+\}", "{}", path)
    return shape(template_path.removeprefix("/v1")) == shape(openapi_path)


class FuzzApi:
    def __init__(self, base: str, document: dict[str, Any]) -> None:
        self.base = base + "/v1"
        self.document = document
        self.schema = schemathesis.openapi.from_dict(document)

    def operation(self, method: str, template_path: str):
        for path, operations in self.document["paths"].items():
            if _same_shape(template_path, path) and method.lower() in operations:
                return self.schema[path][method]
        pytest.fail(f"{method} {template_path} is in template.yaml but not in /v1/openapi.json")


@pytest.fixture(scope="module")
def fuzz_api(tmp_path_factory) -> FuzzApi:
    seed_path = tmp_path_factory.mktemp("fuzz-seed") / "seed.json"
    seed = seeds.standard_seed(booking_count=SEEDED_BOOKINGS)
    seed["companies"][0]["event_types"].append(
        {"id": SPARE_EVENT_TYPE_ID, "slug": "spare", "name": "Spare", "default_duration_minutes": 20,
         "hosts": ["jane@harbourphysio.example"]})
    seed_path.write_text(json.dumps(seed))
    process, api = start_server(seed_path)
    try:
        response = api.get("/v1/openapi.json")  # no key: the document is public
        assert response.status == 200, response.text
        yield FuzzApi(api.base, response.json)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _strategy(operation, mode: GenerationMode, known_ids: dict[str, list[str]] | None = None,
              valid_bodies: list[dict[str, Any]] = ()):
    strategies = [operation.as_strategy(mode)]
    if mode is GenerationMode.POSITIVE:
        names = [parameter.name for parameter in operation.path_parameters]
        for name in names:
            strategies += [operation.as_strategy(mode, path_parameters={name: value})
                           for value in (known_ids or {}).get(name, [])]
        ids = [{name: value} for name in names for value in (known_ids or {}).get(name, [])] or [None]
        strategies += [operation.as_strategy(mode, body=body, path_parameters=path_ids)
                       for body in valid_bodies for path_ids in ids]
    return st.one_of(strategies)


def _header(response, name: str) -> str:
    values = response.headers.get(name.lower()) or [""]
    return values[0]


def _assert_error_envelope(response, sent_key: str | None) -> None:
    text = response.text
    for leak in LEAKS:
        if leak != sent_key:  # an echo of the caller's own key would still be a leak, but not of ours
            assert leak not in text, f"{leak!r} in {text[:300]}"
    assert _header(response, "X-Request-Id"), "no X-Request-Id header"
    if response.status_code < 400:
        return
    assert _header(response, "Content-Type").startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert UPPER_SNAKE.match(error.get("code", "")), error
    assert isinstance(error.get("message"), str) and error["message"], error
    assert isinstance(error.get("fix"), str) and error["fix"], error
    assert error.get("status") == response.status_code, error
    assert isinstance(error.get("details", {}), dict), error
    assert error.get("hint") is None or isinstance(error["hint"], str), error
    if response.status_code == 401:
        assert _header(response, "WWW-Authenticate").startswith("Bearer"), response.headers
    if response.status_code == 500:
        assert error["details"].get("request_id") == _header(response, "X-Request-Id"), error


@contextmanager
def _naming(case, headers: dict[str, str]) -> Iterator[None]:
    """Put the failing request, as a curl command, into the failure message."""
    try:
        yield
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n\nReproduce with: {case.as_curl_command(headers)}") from None


FUZZ_SETTINGS = settings(
    derandomize=True, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
)


@pytest.mark.parametrize("method, path", _json_routes(), ids=[f"{m} {p}" for m, p in _json_routes()])
def test_fuzzed_requests_with_an_admin_key_get_documented_answers_and_never_a_server_error(fuzz_api, method, path):
    operation = fuzz_api.operation(method, path)
    auth = {"Authorization": f"Bearer {seeds.ADMIN_KEY}"}

    @settings(FUZZ_SETTINGS, max_examples=EXAMPLES_WITH_KEY)
    @given(case=st.one_of(_strategy(operation, GenerationMode.POSITIVE, _known_ids(method, path),
                                    VALID_BODIES.get((method, path), [])),
                          _strategy(operation, GenerationMode.NEGATIVE)))
    def fuzz(case) -> None:
        case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "x-api-key"}
        response = case.call(base_url=fuzz_api.base, headers=auth)
        with _naming(case, auth):
            case.validate_response(response, checks=CHECKS)
            _assert_error_envelope(response, seeds.ADMIN_KEY)

    fuzz()


@pytest.mark.parametrize("method, path", _json_routes(), ids=[f"{m} {p}" for m, p in _json_routes()])
def test_fuzzed_requests_without_a_key_are_401_unauthorized(fuzz_api, method, path):
    operation = fuzz_api.operation(method, path)

    @settings(FUZZ_SETTINGS, max_examples=EXAMPLES_WITHOUT_KEY)
    @given(case=st.one_of(_strategy(operation, GenerationMode.POSITIVE, _known_ids(method, path)),
                          _strategy(operation, GenerationMode.NEGATIVE)))
    def fuzz(case) -> None:
        case.headers = {k: v for k, v in (case.headers or {}).items()
                        if k.lower() not in ("authorization", "x-api-key")}
        response = case.call(base_url=fuzz_api.base)
        with _naming(case, {}):
            _assert_error_envelope(response, None)
            assert response.status_code == 401, (response.status_code, response.text[:300])
            assert response.json()["error"]["code"] == "UNAUTHORIZED"

    fuzz()


def test_health_and_the_openapi_document_answer_without_a_key_and_say_so(fuzz_api):
    with urllib.request.urlopen(fuzz_api.base + "/health", timeout=10) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"data": {"status": "ok"}}
    assert fuzz_api.document["paths"]["/health"]["get"].get("security") == []
    assert fuzz_api.document["openapi"].startswith("3.1")


def test_every_documented_operation_requires_a_key_except_health(fuzz_api):
    public = [f"{method.upper()} {path}" for path, operations in fuzz_api.document["paths"].items()
              for method, operation in operations.items() if operation.get("security") == []]
    assert public == ["GET /health"]


def test_the_document_promises_no_status_the_api_never_answers(fuzz_api):
    """Validation errors are 400 INVALID_BODY / MISSING_FIELDS / VALIDATION_ERROR, never a 422."""
    promised = {status for operations in fuzz_api.document["paths"].values()
                for operation in operations.values() for status in operation["responses"]}
    assert "422" not in promised
    assert "HTTPValidationError" not in fuzz_api.document.get("components", {}).get("schemas", {})


def test_every_schema_reference_in_the_document_resolves(fuzz_api):
    text = json.dumps(fuzz_api.document)
    referenced = set(re.findall(r'"#/components/schemas/([^"]+)"', text))
    assert referenced <= set(fuzz_api.document["components"]["schemas"])
