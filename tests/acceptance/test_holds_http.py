"""Slot holds over HTTP on the local server (contract §10): a hold keeps its slot from every entry
point (JSON create, check-availability, available-slots, voice slots, book and reschedule, the booker
page, the /scheduling/* family, MCP) until the holder books it (with hold_id) or releases it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import urlencode

from tests.acceptance.test_mcp_http import converse
from tests.support.seeds import CONSULT_ID, JANE_ID, OTHER_KEY, RO_KEY, RW_KEY, VOICE_KEY, next_weekday, sydney

HOLDS = "/v1/scheduling-bookings/holds"
THURSDAY = next_weekday(3)
CALL = {"call_id": "call_holds_1", "agent_id": "agent_demo", "from_number": "+61498765432",
        "to_number": "+61290000000", "direction": "inbound"}


def place(api, time: str, *, key: str = RW_KEY, **extra):  # noqa: ANN001, ANN201
    body = {"event_type_id": CONSULT_ID, "date": THURSDAY.isoformat(), "time": time, "timezone": "NSW", **extra}
    return api.post(HOLDS, body, key=key)


def create(api, time: str, **extra):  # noqa: ANN001, ANN201
    body = {"event_type_id": CONSULT_ID, "date": THURSDAY.isoformat(), "time": time, "timezone": "NSW",
            "fullName": "Sarah Jones", "email": "sarah@example.com", **extra}
    return api.post("/v1/scheduling-bookings", body, key=RW_KEY)


def voice(api, path: str, args: dict, *, key: str = VOICE_KEY):  # noqa: ANN001, ANN201
    return api.post(f"/v1/scheduling/voice{path}", {"call": CALL, "name": "tool", "args": args}, key=key)


def offered_times(api) -> list[str]:  # noqa: ANN001
    body = {"event_type_id": CONSULT_ID, "date_from": THURSDAY.isoformat(), "date_to": THURSDAY.isoformat(),
            "timezone": "NSW"}
    dates = api.post("/v1/scheduling-bookings/available-slots", body, key=RW_KEY).json["data"]["availability"]["dates"]
    return [s["time"] for d in dates for s in d["slots"]]


def test_a_held_slot_is_kept_from_everyone_and_booked_by_the_holder_through_the_json_create(api):
    held = place(api, "10:00", expires_in_seconds=600)
    assert held.status == 201, held.text
    data = held.json["data"]
    assert set(data) >= {"hold_id", "event_type_id", "host_user_ids", "starts_at", "ends_at", "expires_at"}
    assert data["event_type_id"] == CONSULT_ID and data["starts_at"].startswith(f"{THURSDAY.isoformat()}T10:00:00+")
    expires_in = datetime.fromisoformat(data["expires_at"]) - datetime.now(UTC)
    assert timedelta(seconds=540) < expires_in <= timedelta(seconds=600) and len(data["host_user_ids"]) == 1

    assert "10:00" not in offered_times(api) and "10:30" in offered_times(api)
    check = api.post("/v1/scheduling-bookings/check-availability",
                     {"event_type_id": CONSULT_ID, "date": THURSDAY.isoformat(), "time": "10:00", "timezone": "NSW"},
                     key=RW_KEY).json["data"]
    assert check["available"] is False and check["reason"] == "held"
    taken = create(api, "10:00", email="someone.else@example.com")
    assert taken.status == 409 and taken.json["error"]["code"] == "SLOT_UNAVAILABLE"
    assert taken.json["error"]["details"]["reason"] == "held"
    assert place(api, "10:00").json["error"]["details"]["reason"] == "held"

    booked = create(api, "10:00", hold_id=data["hold_id"])
    assert booked.status == 201, booked.text
    assert booked.json["data"]["booking"]["time"] == "10:00"
    again = create(api, "10:00", hold_id=data["hold_id"], email="late@example.com")
    assert again.status == 410 and again.json["error"]["code"] == "HOLD_EXPIRED"
    assert again.json["error"]["details"]["state"] == "consumed"


def test_released_hold_frees_the_slot_and_a_second_release_is_gone(api):
    hold_id = place(api, "11:00").json["data"]["hold_id"]
    assert "11:00" not in offered_times(api)

    released = api.request("DELETE", f"{HOLDS}/{hold_id}", key=RW_KEY)
    assert released.status == 200 and released.json["data"]["status"] == "released"
    assert "11:00" in offered_times(api)
    again = api.request("DELETE", f"{HOLDS}/{hold_id}", key=RW_KEY)
    assert again.status == 410 and again.json["error"]["code"] == "HOLD_EXPIRED"


def test_voice_sees_the_hold_and_books_through_it_with_hold_id(api):
    held = place(api, "14:30", key=VOICE_KEY)
    assert held.status == 201, held.text
    hold_id = held.json["data"]["hold_id"]
    slot = f"{THURSDAY.isoformat()} 14:30"

    offered = voice(api, f"/{CONSULT_ID}/slots", {"preferred_day": THURSDAY.isoformat(), "state": "NSW"})
    assert f"[slot:{slot}]" not in offered.text
    refused = voice(api, f"/{CONSULT_ID}/book", {"slot": slot, "name": "Other Caller", "email": "o@example.com"})
    assert refused.text.startswith("**BOOKING FAILED") and "held for someone else" in refused.text
    booked = voice(api, f"/{CONSULT_ID}/book", {"slot": slot, "name": "Sarah Jones", "email": "sarah@example.com",
                                                 "hold_id": hold_id, "state": "NSW"})
    assert booked.text.startswith("Booked! Sarah Jones's Free Consultation (30 min)"), booked.text


def test_the_booker_page_does_not_offer_a_held_time(api):
    page = api.get("/book/harbour-physio/free-consultation")
    first = unescape(re.findall(r'name="slot" value="([^"]+)"', page.text)[0])
    day, time = first.split(" ")
    held = api.post(HOLDS, {"event_type_id": CONSULT_ID, "date": day, "time": time, "timezone": "Australia/Sydney"},
                    key=RW_KEY)
    assert held.status == 201, held.text
    again = api.get("/book/harbour-physio/free-consultation")
    assert f'value="{first}"' not in unescape(again.text)
    api.request("DELETE", f"{HOLDS}/{held.json['data']['hold_id']}", key=RW_KEY)


def test_scopes_tenancy_and_bounds(api):
    assert place(api, "15:00", key=RO_KEY).status == 403
    for seconds in (29, 901):
        bad = place(api, "15:00", expires_in_seconds=seconds)
        assert bad.status == 400 and bad.json["error"]["code"] == "VALIDATION_ERROR"
        assert bad.json["error"]["details"]["field"] == "expires_in_seconds"
    hold_id = place(api, "15:00").json["data"]["hold_id"]
    assert api.request("DELETE", f"{HOLDS}/{hold_id}", key=OTHER_KEY).status == 404
    other = create(api, "15:00", hold_id="00000000-0000-4000-8000-000000000000")
    assert other.status == 404
    assert api.request("DELETE", f"{HOLDS}/{hold_id}", key=RW_KEY).status == 200


def test_an_event_type_can_ask_voice_to_hold_the_first_offered_time_for_the_call(api):
    created = api.post("/v1/scheduled-event-types", {
        "name": "Phone Triage", "default_duration_minutes": 20, "location": "phone",
        "booking_assigned_user_ids": [JANE_ID], "hold_offered_slot_seconds": 180}, key=RW_KEY)
    assert created.status == 201, created.text
    triage = created.json["data"]
    assert triage["hold_offered_slot_seconds"] == 180
    day = next_weekday(1, weeks_ahead=3).isoformat()
    call = {**CALL, "call_id": "call_offered_hold_http"}

    offered = api.post(f"/v1/scheduling/voice/{triage['id']}/slots",
                       {"call": call, "name": "slots", "args": {"preferred_day": day, "state": "NSW"}}, key=VOICE_KEY)
    assert f'book slot:"{day} 09:00" before then' in offered.text, offered.text
    taken = api.post("/v1/scheduling-bookings", {
        "event_type_id": triage["id"], "date": day, "time": "09:00", "timezone": "NSW",
        "fullName": "Other Booker", "email": "other@example.com"}, key=RW_KEY)
    assert taken.status == 409 and taken.json["error"]["details"]["reason"] == "held"
    booked = api.post(f"/v1/scheduling/voice/{triage['id']}/book", {"call": call, "name": "book", "args": {
        "slot": f"{day} 09:00", "name": "Sarah Jones", "email": "sarah@example.com", "state": "NSW"}}, key=VOICE_KEY)
    assert booked.text.startswith("Booked! Sarah Jones's Phone Triage (20 min)"), booked.text

    cleared = api.request("PATCH", f"/v1/scheduled-event-types/{triage['id']}",
                          body={"hold_offered_slot_seconds": None}, key=RW_KEY)
    assert cleared.status == 200 and cleared.json["data"]["hold_offered_slot_seconds"] is None
    bad = api.request("PATCH", f"/v1/scheduled-event-types/{triage['id']}",
                      body={"hold_offered_slot_seconds": 5}, key=RW_KEY)
    assert bad.status == 400 and bad.json["error"]["details"]["field"] == "hold_offered_slot_seconds"


def test_a_hold_checks_its_fields_in_the_creates_order(api):
    def error(**body):  # noqa: ANN003, ANN202
        answer = api.post(HOLDS, {"event_type_id": CONSULT_ID, **body}, key=RW_KEY)
        assert answer.status in (400, 404), answer.text
        return answer.json["error"]["code"], answer.json["error"].get("details", {}).get("field")

    # a malformed time is reported before a bad time zone, like the create (contract §3)
    assert error(date=THURSDAY.isoformat(), time="25:99", timezone="Mars/Olympus") == ("VALIDATION_ERROR", "time")
    assert error(date="2026-13-01", time="10:00", timezone="Mars/Olympus") == ("VALIDATION_ERROR", "date")
    assert error(start_time="tomorrow", timezone="Mars/Olympus") == ("VALIDATION_ERROR", "start_time")
    assert error(date=THURSDAY.isoformat(), time="10:00", timezone="NSW", email="doug@resolvency.")[0] \
        == "INVALID_EMAIL"
    assert error(date=THURSDAY.isoformat(), time="10:00", timezone="Mars/Olympus")[0] == "INVALID_TIMEZONE"


def test_the_scheduling_family_sees_the_hold_and_books_through_it(api):
    day = next_weekday(2, weeks_ahead=4)
    held = api.post(HOLDS, {"event_type_id": CONSULT_ID, "start_time": sydney(day, 13), "timezone": "NSW"},
                    key=RW_KEY)
    assert held.status == 201, held.text
    hold_id = held.json["data"]["hold_id"]
    slots = api.post("/v1/scheduling/available-slots", {"event_type_id": CONSULT_ID, "timezone": "NSW",
                                                         "start_date": day.isoformat(), "end_date": day.isoformat()},
                     key=RW_KEY).json["data"]["availability"]["dates"]
    times = [s["time"] for d in slots for s in d["slots"]]
    assert "13:00" not in times and "13:30" in times

    def family_create(**extra):  # noqa: ANN003, ANN202
        return api.post("/v1/scheduling/bookings", {"event_type_id": CONSULT_ID, "start_time": sydney(day, 13),
                                                    "invitee_email": "kim@example.com", "invitee_name": "Kim Lee",
                                                    **extra}, key=RW_KEY)

    taken = family_create()
    assert taken.status == 409 and taken.json["error"]["details"]["reason"] == "held"
    booked = family_create(hold_id=hold_id)
    assert booked.status == 201, booked.text
    assert booked.json["data"]["booking"]["time"] == "13:00"


def test_a_read_only_keys_slots_answer_holds_nothing(api):
    created = api.post("/v1/scheduled-event-types", {
        "name": "Quick Callback", "default_duration_minutes": 15, "location": "phone",
        "booking_assigned_user_ids": [JANE_ID], "hold_offered_slot_seconds": 300}, key=RW_KEY)
    assert created.status == 201, created.text
    callback = created.json["data"]["id"]
    day = next_weekday(1, weeks_ahead=6).isoformat()

    offered = api.post(f"/v1/scheduling/voice/{callback}/slots", {
        "call": {**CALL, "call_id": "call_read_only_key"}, "name": "slots",
        "args": {"preferred_day": day, "state": "NSW"}}, key=RO_KEY)
    assert offered.status == 200 and f"[slot:{day} 09:00]" in offered.text, offered.text
    assert "is held for this caller" not in offered.text
    check = api.post("/v1/scheduling-bookings/check-availability",
                     {"event_type_id": callback, "date": day, "time": "09:00", "timezone": "NSW"}, key=RW_KEY)
    assert check.json["data"]["available"] is True


def test_the_booker_pages_form_refuses_a_held_time_and_says_why(api):
    page = api.get("/book/harbour-physio/free-consultation")
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    token = unescape(re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1))
    slot = unescape(re.findall(r'name="slot" value="([^"]+)"', page.text)[0])
    day, time = slot.split(" ")
    held = api.post(HOLDS, {"event_type_id": CONSULT_ID, "date": day, "time": time, "timezone": "Australia/Sydney"},
                    key=RW_KEY)
    assert held.status == 201, held.text

    form = {"csrf_token": token, "slot": slot, "timezone": "Australia/Sydney", "fullName": "Page Booker",
            "email": "page.booker@example.com"}
    refused = api.request("POST", "/book/harbour-physio/free-consultation", raw=urlencode(form).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    assert refused.status == 409 and 'data-error-code="SLOT_UNAVAILABLE"' in refused.text
    assert "Someone is booking that time right now" in unescape(refused.text)
    listed = api.get("/v1/scheduling-bookings?limit=100", key=RW_KEY).json["data"]
    assert not any(b["booker_email"] == "page.booker@example.com" for b in listed)
    api.request("DELETE", f"{HOLDS}/{held.json['data']['hold_id']}", key=RW_KEY)


def test_moving_a_booking_onto_a_held_time_is_refused_on_every_reschedule_entry_point(api):
    day = next_weekday(4, weeks_ahead=5)
    phone = "+61498000018"
    booked = api.post("/v1/scheduling-bookings", {
        "event_type_id": CONSULT_ID, "date": day.isoformat(), "time": "09:00", "timezone": "NSW",
        "fullName": "Mo Ver", "email": "mover18@example.com", "phone": phone}, key=RW_KEY)
    assert booked.status == 201, booked.text
    booking_id = booked.json["data"]["booking"]["id"]
    assert place_on(api, day, "11:00").status == 201

    documented = api.post(f"/v1/scheduling-bookings/{booking_id}/reschedule",
                          {"date": day.isoformat(), "time": "11:00", "timezone": "NSW"}, key=RW_KEY)
    assert documented.status == 409 and documented.json["error"]["details"]["reason"] == "held"
    family = api.post(f"/v1/scheduling/bookings/{booking_id}/reschedule", {"slot": sydney(day, 11)}, key=RW_KEY)
    assert family.status == 409 and family.json["error"]["details"]["reason"] == "held"
    by_phone = api.post("/v1/scheduling/voice/reschedule-booking", {
        "call": {**CALL, "call_id": "call_move_onto_hold", "from_number": phone}, "name": "reschedule",
        "args": {"new_slot": f"{day.isoformat()} 11:00", "timezone": "NSW"}}, key=VOICE_KEY)
    assert by_phone.text.startswith("RESCHEDULE FAILED: That time is being held for someone else"), by_phone.text
    kept = api.get(f"/v1/scheduling-bookings/{booking_id}", key=RW_KEY).json["data"]
    assert kept["status"] == "confirmed" and kept["starts_at"] == sydney(day, 9)


def test_the_mcp_tools_do_not_offer_a_held_time(api):
    day = next_weekday(1, weeks_ahead=5)
    assert place_on(api, day, "10:00").status == 201

    async def conversation(session):  # noqa: ANN001, ANN202
        slots = await session.call_tool("get_available_slots", {
            "event_type_id": CONSULT_ID, "start_date": day.isoformat(), "end_date": day.isoformat(),
            "timezone": "NSW"})
        check = await session.call_tool("check_slot_availability",
                                        {"event_type_id": CONSULT_ID, "slot": sydney(day, 10)})
        return slots, check

    slots, check = converse(api, RO_KEY, conversation)
    times = [s["time"] for d in slots.structured_content["availability"]["dates"] for s in d["slots"]]
    assert "10:00" not in times and "10:30" in times
    assert check.structured_content["available"] is False and check.structured_content["reason"] == "held"


def place_on(api, day, time: str):  # noqa: ANN001, ANN201
    return api.post(HOLDS, {"event_type_id": CONSULT_ID, "date": day.isoformat(), "time": time, "timezone": "NSW"},
                    key=RW_KEY)
