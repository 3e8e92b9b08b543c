"""Foundation over HTTP, as a client meets it: auth, tenancy, list/get, pagination, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import quote

import pytest

from tests.acceptance.conftest import ROOT
from tests.support.seeds import (
    CONSULT_ID,
    OTHER_BOOKING_ID,
    OTHER_KEY,
    RO_KEY,
    RW_KEY,
    VOICE_KEY,
    booking_id,
)


def test_health_needs_no_key_and_every_response_has_a_request_id(api):
    result = api.get("/v1/health")
    assert result.status == 200 and result.json == {"data": {"status": "ok"}}
    assert result.headers.get("X-Request-Id")


def test_a_request_without_a_key_is_401_with_the_envelope_and_www_authenticate(api):
    result = api.get("/v1/scheduling-bookings")
    assert result.status == 401
    assert result.json["error"]["code"] == "UNAUTHORIZED"
    assert set(result.json["error"]) >= {"code", "message", "fix", "status"}
    assert result.headers.get("WWW-Authenticate") == "Bearer"


def test_a_wrong_key_is_401_and_x_api_key_works_too(api):
    assert api.get("/v1/scheduling-bookings", key="tp_nope_000000").status == 401
    assert api.get("/v1/scheduling-bookings", headers={"X-API-Key": RO_KEY}).status == 200


def test_a_key_without_the_scope_is_403_naming_the_scope(api):
    result = api.get("/v1/scheduling-bookings", key=VOICE_KEY)
    assert result.status == 403
    assert result.json["error"]["code"] == "INSUFFICIENT_SCOPE"
    assert result.json["error"]["details"]["required_scopes"] == ["company:read"]


def test_another_companys_booking_is_indistinguishable_from_a_missing_one(api):
    theirs = api.get(f"/v1/scheduling-bookings/{OTHER_BOOKING_ID}", key=RW_KEY)
    missing = api.get("/v1/scheduling-bookings/00000000-0000-4000-8000-000000000000", key=RW_KEY)
    assert theirs.status == missing.status == 404
    assert theirs.json["error"]["code"] == missing.json["error"]["code"] == "NOT_FOUND"
    assert api.get(f"/v1/scheduling-bookings/{OTHER_BOOKING_ID}", key=OTHER_KEY).status == 200


def test_get_returns_the_booking_with_its_event_type_and_management_token(api):
    result = api.get(f"/v1/scheduling-bookings/{booking_id(0)}", key=RO_KEY)
    assert result.status == 200
    data = result.json["data"]
    assert data["id"] == booking_id(0)
    assert data["crm_scheduled_event_types"] == {"name": "Free Consultation", "default_duration_minutes": 30}
    assert data["starts_at"].endswith(("+10:00", "+11:00")) and data["timezone"] == "Australia/Sydney"
    assert len(data["management_token"]) == 36 and data["management_token_expires_at"]
    assert data["formatted"].endswith("at 2:00 PM")


def test_pages_walk_every_booking_once_sorted_by_start(api):
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&after={quote(cursor)}" if cursor else "")
        page = api.get(f"/v1/scheduling-bookings{query}", key=RO_KEY).json
        seen.extend(page["data"])
        assert page["pagination"]["limit"] == 2
        if not page["pagination"]["has_more"]:
            assert page["pagination"]["next_cursor"] is None
            break
        cursor = page["pagination"]["next_cursor"]
    ids = [b["id"] for b in seen]
    assert sorted(ids) == sorted(booking_id(n) for n in range(6)) and len(set(ids)) == 6
    starts = [b["starts_at"] for b in seen]
    assert starts == sorted(starts)


def test_filters_by_status_event_type_and_company_days(api):
    cancelled = api.get("/v1/scheduling-bookings?status=cancelled", key=RO_KEY).json["data"]
    assert [b["id"] for b in cancelled] == [booking_id(3)]
    by_type = api.get(f"/v1/scheduling-bookings?event_type_id={CONSULT_ID}", key=RO_KEY).json["data"]
    assert len(by_type) == 6
    first_day = api.get(f"/v1/scheduling-bookings/{booking_id(1)}", key=RO_KEY).json["data"]["starts_at"][:10]
    same_day = api.get(f"/v1/scheduling-bookings?date_from={first_day}&date_to={first_day}", key=RO_KEY).json["data"]
    assert [b["id"] for b in same_day] == [booking_id(1)]


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"), ("status=done", "status"),
     ("date_from=2026-13-01", "date_from"), ("after=not-a-cursor", "after"),
     ("date_from=2027-01-02&date_to=2027-01-01", "date_to"), ("event_type_id=not-a-uuid", "event_type_id"),
     ("date_to=yesterday", "date_to"), ("status=", "status")],
)
def test_malformed_filters_are_400_validation_errors_naming_the_field(api, query, field):
    result = api.get(f"/v1/scheduling-bookings?{query}", key=RO_KEY)
    assert result.status == 400, result.text
    assert result.json["error"]["code"] == "VALIDATION_ERROR"
    assert result.json["error"]["details"]["field"] == field


def test_an_event_type_filter_in_upper_case_is_still_the_same_uuid(api):
    by_type = api.get(f"/v1/scheduling-bookings?event_type_id={CONSULT_ID.upper()}", key=RO_KEY)
    assert by_type.status == 200, by_type.text


def test_the_local_server_names_its_database_and_logs_one_line_per_request(api):
    backend = api.get("/_local/backend").json
    assert backend["database"] in ("dynamodb-local", "moto")
    assert (backend["endpoint"] or "").startswith("http://127.0.0.1:") == (backend["database"] == "dynamodb-local")
    result = api.get("/v1/scheduling-bookings?limit=1", key=RO_KEY)
    request_id = result.headers["X-Request-Id"]
    log = api.log_path.read_text()
    assert "Booking page: http://127.0.0.1:" in log and "/_local/jobs/send_reminders" in log
    lines = [line for line in log.splitlines() if request_id in line]
    assert len(lines) == 1
    method, path, status, ms, logged_id = lines[0].split(" ")
    assert (method, path, status, logged_id) == ("GET", "/v1/scheduling-bookings?limit=1", "200", request_id)
    assert ms.endswith("ms") and int(ms[:-2]) >= 0


def test_unknown_routes_and_methods_get_the_envelope(api):
    unknown = api.get("/v1/no-such-thing", key=RO_KEY)
    assert unknown.status == 404 and unknown.json["error"]["code"] == "ROUTE_NOT_FOUND"
    wrong_method = api.request("DELETE", "/v1/health")
    assert wrong_method.status == 405 and wrong_method.json["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_openapi_document_lists_the_json_endpoints_relative_to_v1(api):
    document = api.get("/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "/v1"}]
    assert "/scheduling-bookings" in document["paths"]
    list_op = document["paths"]["/scheduling-bookings"]["get"]
    assert {"200", "400", "401", "403"} <= set(list_op["responses"])


def test_an_invalid_seed_stops_the_server_before_serving_and_names_the_bad_path(tmp_path):
    seed = {"companies": [{"slug": "x", "name": "X", "event_types": [
        {"slug": "a", "name": "A", "default_duration_minutes": -5}]}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(seed))
    result = subprocess.run(
        [sys.executable, "-m", "tools.local_server", "--port", "0", "--seed", str(path)],
        cwd=ROOT, env={"PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "companies[0].event_types[0].default_duration_minutes" in result.stderr


def test_auth_is_checked_before_the_body_so_no_key_and_a_bad_body_is_401(api):
    no_key = api.post("/v1/scheduling-bookings/check-availability", {"date": "not-a-date"})
    assert no_key.status == 401 and no_key.json["error"]["code"] == "UNAUTHORIZED"
    wrong_scope = api.post("/v1/scheduling-bookings", {"nonsense": True}, key=RO_KEY)
    assert wrong_scope.status == 403 and wrong_scope.json["error"]["code"] == "INSUFFICIENT_SCOPE"
    with_key = api.post("/v1/scheduling-bookings/check-availability", {"date": "not-a-date"}, key=RO_KEY)
    assert with_key.status == 400


def test_a_body_over_64_kib_is_413_before_anything_else(api):
    huge = api.post("/v1/scheduling-bookings", {"fullName": "x" * 70_000})
    assert huge.status == 413 and huge.json["error"]["code"] == "PAYLOAD_TOO_LARGE"
