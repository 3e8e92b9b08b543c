"""Configuring a workspace over HTTP (contract §7) and per-key rate limits (§1), on the local server."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime

import pytest

from tests.acceptance.conftest import start_server
from tests.support.seeds import (
    ASSESSMENT_ID,
    CONSULT_ID,
    JANE_ID,
    OTHER_EVENT_TYPE_ID,
    OTHER_KEY,
    RO_KEY,
    RW_KEY,
    SAM_ID,
    VOICE_KEY,
    next_weekday,
    standard_seed,
    sydney,
)

PAT_ID = "7d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c03"
PAT_CALL_ID = "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a03"
WORKSHOP_ID = "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a04"
DAY_LIMITED_KEY = "tp_test_day_limited"
MINUTE_LIMITED_KEY = "tp_test_minute_limited"
CONCURRENT_KEY = "tp_test_concurrent"
OLIVE_ID = "8d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c09"


def configuration_seed() -> dict:
    """The standard workspace plus a host and event type of its own, a booked event type, limited keys."""
    seed = standard_seed(booking_count=2)
    harbour = seed["companies"][0]
    harbour["users"].append({"id": PAT_ID, "name": "Pat Doe", "email": "pat@harbourphysio.example"})
    harbour["event_types"] += [
        {"id": PAT_CALL_ID, "slug": "pat-call", "name": "Pat Call", "default_duration_minutes": 30,
         "booking_assigned_user_ids": [PAT_ID]},
        {"id": WORKSHOP_ID, "slug": "workshop", "name": "Workshop", "default_duration_minutes": 60,
         "booking_assigned_user_ids": [JANE_ID]},
    ]
    harbour["bookings"].append({
        "event_type_id": WORKSHOP_ID, "host_user_ids": [JANE_ID], "starts_at": sydney(next_weekday(0, 3), 10),
        "timezone": "Australia/Sydney", "booker_name": "Wes", "booker_email": "wes@example.com", "status": "confirmed"})
    harbour["api_keys"] += [
        {"key": DAY_LIMITED_KEY, "scopes": ["company:read"], "rate_limit_per_day": 3},
        {"key": MINUTE_LIMITED_KEY, "scopes": ["company:read"], "rate_limit_per_minute": 2},
        {"key": CONCURRENT_KEY, "scopes": ["company:read"], "rate_limit_per_day": 5},
    ]
    return seed


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    seed_path = tmp_path_factory.mktemp("configuration") / "seed.json"
    seed_path.write_text(json.dumps(configuration_seed()))
    process, local_api = start_server(seed_path)
    yield local_api
    process.terminate()
    process.wait(timeout=10)


def send(api, method, path, key=RW_KEY, body=None):
    return api.request(method, path, key=key, body=body)


# ── event types ──────────────────────────────────────────────────────────────────────────────
def test_an_event_type_is_created_read_changed_listed_and_deleted(api):
    created = send(api, "POST", "/v1/scheduled-event-types",
                   body={"name": "Home Visit", "default_duration_minutes": 45, "location": "in_person",
                         "booking_assigned_user_ids": [SAM_ID]})
    assert created.status == 201, created.text
    home = created.json["data"]
    assert (home["slug"], home["slot_interval_minutes"], home["max_advance_days"]) == ("home-visit", 45, 60)
    assert (home["is_active"], home["scheduling_type"], home["location"]) == (True, "round_robin", "in_person")
    assert send(api, "GET", f"/v1/scheduled-event-types/{home['id']}", key=RO_KEY).json["data"] == home

    changed = send(api, "PATCH", f"/v1/scheduled-event-types/{home['id']}",
                   body={"buffer_after_minutes": 15, "description": "At the patient's home"})
    assert changed.status == 200, changed.text
    assert (changed.json["data"]["buffer_after_minutes"], changed.json["data"]["default_duration_minutes"]) == (15, 45)

    deleted = send(api, "DELETE", f"/v1/scheduled-event-types/{home['id']}")
    assert (deleted.status, deleted.json["data"]["action"]) == (200, "deleted")
    assert send(api, "GET", f"/v1/scheduled-event-types/{home['id']}").json["error"]["code"] == "NOT_FOUND"


def test_deleting_an_event_type_that_has_bookings_deactivates_it_and_its_bookings_still_name_it(api):
    deleted = send(api, "DELETE", f"/v1/scheduled-event-types/{WORKSHOP_ID}")
    assert (deleted.status, deleted.json["data"]["action"]) == (200, "deactivated")
    assert send(api, "GET", f"/v1/scheduled-event-types/{WORKSHOP_ID}").json["data"]["is_active"] is False
    booking = send(api, "GET", f"/v1/scheduling-bookings?event_type_id={WORKSHOP_ID}").json["data"][0]
    assert booking["event_type_name"] == "Workshop" and booking["status"] == "confirmed"


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"name": "X", "default_duration_minutes": 0}, "VALIDATION_ERROR", "default_duration_minutes"),
    ({"name": "X", "default_duration_minutes": "long"}, "VALIDATION_ERROR", "default_duration_minutes"),
    ({"name": "X", "default_duration_minutes": 30, "slot_interval_minutes": -15}, "VALIDATION_ERROR",
     "slot_interval_minutes"),
    ({"name": "X", "default_duration_minutes": 30, "buffer_before_minutes": 99999}, "VALIDATION_ERROR",
     "buffer_before_minutes"),
    ({"name": "X", "default_duration_minutes": 30, "scheduling_type": "everyone"}, "VALIDATION_ERROR",
     "scheduling_type"),
    ({"name": "X", "default_duration_minutes": 30, "booking_assigned_user_ids": [OLIVE_ID]}, "VALIDATION_ERROR",
     "booking_assigned_user_ids.0"),
])
def test_bad_event_type_values_are_400_naming_the_field(api, body, code, field):
    result = send(api, "POST", "/v1/scheduled-event-types", body=body)
    assert (result.status, result.json["error"]["code"]) == (400, code), result.text
    assert result.json["error"]["details"]["field"] == field and result.json["error"]["details"]["expected"]


def test_a_missing_name_is_missing_fields_and_a_taken_slug_is_409(api):
    missing = send(api, "POST", "/v1/scheduled-event-types", body={"default_duration_minutes": 30})
    assert (missing.status, missing.json["error"]["code"]) == (400, "MISSING_FIELDS")
    assert missing.json["error"]["details"]["fields"] == ["name"]
    taken = send(api, "POST", "/v1/scheduled-event-types", body={"name": "Free Consultation",
                                                                  "default_duration_minutes": 30})
    assert (taken.status, taken.json["error"]["code"]) == (409, "CONFLICT")


def test_the_event_type_list_pages_with_a_cursor(api):
    seen, after = [], ""
    for _ in range(10):
        page = send(api, "GET", f"/v1/scheduled-event-types?limit=1{after}", key=RO_KEY).json
        seen += [e["id"] for e in page["data"]]
        if not page["pagination"]["has_more"]:
            break
        after = f"&after={page['pagination']['next_cursor']}"
    assert {CONSULT_ID, ASSESSMENT_ID, PAT_CALL_ID} <= set(seen) and len(seen) == len(set(seen))
    assert OTHER_EVENT_TYPE_ID not in seen


def test_configuration_routes_need_the_right_scope(api):
    body = {"name": "Nope", "default_duration_minutes": 30}
    assert send(api, "POST", "/v1/scheduled-event-types", key=RO_KEY, body=body).status == 403
    assert send(api, "PUT", "/v1/scheduling-availability", key=RO_KEY, body={"weekly_hours": []}).status == 403
    for path in ("/v1/scheduled-event-types", "/v1/users", "/v1/scheduling-availability"):
        assert send(api, "GET", path, key=VOICE_KEY).status == 403
        assert send(api, "GET", path, key=None).status == 401
        assert send(api, "GET", path, key=RO_KEY).status == 200


def test_another_companys_event_types_users_and_hours_are_out_of_reach(api):
    for method, body in (("GET", None), ("PATCH", {"name": "Mine now"}), ("DELETE", None)):
        result = send(api, method, f"/v1/scheduled-event-types/{CONSULT_ID}", key=OTHER_KEY, body=body)
        assert (result.status, result.json["error"]["code"]) == (404, "NOT_FOUND")
    assert send(api, "GET", f"/v1/scheduled-event-types/{CONSULT_ID}").json["data"]["name"] == "Free Consultation"
    assert [u["name"] for u in send(api, "GET", "/v1/users", key=OTHER_KEY).json["data"]] == ["Olive"]
    assert send(api, "GET", f"/v1/scheduling-availability?user_id={JANE_ID}", key=OTHER_KEY).status == 404


# ── users and availability ───────────────────────────────────────────────────────────────────
def test_users_are_listed_with_id_name_email_and_phone(api):
    users = {u["id"]: u for u in send(api, "GET", "/v1/users", key=RO_KEY).json["data"]}
    assert set(users) == {JANE_ID, SAM_ID, PAT_ID}
    assert users[JANE_ID] == {"id": JANE_ID, "name": "Jane Smith", "email": "jane@harbourphysio.example",
                              "phone": "+61400000001", "has_own_availability": False,
                              "calendar": {"provider": "google", "id": "jane@harbourphysio.example"}}


def slot_times(api, day) -> list[str]:
    result = send(api, "POST", "/v1/scheduling-bookings/available-slots", key=RO_KEY, body={
        "event_type_id": PAT_CALL_ID, "date_from": day.isoformat(), "date_to": day.isoformat(),
        "timezone": "Australia/Sydney"})
    assert result.status == 200, result.text
    return [s["time"] for d in result.json["data"]["availability"]["dates"] for s in d["slots"]]


def test_slots_follow_a_hosts_new_hours_and_overrides_immediately(api):
    wednesday = next_weekday(2)
    assert len(slot_times(api, wednesday)) == 16  # the company default, 09:00-17:00
    put = send(api, "PUT", f"/v1/scheduling-availability?user_id={PAT_ID}", body={
        "timezone": "NSW", "weekly_hours": [{"day": 3, "start": "10:00", "end": "11:00"}]})
    assert put.status == 200, put.text
    assert put.json["data"]["timezone"] == "Australia/Sydney" and put.json["data"]["uses_company_default"] is False
    assert slot_times(api, wednesday) == ["10:00", "10:30"]
    send(api, "PUT", f"/v1/scheduling-availability?user_id={PAT_ID}", body={
        "weekly_hours": [{"day": 3, "start": "10:00", "end": "11:00"}],
        "date_overrides": [{"date": wednesday.isoformat(), "type": "blocked", "reason": "Training"}]})
    assert slot_times(api, wednesday) == []
    read = send(api, "GET", f"/v1/scheduling-availability?user_id={PAT_ID}", key=RO_KEY).json["data"]
    assert read["date_overrides"] == [{"date": wednesday.isoformat(), "type": "blocked", "reason": "Training"}]


def test_overlapping_hours_are_refused_and_nothing_is_stored(api):
    before = send(api, "GET", "/v1/scheduling-availability?user_id=me").json["data"]
    result = send(api, "PUT", "/v1/scheduling-availability", body={"weekly_hours": [
        {"day": 1, "start": "09:00", "end": "12:00"}, {"day": 1, "start": "11:00", "end": "13:00"}]})
    assert (result.status, result.json["error"]["code"], result.json["error"]["details"]["field"]) == (
        400, "VALIDATION_ERROR", "weekly_hours.1")
    assert send(api, "GET", "/v1/scheduling-availability").json["data"] == before
    assert before["user_id"] is None and len(before["weekly_hours"]) == 5


# ── rate limits ──────────────────────────────────────────────────────────────────────────────
def away_from_window_edge(window_seconds: int, margin: float) -> None:
    """Wait when a window is about to roll over, so a count cannot straddle two windows."""
    now = datetime.now(UTC)
    into = (now - now.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds() % window_seconds
    if window_seconds - into < margin:
        time.sleep(window_seconds - into + 0.5)


def test_the_request_past_the_daily_limit_is_429_with_retry_after(api):
    away_from_window_edge(86400, 30)
    statuses = [send(api, "GET", "/v1/users", key=DAY_LIMITED_KEY).status for _ in range(3)]
    refused = send(api, "GET", "/v1/users", key=DAY_LIMITED_KEY)
    assert statuses == [200, 200, 200] and refused.status == 429
    assert refused.json["error"]["code"] == "RATE_LIMITED" and refused.json["error"]["details"]["limit"] == 3
    assert 0 < int(refused.headers["Retry-After"]) <= 86400
    assert send(api, "GET", "/v1/users", key=RO_KEY).status == 200  # other keys are not affected


def test_the_request_past_the_per_minute_limit_waits_at_most_a_minute(api):
    away_from_window_edge(60, 10)
    assert [send(api, "GET", "/v1/users", key=MINUTE_LIMITED_KEY).status for _ in range(2)] == [200, 200]
    refused = send(api, "GET", "/v1/users", key=MINUTE_LIMITED_KEY)
    assert refused.status == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.json["error"]["details"]["window"] == "minute"


def test_ten_concurrent_requests_get_exactly_the_limit_through(api):
    away_from_window_edge(86400, 30)
    statuses: list[int] = []
    gate = threading.Barrier(10)

    def one() -> None:
        gate.wait()
        statuses.append(send(api, "GET", "/v1/scheduled-event-types", key=CONCURRENT_KEY).status)

    threads = [threading.Thread(target=one) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [429] * 5


def test_seed_keys_without_limits_are_never_limited(api):
    assert {send(api, "GET", "/v1/health").status} | {
        send(api, "GET", "/v1/users", key=RO_KEY).status for _ in range(15)} == {200}


