"""Booking and cancelling over HTTP against the local server, as an API client sees it."""

from __future__ import annotations

import threading

from tests.support.seeds import CONSULT_ID, RO_KEY, RW_KEY, next_weekday

THURSDAY = next_weekday(3)
FRIDAY = next_weekday(4)


def body(time: str, day=THURSDAY, **extra) -> dict:
    return {"event_type_id": CONSULT_ID, "date": day.isoformat(), "time": time, "timezone": "NSW",
            "fullName": "Sarah Jones", "email": "sarah@example.com", **extra}


def test_a_booking_is_created_with_the_contract_shape_and_never_shows_the_token(api) -> None:
    response = api.post("/v1/scheduling-bookings", body("09:00", phone="0412 345 678", company_name="Acme",
                                                         attendees=[{"email": "pat@example.com", "name": "Pat"}]),
                        key=RW_KEY)

    assert response.status == 201, response.text
    data = response.json["data"]
    assert set(data) == {"success", "booking", "crm"} and data["success"] is True
    booking = data["booking"]
    assert set(booking) == {"id", "event_type_name", "date", "time", "formatted", "duration_minutes", "status",
                            "google_meet_link", "meeting_link", "meeting_provider", "attendees", "starts_at",
                            "ends_at", "timezone"}
    assert (booking["date"], booking["time"], booking["timezone"]) == (THURSDAY.isoformat(), "09:00",
                                                                       "Australia/Sydney")
    assert booking["formatted"].endswith("at 9:00 AM") and booking["duration_minutes"] == 30
    assert booking["starts_at"].endswith("+11:00") and booking["status"] == "confirmed"
    assert booking["google_meet_link"].startswith("https://meet.google.com/")
    assert (booking["meeting_link"], booking["meeting_provider"]) == (booking["google_meet_link"], "google_meet")
    assert booking["attendees"] == [{"email": "pat@example.com", "name": "Pat", "phone": None}]
    assert set(data["crm"]) == {"deal_id", "contact_id", "customer_id"} and all(data["crm"].values())
    assert "management_token" not in response.text
    stored = api.get(f"/v1/scheduling-bookings/{booking['id']}", key=RW_KEY).json["data"]
    assert stored["management_token"] and stored["booker_phone"] == "+61412345678"


def test_the_local_outbox_and_crm_show_what_a_booking_did(api) -> None:
    created = api.post("/v1/scheduling-bookings", body("09:30", email="olga@example.com", fullName="Olga",
                                                       company_name="Olga Co"), key=RW_KEY).json["data"]
    booking_id = created["booking"]["id"]

    outbox = api.get("/_local/outbox").json
    [event] = [e for e in outbox["calendar"] if e["booking_id"] == booking_id]
    assert event["action"] == "insert" and event["calendar"] == "jane@harbourphysio.example"
    assert event["attendees"] == ["olga@example.com"] and "/book/harbour-physio/manage/" in event["description"]
    assert event["meet_link"] == event["meeting_link"] == created["booking"]["google_meet_link"]
    assert event["provider"] == "google"
    [email] = [e for e in outbox["emails"] if e["booking_id"] == booking_id]
    assert email["kind"] == "confirmation" and email["to"] == ["olga@example.com"]
    [invite] = email["attachments"]
    assert (invite["filename"], invite["content_type"]) == ("invite.ics", "text/calendar; method=REQUEST")
    assert "METHOD:REQUEST" in invite["content"] and created["booking"]["google_meet_link"] in invite["content"]

    crm = api.get("/_local/crm").json
    [contact] = [c for c in crm["contacts"] if c["id"] == created["crm"]["contact_id"]]
    assert (contact["name"], contact["email"]) == ("Olga", "olga@example.com")
    assert [c["name"] for c in crm["customers"] if c["id"] == created["crm"]["customer_id"]] == ["Olga Co"]
    assert [o["id"] for o in crm["opportunities"] if o["contact_id"] == contact["id"]] == [created["crm"]["deal_id"]]
    assert [a["type"] for a in crm["activities"] if a["booking_id"] == booking_id] == ["booked"]


def test_twenty_concurrent_requests_for_one_slot_get_exactly_one_201(api) -> None:
    statuses: list[tuple[int, str | None]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def attempt(n: int) -> None:
        barrier.wait()
        # Each racer retries a dropped connection with its own Idempotency-Key, as a careful client
        # would: the retry can never book twice (the local server's accept queue is small).
        for _ in range(5):
            try:
                response = api.post("/v1/scheduling-bookings", body("13:00", email=f"racer{n}@example.com"),
                                    key=RW_KEY, headers={"Idempotency-Key": f"race-{n}"})
                break
            except OSError:
                continue
        code = None if response.status == 201 else response.json["error"]["code"]
        with lock:
            statuses.append((response.status, code))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == 20
    assert [s for s in statuses if s[0] == 201] == [(201, None)]
    assert {s for s in statuses if s[0] != 201} == {(409, "SLOT_UNAVAILABLE")}
    listed = api.get(f"/v1/scheduling-bookings?date_from={THURSDAY}&date_to={THURSDAY}&status=confirmed",
                     key=RW_KEY).json["data"]
    assert len([b for b in listed if b["starts_at"].startswith(f"{THURSDAY}T13:00")]) == 1


def test_the_same_idempotency_key_replays_the_first_answer_and_books_once(api) -> None:
    headers = {"Idempotency-Key": "create-thursday-1030"}
    first = api.post("/v1/scheduling-bookings", body("10:30", email="idem@example.com"), key=RW_KEY, headers=headers)
    again = api.post("/v1/scheduling-bookings", body("10:30", email="idem@example.com"), key=RW_KEY, headers=headers)

    assert first.status == again.status == 201
    assert again.json == first.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    booking_id = first.json["data"]["booking"]["id"]
    emails = [e for e in api.get("/_local/outbox").json["emails"] if e["booking_id"] == booking_id]
    assert len(emails) == 1


def test_reusing_an_idempotency_key_for_a_different_body_is_refused(api) -> None:
    headers = {"Idempotency-Key": "create-thursday-1100"}
    assert api.post("/v1/scheduling-bookings", body("11:00"), key=RW_KEY, headers=headers).status == 201
    reused = api.post("/v1/scheduling-bookings", body("11:30"), key=RW_KEY, headers=headers)
    assert reused.status == 409 and reused.json["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert api.post("/v1/scheduling-bookings", body("11:30"), key=RW_KEY).status == 201  # nothing was held


def test_cancel_frees_the_slot_and_a_second_cancel_is_a_no_op(api) -> None:
    created = api.post("/v1/scheduling-bookings", body("14:30", day=FRIDAY), key=RW_KEY).json["data"]
    booking_id = created["booking"]["id"]

    cancelled = api.post(f"/v1/scheduling-bookings/{booking_id}/cancel", {"cancellation_reason": "Sick"}, key=RW_KEY)
    assert cancelled.status == 200, cancelled.text
    data = cancelled.json["data"]
    assert (data["success"], data["already_cancelled"]) == (True, False)
    assert (data["booking"]["status"], data["booking"]["cancellation_reason"]) == ("cancelled", "Sick")
    assert "management_token" not in cancelled.text

    again = api.post(f"/v1/scheduling-bookings/{booking_id}/cancel", key=RW_KEY)
    assert again.status == 200 and again.json["data"]["already_cancelled"] is True

    rebooked = api.post("/v1/scheduling-bookings", body("14:30", day=FRIDAY, email="next@example.com"), key=RW_KEY)
    assert rebooked.status == 201
    calendar = [e["action"] for e in api.get("/_local/outbox").json["calendar"] if e["booking_id"] == booking_id]
    assert calendar == ["insert", "delete"]


def test_an_unknown_booking_cannot_be_cancelled(api) -> None:
    response = api.post("/v1/scheduling-bookings/9a8b7c6d-0000-4000-8000-000000000000/cancel", key=RW_KEY)
    assert response.status == 404 and response.json["error"]["code"] == "NOT_FOUND"


def test_a_body_that_is_not_a_json_object_is_invalid_body(api) -> None:
    response = api.request("POST", "/v1/scheduling-bookings", key=RW_KEY, raw=b"[1, 2]",
                           headers={"Content-Type": "application/json"})
    assert response.status == 400 and response.json["error"]["code"] == "INVALID_BODY"


def test_missing_required_fields_are_listed(api) -> None:
    response = api.post("/v1/scheduling-bookings", {"event_type_id": CONSULT_ID, "date": str(THURSDAY)}, key=RW_KEY)
    assert response.status == 400 and response.json["error"]["code"] == "MISSING_FIELDS"
    assert set(response.json["error"]["details"]["fields"]) == {"time", "fullName", "email"}


def test_more_than_twenty_attendees_is_a_validation_error(api) -> None:
    many = [{"email": f"a{n}@example.com"} for n in range(21)]
    response = api.post("/v1/scheduling-bookings", body("15:00", attendees=many), key=RW_KEY)
    assert response.status == 400 and response.json["error"]["code"] == "VALIDATION_ERROR"
    assert response.json["error"]["details"]["field"] == "attendees"


def test_a_slot_error_over_http_carries_reason_nearest_and_alternatives(api) -> None:
    response = api.post("/v1/scheduling-bookings", body("09:10"), key=RW_KEY)
    assert response.status == 409
    error = response.json["error"]
    assert error["code"] == "SLOT_UNAVAILABLE" and error["details"]["reason"] == "not_on_grid"
    assert set(error["details"]) == {"reason", "nearest_before", "nearest_after", "alternatives"}
    assert 1 <= len(error["details"]["alternatives"]) <= 5


def test_a_read_only_key_cannot_book(api) -> None:
    response = api.post("/v1/scheduling-bookings", body("15:30"), key=RO_KEY)
    assert response.status == 403 and response.json["error"]["code"] == "INSUFFICIENT_SCOPE"


def test_the_retry_job_is_listed_and_runs_for_a_given_instant(api) -> None:
    assert "retry_side_effects" in api.get("/_local/jobs").json["jobs"]
    response = api.post("/_local/jobs/retry_side_effects", {"time": "2030-01-01T00:00:00Z"})
    assert response.status == 200
    assert response.json["summary"]["failed"] == 0 and "done" in response.json["summary"]

