"""check-availability and available-slots over HTTP, as a client meets them (contract §3.5, §3.6).

The standard test workspace (tests/support/seeds.py), plus: Jane's Google Calendar is busy
09:00-10:00 on Tuesday of next week, and a second "…Consultation" event type to be ambiguous with.
Next week Jane (Sydney, 09:00-17:00 weekdays) has Free Consultations at 14:00 Mon, Tue, Wed and Fri.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.acceptance.conftest import start_server
from tests.support.seeds import (
    ASSESSMENT_ID,
    CONSULT_ID,
    OTHER_EVENT_TYPE_ID,
    RO_KEY,
    RW_KEY,
    SYDNEY,
    VOICE_KEY,
    next_weekday,
    standard_seed,
    sydney,
)

CHECK = "/v1/scheduling-bookings/check-availability"
SLOTS = "/v1/scheduling-bookings/available-slots"
PERTH = ZoneInfo("Australia/Perth")
FOLLOW_UP_ID = "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a03"

MONDAY = next_weekday(0)
TUESDAY = MONDAY + timedelta(days=1)
SATURDAY = MONDAY + timedelta(days=5)


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    document = standard_seed()
    company = document["companies"][0]
    company["users"][0]["calendar_busy"] = [{"start": sydney(TUESDAY, 9), "end": sydney(TUESDAY, 10)}]
    company["event_types"].append({
        "id": FOLLOW_UP_ID, "slug": "follow-up-consultation", "name": "Follow-up Consultation",
        "default_duration_minutes": 30, "hosts": ["jane@harbourphysio.example"],
    })
    seed_path = tmp_path_factory.mktemp("availability") / "seed.json"
    seed_path.write_text(json.dumps(document))
    process, local_api = start_server(seed_path)
    yield local_api
    process.terminate()
    process.wait(timeout=10)


def long_date(day: date) -> str:
    return f"{day:%A}, {day.day} {day:%B} {day.year}"


def clock(hh: int, mm: int = 0) -> str:
    return f"{hh % 12 or 12}:{mm:02d} {'AM' if hh < 12 else 'PM'}"


def slots_for(api, key: str = RO_KEY, **body):
    return api.post(SLOTS, {"event_type_id": CONSULT_ID, **body}, key=key)


def check(api, key: str = RO_KEY, **body):
    return api.post(CHECK, {"event_type_id": CONSULT_ID, "timezone": "NSW", **body}, key=key)


def error(response) -> dict:
    return response.json["error"]


# ── available-slots ─────────────────────────────────────────────────────────────────────────


def test_a_day_lists_every_free_half_hour_without_the_booking_or_the_busy_calendar_time(api):
    response = slots_for(api, date_from=TUESDAY.isoformat(), date_to=TUESDAY.isoformat(), timezone="nsw")
    assert response.status == 200
    times = ["10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30",
             "14:30", "15:00", "15:30", "16:00", "16:30"]
    assert response.json == {"data": {
        "success": True,
        "event_type": {"id": CONSULT_ID, "name": "Free Consultation", "duration_minutes": 30},
        "availability": {
            "timezone": "Australia/Sydney",
            "total_available_slots": 13,
            "next_available": {"date": TUESDAY.isoformat(), "time": "10:00",
                               "formatted": f"{long_date(TUESDAY)} at 10:00 AM"},
            "dates": [{
                "date": TUESDAY.isoformat(), "day_name": f"{TUESDAY:%A}", "formatted": long_date(TUESDAY),
                "slots": [{"time": t, "formatted": clock(int(t[:2]), int(t[3:]))} for t in times],
            }],
        },
    }}


def test_slots_are_shown_in_the_asked_time_zone_and_days_without_slots_are_left_out(api):
    response = slots_for(api, date_from=MONDAY.isoformat(), date_to=(MONDAY + timedelta(days=6)).isoformat(),
                         event_type_slug="initial-assessment", event_type_id=None, timezone="WA")
    availability = response.json["data"]["availability"]
    assert availability["timezone"] == "Australia/Perth"
    assert [d["day_name"] for d in availability["dates"]] == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    # Jane's first Monday slot is 09:00 in Sydney: the list shows Perth's wall clock for it.
    first_in_perth = datetime.combine(MONDAY, time(9), SYDNEY).astimezone(PERTH)
    assert availability["dates"][0]["slots"][0]["time"] == f"{first_in_perth:%H:%M}"
    assert availability["total_available_slots"] == sum(len(d["slots"]) for d in availability["dates"])


def test_a_weekend_without_hours_has_no_dates_and_no_next_available(api):
    response = slots_for(api, date_from=SATURDAY.isoformat(), date_to=(SATURDAY + timedelta(days=1)).isoformat())
    assert response.json["data"]["availability"] == {
        "timezone": "Australia/Sydney", "total_available_slots": 0, "next_available": None, "dates": [],
    }


def test_without_dates_the_next_fifteen_days_from_today_are_listed(api):
    today = datetime.now(SYDNEY).date()
    dates = [d["date"] for d in slots_for(api).json["data"]["availability"]["dates"]]
    assert dates
    assert today.isoformat() <= dates[0] and dates[-1] <= (today + timedelta(days=14)).isoformat()
    assert MONDAY.isoformat() in dates


@pytest.mark.parametrize(("body", "field"), [
    ({"date_from": "2030-06-01", "date_to": "2030-07-02"}, "date_to"),  # 31 days
    ({"date_from": "2030-06-10", "date_to": "2030-06-09"}, "date_to"),
    ({"date_from": "1 June 2030"}, "date_from"),
    ({"date_to": "2030-6-1"}, "date_to"),
    ({"date_from": "9999-12-31"}, "date_from"),
])
def test_bad_date_ranges_and_formats_are_validation_errors_naming_the_field(api, body, field):
    response = slots_for(api, **body)
    assert (response.status, error(response)["code"], error(response)["details"]["field"]) == (
        400, "VALIDATION_ERROR", field)
    assert error(response)["details"]["expected"]


def test_thirty_days_is_the_longest_listing(api):
    assert slots_for(api, date_from=MONDAY.isoformat(), date_to=(MONDAY + timedelta(days=30)).isoformat()).status == 200


# ── check-availability ──────────────────────────────────────────────────────────────────────


def test_a_booked_time_is_unavailable_with_the_nearest_free_times_either_side(api):
    response = check(api, date=TUESDAY.isoformat(), time="14:00")
    assert response.status == 200
    data = response.json["data"]
    no_year = f"{TUESDAY:%A}, {TUESDAY.day} {TUESDAY:%B}"
    assert {k: v for k, v in data.items() if k != "hint"} == {
        "available": False,
        "slot": {"date": TUESDAY.isoformat(), "time": "14:00", "formatted": f"{long_date(TUESDAY)} at 2:00 PM",
                 "duration_minutes": 30},
        "reason": "booked",
        "nearest_before": {"date": TUESDAY.isoformat(), "time": "13:30", "formatted": f"{no_year} at 1:30 PM"},
        "nearest_after": {"date": TUESDAY.isoformat(), "time": "14:30", "formatted": f"{no_year} at 2:30 PM"},
    }
    assert "1:30 PM" in data["hint"] and "2:30 PM" in data["hint"]


def test_a_time_the_hosts_calendar_is_busy_is_unavailable_and_the_nearest_before_is_the_day_before(api):
    data = check(api, date=TUESDAY.isoformat(), time="09:30").json["data"]
    assert (data["available"], data["reason"]) == (False, "busy")
    assert (data["nearest_before"]["date"], data["nearest_before"]["time"]) == (MONDAY.isoformat(), "16:30")
    assert (data["nearest_after"]["date"], data["nearest_after"]["time"]) == (TUESDAY.isoformat(), "10:00")


def test_a_free_time_is_available_without_a_reason_and_still_has_both_nearest_fields(api):
    data = check(api, date=TUESDAY.isoformat(), time="11:00", event_type_name="free consult",
                 event_type_id=None).json["data"]
    assert data["available"] is True
    assert "reason" not in data
    assert (data["nearest_before"]["time"], data["nearest_after"]["time"]) == ("10:30", "11:30")
    assert data["hint"]


def test_a_time_asked_in_perth_is_checked_at_perths_wall_clock(api):
    # 14:00 in Sydney is booked; the same instant asked as Perth time is still booked.
    perth = datetime.combine(TUESDAY, time(14), SYDNEY).astimezone(PERTH)
    data = check(api, date=perth.date().isoformat(), time=f"{perth:%H:%M}", timezone="Australia/Perth").json["data"]
    assert data["reason"] == "booked"
    assert data["nearest_after"]["time"] == f"{perth + timedelta(minutes=30):%H:%M}"


@pytest.mark.parametrize(("day", "at", "reason"), [
    (date.today() - timedelta(days=7), "10:00", "in_the_past"),
    (date.today() + timedelta(days=90), "10:00", "beyond_horizon"),
    (TUESDAY, "20:00", "outside_hours"),
    (TUESDAY, "10:15", "not_on_grid"),
    (SATURDAY, "10:00", "outside_hours"),
])
def test_unavailable_times_say_why(api, day, at, reason):
    data = check(api, date=day.isoformat(), time=at).json["data"]
    assert (data["available"], data["reason"]) == (False, reason)


def test_a_local_time_skipped_by_daylight_saving_is_unavailable_as_nonexistent(api):
    # Sydney's clocks jump from 02:00 to 03:00 on the first Sunday of October.
    year = date.today().year + 1
    first_sunday = next(date(year, 10, d) for d in range(1, 8) if date(year, 10, d).weekday() == 6)
    data = check(api, date=first_sunday.isoformat(), time="02:30").json["data"]
    assert (data["available"], data["reason"]) == (False, "nonexistent_local_time")
    assert data["slot"]["formatted"] == f"{long_date(first_sunday)} at 2:30 AM"


@pytest.mark.parametrize(("body", "field"), [
    ({"date": "next tuesday", "time": "10:00"}, "date"),
    ({"date": "2030-06-04", "time": "10am"}, "time"),
    ({"date": "2030-06-04", "time": "25:00"}, "time"),
])
def test_a_badly_formatted_date_or_time_is_a_validation_error(api, body, field):
    response = check(api, **body)
    assert (response.status, error(response)["code"], error(response)["details"]["field"]) == (
        400, "VALIDATION_ERROR", field)


# ── errors both endpoints share ─────────────────────────────────────────────────────────────


BOTH = [
    (CHECK, {"date": "2030-06-04", "time": "10:00"}),
    (SLOTS, {}),
]


@pytest.mark.parametrize(("path", "body"), BOTH)
def test_an_unknown_time_zone_is_invalid_timezone_with_examples(api, path, body):
    response = api.post(path, {"event_type_id": CONSULT_ID, "timezone": "Middle Earth", **body}, key=RO_KEY)
    assert (response.status, error(response)["code"]) == (400, "INVALID_TIMEZONE")
    assert "Australia/Sydney" in error(response)["fix"]


@pytest.mark.parametrize(("path", "body"), BOTH)
def test_an_unknown_event_type_is_not_found_and_the_bookable_ones_are_listed(api, path, body):
    response = api.post(path, {"event_type_name": "Yoga", **body}, key=RO_KEY)
    assert (response.status, error(response)["code"]) == (404, "EVENT_TYPE_NOT_FOUND")
    assert sorted(e["slug"] for e in error(response)["details"]["available"]) == [
        "follow-up-consultation", "free-consultation", "initial-assessment"]


@pytest.mark.parametrize(("path", "body"), BOTH)
def test_another_companys_event_type_is_not_found(api, path, body):
    response = api.post(path, {"event_type_id": OTHER_EVENT_TYPE_ID, **body}, key=RO_KEY)
    assert (response.status, error(response)["code"]) == (404, "EVENT_TYPE_NOT_FOUND")


@pytest.mark.parametrize(("path", "body"), BOTH)
def test_a_name_matching_two_event_types_is_ambiguous_with_candidates(api, path, body):
    response = api.post(path, {"event_type_name": "consultation", **body}, key=RO_KEY)
    assert (response.status, error(response)["code"]) == (400, "EVENT_TYPE_AMBIGUOUS")
    assert error(response)["details"]["candidates"] == [
        {"id": CONSULT_ID, "slug": "free-consultation", "name": "Free Consultation"},
        {"id": FOLLOW_UP_ID, "slug": "follow-up-consultation", "name": "Follow-up Consultation"},
    ]


@pytest.mark.parametrize(("path", "body"), BOTH)
def test_no_event_type_is_missing_fields_event_type_id(api, path, body):
    response = api.post(path, body, key=RO_KEY)
    assert (response.status, error(response)["code"]) == (400, "MISSING_FIELDS")
    assert error(response)["details"]["fields"] == ["event_type_id"]


def test_check_availability_without_date_and_time_lists_them_as_missing(api):
    response = api.post(CHECK, {"event_type_id": CONSULT_ID}, key=RO_KEY)
    assert (response.status, error(response)["code"]) == (400, "MISSING_FIELDS")
    assert sorted(error(response)["details"]["fields"]) == ["date", "time"]


@pytest.mark.parametrize("path", [CHECK, SLOTS])
def test_a_body_that_is_not_a_json_object_is_invalid_body(api, path):
    for raw in (b"not json", b"[1, 2]"):
        response = api.request("POST", path, key=RO_KEY, raw=raw, headers={"Content-Type": "application/json"})
        assert (response.status, error(response)["code"]) == (400, "INVALID_BODY")


@pytest.mark.parametrize("path", [CHECK, SLOTS])
def test_a_key_is_required_and_needs_company_read(api, path):
    body = {"event_type_id": ASSESSMENT_ID, "date": TUESDAY.isoformat(), "time": "10:00"}
    response = api.post(path, body)
    assert (response.status, error(response)["code"]) == (401, "UNAUTHORIZED")
    response = api.post(path, body, key=VOICE_KEY)
    assert (response.status, error(response)["code"]) == (403, "INSUFFICIENT_SCOPE")
    assert api.post(path, body, key=RW_KEY).status == 200


def test_both_endpoints_are_in_the_served_openapi_document(api):
    paths = api.get("/v1/openapi.json").json["paths"]
    for path in ("/scheduling-bookings/check-availability", "/scheduling-bookings/available-slots"):
        assert {"200", "400", "401", "403", "404", "503"} <= set(paths[path]["post"]["responses"]), path
