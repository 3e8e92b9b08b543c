"""Reminders, marks and jobs over HTTP against the local server (contract §3 items 7–9, §4, §6)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.acceptance.conftest import start_server
from tests.support.seeds import CONSULT_ID, RO_KEY, RW_KEY, booking_id, next_weekday, standard_seed

pytestmark = pytest.mark.acceptance

NOTIFICATIONS = {
    "pre_meeting": [{"offset_minutes": 60, "channels": ["email"], "recipients": "booker",
                     "email_subject": "Reminder: {event_type} at {time}",
                     "email_body": "Hi {booker_name}, see you at {time}. Manage: {management_url}"}],
    "late": [{"channels": ["email"], "recipients": "booker", "email_subject": "We're waiting",
              "email_body": "Hi {booker_name}, join {meet_link}"}],
    "no_show": [{"channels": ["email"], "recipients": "booker", "email_subject": "Sorry we missed you",
                 "email_body": "Rebook: {rebook_link}"}],
    "rebooking": [{"offset_minutes": 1440, "channels": ["email"], "recipients": "booker",
                   "email_subject": "Still keen?", "email_body": "Pick a new time: {rebook_link}"}],
}
REBOOK_PATH = "/book/harbour-physio/free-consultation"  # links point at the server that sent them


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    seed = standard_seed()
    consult = next(e for e in seed["companies"][0]["event_types"] if e["id"] == CONSULT_ID)
    consult["booking_notifications"] = NOTIFICATIONS
    path = tmp_path_factory.mktemp("followups") / "seed.json"
    path.write_text(json.dumps(seed))
    process, local_api = start_server(path)
    yield local_api
    process.terminate()
    process.wait(timeout=10)


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def emails_for(api, booking: str) -> list[dict]:
    return [e for e in api.get("/_local/outbox").json["emails"] if e["booking_id"] == booking]


def run_job(api, job: str, at: datetime) -> dict:
    response = api.post(f"/_local/jobs/{job}", {"time": iso(at)})
    assert response.status == 200, response.text
    return response.json


def test_the_jobs_are_listed(api):
    jobs = api.get("/_local/jobs").json["jobs"]

    assert {"send_reminders", "expire_tokens"} <= set(jobs)


def test_a_booking_made_over_http_gets_its_reminder_once_from_the_job_and_none_after_cancel(api):
    # Given two bookings two weeks out, one of them cancelled
    day = next_weekday(0, weeks_ahead=2)
    made = []
    for hhmm, name in (("10:00", "Rosa Diaz"), ("11:00", "Amy Santiago")):
        response = api.post("/v1/scheduling-bookings", key=RW_KEY, body={
            "event_type_id": CONSULT_ID, "date": day.isoformat(), "time": hhmm, "timezone": "Australia/Sydney",
            "fullName": name, "email": f"{name.split()[0].lower()}@example.com"})
        assert response.status == 201, response.text
        made.append(response.json["data"]["booking"])
    kept, cancelled = made
    assert api.post(f"/v1/scheduling-bookings/{cancelled['id']}/cancel", {}, key=RW_KEY).status == 200
    detail = api.get(f"/v1/scheduling-bookings/{kept['id']}", key=RW_KEY).json["data"]
    starts = datetime.fromisoformat(kept["starts_at"])

    # When the job runs a minute early, on time, and again a minute later (the cancelled one's
    # instant, 11:00 − 60 min, falls in between)
    early = run_job(api, "send_reminders", starts - timedelta(minutes=61))
    on_time = run_job(api, "send_reminders", starts - timedelta(minutes=60))
    after = run_job(api, "send_reminders", starts)

    assert (early["job"], early["time"], early["summary"]["sent"]) == ("send_reminders", iso(starts - timedelta(
        minutes=61)), 0)
    assert (on_time["summary"]["sent"], after["summary"]["sent"]) == (1, 0)
    manage = f"{api.base}/book/harbour-physio/manage/{detail['management_token']}"
    assert [e for e in emails_for(api, kept["id"]) if e["kind"] == "pre_meeting"] == [
        {"kind": "pre_meeting", "to": ["rosa@example.com"], "subject": "Reminder: Free Consultation at 10:00 AM",
         "body": f"Hi Rosa Diaz, see you at 10:00 AM. Manage: {manage}", "booking_id": kept["id"], "attachments": []}]
    assert [e["kind"] for e in emails_for(api, cancelled["id"]) if e["kind"] == "pre_meeting"] == []

    # And a day after it ends, its management token is gone
    ends = datetime.fromisoformat(kept["ends_at"])
    run_job(api, "expire_tokens", ends + timedelta(hours=24))
    assert api.get(f"/v1/scheduling-bookings/{kept['id']}", key=RW_KEY).json["data"]["management_token"] is None


def test_mark_no_show_notifies_now_schedules_rebooking_and_repeating_it_sends_nothing(api):
    booking = booking_id(0)

    first = api.post(f"/v1/scheduling-bookings/{booking}/mark-no-show", key=RW_KEY)
    repeat = api.post(f"/v1/scheduling-bookings/{booking}/mark-no-show", key=RW_KEY)
    rebooking = run_job(api, "send_reminders", datetime.now(UTC) + timedelta(minutes=1441))

    assert first.status == 200, first.text
    data = first.json["data"]
    assert (data["success"], data["booking"]["status"], data["notifications_sent"], data["reminders_scheduled"]) == (
        True, "no_show", 1, 1)
    assert repeat.status == 200
    assert (repeat.json["data"]["notifications_sent"], repeat.json["data"]["activity_id"]) == (0, data["activity_id"])
    assert rebooking["summary"]["sent"] == 1
    assert [(e["kind"], e["subject"], e["body"]) for e in emails_for(api, booking)] == [
        ("no_show", "Sorry we missed you", f"Rebook: {api.base}{REBOOK_PATH}"),
        ("rebooking", "Still keen?", f"Pick a new time: {api.base}{REBOOK_PATH}")]
    activities = [a for a in api.get("/_local/crm").json["activities"] if a["booking_id"] == booking]
    assert [(a["id"], a["type"]) for a in activities] == [(data["activity_id"], "no_show")]


def test_a_late_booking_can_be_marked_attended_but_not_late_again_after(api):
    booking = booking_id(1)

    late = api.post(f"/v1/scheduling-bookings/{booking}/mark-late", key=RW_KEY)
    attended = api.post(f"/v1/scheduling-bookings/{booking}/mark-attended", key=RW_KEY)
    late_again = api.post(f"/v1/scheduling-bookings/{booking}/mark-late", key=RW_KEY)

    assert (late.status, late.json["data"]["notifications_sent"]) == (200, 1)
    assert (attended.status, attended.json["data"]["booking"]["status"]) == (200, "attended")
    assert late_again.status == 409
    error = late_again.json["error"]
    assert (error["code"], error["details"]["current_status"]) == ("INVALID_STATUS_TRANSITION", "attended")


def test_marks_need_write_scope_and_an_existing_booking(api):
    read_only = api.post(f"/v1/scheduling-bookings/{booking_id(2)}/mark-attended", key=RO_KEY)
    missing = api.post("/v1/scheduling-bookings/00000000-0000-4000-8000-000000000000/mark-late", key=RW_KEY)
    wrong_method = api.get(f"/v1/scheduling-bookings/{booking_id(2)}/mark-no-show", key=RW_KEY)

    assert (read_only.status, read_only.json["error"]["code"]) == (403, "INSUFFICIENT_SCOPE")
    assert (missing.status, missing.json["error"]["code"]) == (404, "NOT_FOUND")
    assert wrong_method.status == 405


def test_an_idempotency_key_replays_the_first_mark_and_refuses_another_request(api):
    booking = booking_id(4)
    key = {"Idempotency-Key": "mark-4-late"}

    first = api.post(f"/v1/scheduling-bookings/{booking}/mark-late", key=RW_KEY, headers=key)
    replay = api.post(f"/v1/scheduling-bookings/{booking}/mark-late", key=RW_KEY, headers=key)
    reused = api.post(f"/v1/scheduling-bookings/{booking}/mark-attended", key=RW_KEY, headers=key)

    assert (first.status, first.json["data"]["notifications_sent"]) == (200, 1)
    assert (replay.status, replay.json) == (200, first.json)
    assert "management_token" not in first.json["data"]["booking"]
    assert (reused.status, reused.json["error"]["code"]) == (409, "IDEMPOTENCY_KEY_REUSED")
    assert [e["kind"] for e in emails_for(api, booking)] == ["late"]
