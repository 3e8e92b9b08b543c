"""POST /v1/scheduling-bookings/{id}/reschedule as an integration sees it (contract §3 item 4b)."""

from __future__ import annotations

from tests.support.seeds import CONSULT_ID, OTHER_KEY, RO_KEY, RW_KEY, next_weekday

TUESDAY = next_weekday(1, weeks_ahead=2)
WEDNESDAY = next_weekday(2, weeks_ahead=2)


def _book(api, time: str, day=TUESDAY, email: str = "mover@example.com") -> dict:
    response = api.post("/v1/scheduling-bookings", {
        "event_type_id": CONSULT_ID, "date": day.isoformat(), "time": time, "timezone": "Australia/Sydney",
        "fullName": "Mo Ver", "email": email, "phone": "0412 000 111", "message": "Knee",
        "attendees": [{"email": "friend@example.com", "name": "Friend"}],
    }, key=RW_KEY)
    assert response.status == 201, response.text
    return response.json["data"]


def _available(api, day, time: str) -> bool:
    return api.post("/v1/scheduling-bookings/check-availability", {
        "event_type_id": CONSULT_ID, "date": day.isoformat(), "time": time, "timezone": "Australia/Sydney",
    }, key=RO_KEY).json["data"]["available"]


def test_a_moved_booking_keeps_booker_and_opportunity_frees_the_old_slot_and_rotates_the_token(api):
    created = _book(api, "10:00")
    old_id = created["booking"]["id"]
    old_token = api.get(f"/v1/scheduling-bookings/{old_id}", key=RW_KEY).json["data"]["management_token"]

    moved = api.post(f"/v1/scheduling-bookings/{old_id}/reschedule",
                     {"date": WEDNESDAY.isoformat(), "time": "11:30", "reason": "Clash"}, key=RW_KEY)

    assert moved.status == 201, moved.text
    data = moved.json["data"]
    assert data["success"] is True and data["previous_booking_id"] == old_id
    new = data["booking"]
    assert new["id"] != old_id and new["starts_at"].startswith(f"{WEDNESDAY.isoformat()}T11:30")
    assert "management_token" not in moved.text
    stored_new = api.get(f"/v1/scheduling-bookings/{new['id']}", key=RW_KEY).json["data"]
    assert (stored_new["booker_email"], stored_new["message"], stored_new["booker_phone"]) == (
        "mover@example.com", "Knee", "+61412000111")
    assert [a["email"] for a in stored_new["attendees"]] == ["friend@example.com"]
    assert stored_new["deal_id"] == created["crm"]["deal_id"]
    opportunities = [o for o in api.get("/_local/crm").json["opportunities"]
                     if o["contact_id"] == created["crm"]["contact_id"]]
    assert [o["id"] for o in opportunities] == [created["crm"]["deal_id"]]  # no second opportunity
    assert stored_new["management_token"] not in (None, old_token)
    old = api.get(f"/v1/scheduling-bookings/{old_id}", key=RW_KEY).json["data"]
    assert old["status"] == "cancelled" and old["management_token"] is None
    assert _available(api, TUESDAY, "10:00") and not _available(api, WEDNESDAY, "11:30")


def test_a_taken_target_slot_leaves_the_original_untouched(api):
    first = _book(api, "13:00")["booking"]["id"]
    _book(api, "15:00", email="someone@example.com")
    refused = api.post(f"/v1/scheduling-bookings/{first}/reschedule",
                       {"date": TUESDAY.isoformat(), "time": "15:00"}, key=RW_KEY)
    assert refused.status == 409 and refused.json["error"]["code"] == "SLOT_UNAVAILABLE"
    assert refused.json["error"]["details"]["reason"] == "booked"
    assert api.get(f"/v1/scheduling-bookings/{first}", key=RW_KEY).json["data"]["status"] == "confirmed"


def test_only_confirmed_bookings_move_and_other_tenants_see_nothing(api):
    booking_id = _book(api, "16:00")["booking"]["id"]
    assert api.post(f"/v1/scheduling-bookings/{booking_id}/reschedule",
                    {"date": WEDNESDAY.isoformat(), "time": "09:00"}, key=OTHER_KEY).status == 404
    api.post(f"/v1/scheduling-bookings/{booking_id}/cancel", {}, key=RW_KEY)
    refused = api.post(f"/v1/scheduling-bookings/{booking_id}/reschedule",
                       {"date": WEDNESDAY.isoformat(), "time": "09:00"}, key=RW_KEY)
    assert refused.status == 409 and refused.json["error"]["code"] == "INVALID_STATUS_TRANSITION"
    assert refused.json["error"]["details"]["current_status"] == "cancelled"


def test_missing_fields_and_read_only_keys_are_refused(api):
    booking_id = _book(api, "16:30")["booking"]["id"]
    missing = api.post(f"/v1/scheduling-bookings/{booking_id}/reschedule", {"date": WEDNESDAY.isoformat()},
                       key=RW_KEY)
    assert missing.status == 400 and missing.json["error"]["code"] == "MISSING_FIELDS"
    assert missing.json["error"]["details"]["fields"] == ["time"]
    read_only = api.post(f"/v1/scheduling-bookings/{booking_id}/reschedule",
                         {"date": WEDNESDAY.isoformat(), "time": "09:00"}, key=RO_KEY)
    assert read_only.status == 403
