"""The `/scheduling/*` path family (contract §9) over HTTP: its field names, its scopes, and the same
answers as the `/scheduling-bookings` family for the same operation."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.acceptance.conftest import report_server_errors, start_server
from tests.support.seeds import (
    CONSULT_ID,
    JANE_ID,
    RO_KEY,
    RW_KEY,
    SAM_ID,
    VOICE_KEY,
    next_weekday,
    standard_seed,
    sydney,
)

TUESDAY = next_weekday(1, weeks_ahead=2)
WEDNESDAY = next_weekday(2, weeks_ahead=2)
DELETE_KEY = "tp_test_harbour_sched_delete"  # scheduling:read + scheduling:delete, nothing else


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    seed = standard_seed()
    seed["companies"][0]["api_keys"].append({"key": DELETE_KEY, "scopes": ["scheduling:read", "scheduling:delete"]})
    seed_path = tmp_path_factory.mktemp("seed") / "seed.json"
    seed_path.write_text(json.dumps(seed))
    process, local_api = start_server(seed_path)
    yield local_api
    process.terminate()
    process.wait(timeout=10)
    report_server_errors(local_api)


def create(api, hh: int, mm: int = 0, day=TUESDAY, key=RW_KEY, **extra):
    return api.post("/v1/scheduling/bookings", {
        "event_type_id": CONSULT_ID, "start_time": sydney(day, hh, mm), "invitee_email": "kim@example.com",
        "invitee_name": "Kim Lee", "notes": "Knee pain", **extra}, key=key)


def test_create_maps_start_time_invitee_and_notes_onto_the_same_booking(api) -> None:
    response = create(api, 9)

    assert response.status == 201, response.text
    booking = response.json["data"]["booking"]
    assert (booking["date"], booking["time"], booking["timezone"]) == (TUESDAY.isoformat(), "09:00", "Australia/Sydney")
    stored = api.get(f"/v1/scheduling/bookings/{booking['id']}", key=RW_KEY).json["data"]
    assert (stored["booker_name"], stored["booker_email"], stored["message"]) == ("Kim Lee", "kim@example.com",
                                                                                 "Knee pain")
    # the same instant sent in UTC books the same slot, so it is taken
    utc = api.post("/v1/scheduling/bookings", {"event_type_id": CONSULT_ID, "invitee_email": "x@example.com",
                                               "invitee_name": "X", "start_time": booking["starts_at"]}, key=RW_KEY)
    assert utc.status == 409 and utc.json["error"]["code"] == "SLOT_UNAVAILABLE"


def test_create_without_an_offset_or_the_invitee_says_which_field(api) -> None:
    naive = create(api, 10, start_time=f"{TUESDAY.isoformat()}T10:00:00")
    assert naive.status == 400 and naive.json["error"]["details"]["field"] == "start_time"
    missing = api.post("/v1/scheduling/bookings", {"event_type_id": CONSULT_ID, "start_time": sydney(TUESDAY, 10)},
                       key=RW_KEY)
    assert missing.status == 400 and missing.json["error"]["code"] == "MISSING_FIELDS"
    assert missing.json["error"]["details"]["fields"] == ["invitee_email", "invitee_name"]
    bad_email = create(api, 10, invitee_email="doug@resolvency.")
    assert bad_email.status == 400 and bad_email.json["error"]["code"] == "INVALID_EMAIL"


def test_the_flat_body_of_contract_3_is_accepted_on_the_family_path(api) -> None:
    response = api.post("/v1/scheduling/bookings", {"event_type_id": CONSULT_ID, "date": TUESDAY.isoformat(),
                                                    "time": "11:00", "timezone": "NSW", "fullName": "Flat",
                                                    "email": "flat@example.com"}, key=RW_KEY)
    assert response.status == 201, response.text
    assert response.json["data"]["booking"]["time"] == "11:00"


def test_list_filters_from_to_host_and_contact(api) -> None:
    created = create(api, 13, invitee_email="filter@example.com").json["data"]
    contact_id = created["crm"]["contact_id"]
    day = TUESDAY.isoformat()

    by_contact = api.get(f"/v1/scheduling/bookings?contact_id={contact_id}", key=RO_KEY)
    assert by_contact.status == 200, by_contact.text
    assert [b["id"] for b in by_contact.json["data"]] == [created["booking"]["id"]]
    by_day = api.get(f"/v1/scheduling/bookings?from={day}&to={day}", key=RO_KEY).json["data"]
    assert created["booking"]["id"] in [b["id"] for b in by_day]
    assert all(b["starts_at"].startswith(day) for b in by_day)
    [host] = api.get(f"/v1/scheduling/bookings/{created['booking']['id']}", key=RO_KEY).json["data"]["host_user_ids"]
    other_host = SAM_ID if host == JANE_ID else JANE_ID
    assert created["booking"]["id"] in [b["id"] for b in api.get(
        f"/v1/scheduling/bookings?from={day}&to={day}&host_id={host}", key=RO_KEY).json["data"]]
    assert created["booking"]["id"] not in [b["id"] for b in api.get(
        f"/v1/scheduling/bookings?from={day}&to={day}&host_id={other_host}", key=RO_KEY).json["data"]]
    assert api.get(f"/v1/scheduling/bookings?deal_id={created['crm']['deal_id']}", key=RO_KEY).json["data"][0][
        "id"] == created["booking"]["id"]
    bad = api.get("/v1/scheduling/bookings?from=tomorrow", key=RO_KEY)
    assert bad.status == 400 and bad.json["error"]["code"] == "VALIDATION_ERROR"


def test_both_families_list_the_same_bookings(api) -> None:
    day = TUESDAY.isoformat()
    documented = api.get(f"/v1/scheduling-bookings?date_from={day}&date_to={day}", key=RO_KEY).json
    family = api.get(f"/v1/scheduling/bookings?from={day}&to={day}", key=RO_KEY).json
    assert family == documented and family["data"]


def test_check_availability_of_a_slot_instant_is_the_documented_answer(api) -> None:
    family = api.post("/v1/scheduling/check-availability",
                      {"event_type_id": CONSULT_ID, "slot": sydney(WEDNESDAY, 9, 30)}, key=RO_KEY)
    documented = api.post("/v1/scheduling-bookings/check-availability",
                          {"event_type_id": CONSULT_ID, "date": WEDNESDAY.isoformat(), "time": "09:30"}, key=RO_KEY)
    assert family.status == documented.status == 200, family.text
    assert family.json == documented.json and family.json["data"]["available"] is True


def test_available_slots_take_start_and_end_date(api) -> None:
    family = api.post("/v1/scheduling/available-slots", {"event_type_id": CONSULT_ID, "timezone": "WA",
                                                         "start_date": WEDNESDAY.isoformat(),
                                                         "end_date": WEDNESDAY.isoformat()}, key=RO_KEY)
    documented = api.post("/v1/scheduling-bookings/available-slots", {
        "event_type_id": CONSULT_ID, "timezone": "WA", "date_from": WEDNESDAY.isoformat(),
        "date_to": WEDNESDAY.isoformat()}, key=RO_KEY)
    assert family.status == 200, family.text
    assert family.json == documented.json
    assert [d["date"] for d in family.json["data"]["availability"]["dates"]] == [WEDNESDAY.isoformat()]


def test_reschedule_takes_a_slot_instant_or_local_text_and_cancel_frees_it(api) -> None:
    booking = create(api, 15).json["data"]["booking"]
    moved = api.post(f"/v1/scheduling/bookings/{booking['id']}/reschedule",
                     {"slot": sydney(WEDNESDAY, 15), "reason": "clash"}, key=RW_KEY)
    assert moved.status == 201, moved.text
    new = moved.json["data"]["booking"]
    assert (new["starts_at"], moved.json["data"]["previous_booking_id"]) == (sydney(WEDNESDAY, 15), booking["id"])
    again = api.post(f"/v1/scheduling/bookings/{new['id']}/reschedule",
                     {"slot": f"{WEDNESDAY.isoformat()} 15:30", "timezone": "NSW"}, key=RW_KEY)
    assert again.status == 201 and again.json["data"]["booking"]["starts_at"] == sydney(WEDNESDAY, 15, 30)
    # an instant in UTC moves it to that instant and the booking keeps its own (Sydney) zone
    in_utc = datetime.fromisoformat(sydney(WEDNESDAY, 16)).astimezone(UTC).isoformat().replace("+00:00", "Z")
    third = api.post(f"/v1/scheduling/bookings/{again.json['data']['booking']['id']}/reschedule",
                     {"slot": in_utc}, key=RW_KEY)
    assert third.status == 201, third.text
    assert (third.json["data"]["booking"]["starts_at"], third.json["data"]["booking"]["timezone"]) == (
        sydney(WEDNESDAY, 16), "Australia/Sydney")
    final_id = third.json["data"]["booking"]["id"]
    cancelled = api.post(f"/v1/scheduling/bookings/{final_id}/cancel", {"cancellation_reason": "sick"}, key=RW_KEY)
    assert cancelled.status == 200 and cancelled.json["data"]["booking"]["status"] == "cancelled"


def test_scopes_either_family_reads_and_writes_and_scheduling_delete_deletes(api) -> None:
    # a voice key (scheduling:write only) may book on this family, not on /scheduling-bookings
    assert create(api, 16, key=VOICE_KEY).status == 201
    refused = api.post("/v1/scheduling-bookings", {"event_type_id": CONSULT_ID, "date": TUESDAY.isoformat(),
                                                   "time": "16:30", "fullName": "V", "email": "v@example.com"},
                       key=VOICE_KEY)
    assert refused.status == 403
    read_only = create(api, 16, 30, key=RO_KEY)
    assert read_only.status == 403 and read_only.json["error"]["code"] == "INSUFFICIENT_SCOPE"
    assert read_only.json["error"]["details"]["required_scopes"] == ["scheduling:write", "company:write"]
    assert api.get("/v1/scheduling/event-types", key=DELETE_KEY).status == 200
    made = api.post("/v1/scheduling/event-types", {"name": "Scratch", "default_duration_minutes": 15}, key=RW_KEY)
    assert made.status == 201, made.text
    event_type_id = made.json["data"]["id"]
    assert api.request("PATCH", f"/v1/scheduling/event-types/{event_type_id}", body={"name": "Scratch 2"},
                       key=DELETE_KEY).status == 403
    deleted = api.request("DELETE", f"/v1/scheduling/event-types/{event_type_id}", key=DELETE_KEY)
    assert deleted.status == 200, deleted.text
    assert api.request("DELETE", f"/scheduled-event-types/{event_type_id}", key=DELETE_KEY).status in (403, 404)
    assert api.get("/v1/scheduling/bookings").status == 401


def test_availability_reads_and_writes_working_hours_and_overrides(api) -> None:
    hours = [{"day": d, "start": "08:00", "end": "12:00"} for d in range(1, 6)]
    put = api.request("PUT", f"/v1/scheduling/availability?user_id={SAM_ID}", key=RW_KEY,
                      body={"timezone": "NSW", "working_hours": hours,
                            "overrides": [{"date": WEDNESDAY.isoformat(), "type": "blocked"}]})
    assert put.status == 200, put.text
    got = api.get(f"/v1/scheduling/availability?user_id={SAM_ID}", key=RO_KEY).json
    assert got == api.get(f"/v1/scheduling-availability?user_id={SAM_ID}", key=RO_KEY).json
    assert got["data"]["weekly_hours"][0]["start"] == "08:00"
    assert got["data"]["date_overrides"][0]["date"] == WEDNESDAY.isoformat()
    wrong = api.request("PUT", "/v1/scheduling/availability", key=RW_KEY, body={"weekly_hours": hours})
    assert wrong.status == 400
