"""Reminders through the send_reminders job entry point, travelling in time (contract §4).

Given a seeded booking (next week, Monday 2:00 PM Sydney) whose reminders were scheduled the way
the create service schedules them (`reminder_items_for_new_booking` committed in a transaction),
the job is invoked like EventBridge would at chosen instants and the outbox is read.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduling import wiring
from scheduling.adapters.email import EmailUnavailable
from scheduling.adapters.outbox import OUTBOX
from scheduling.domain.models import Attendee, BookingNotifications
from scheduling.services.reminders import (
    cancel_pending_reminders,
    reminder_items_for_new_booking,
    reminders_for_booking,
)
from scheduling.settings import get_settings
from tests.support.seeds import COMPANY_ID, CONSULT_ID, booking_id
from tools.sam_template import handler_module

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_EVENT = json.loads((ROOT / "events" / "job_send_reminders.json").read_text())
BOOKING = booking_id(0)
ZONE = ZoneInfo("Australia/Sydney")
EMAIL_ONLY = {"channels": ["email"], "recipients": "booker", "email_subject": "Soon: {event_type}",
              "email_body": "Hi {booker_name}, {date} at {time}. Manage: {management_url}"}


@pytest.fixture(autouse=True)
def app_base_url(monkeypatch):
    monkeypatch.setenv("APP_BASE_URL", "https://app.example.com")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run_job(at: datetime) -> dict:
    event = {**SAMPLE_EVENT, "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    return handler_module("job_send_reminders").lambda_handler(event, None)


def configure(**rules) -> None:
    companies = wiring.companies()
    event_type = companies.get_event_type(COMPANY_ID, CONSULT_ID)
    companies.put_event_type(event_type.model_copy(
        update={"booking_notifications": BookingNotifications.model_validate(rules)}))


def schedule(now: datetime, booking_id_: str = BOOKING):
    """What the create service does: commit the hook's items in one transaction."""
    booking = wiring.bookings().get(COMPANY_ID, booking_id_)
    event_type = wiring.companies().get_event_type(COMPANY_ID, CONSULT_ID)
    items = reminder_items_for_new_booking(booking, event_type, wiring.companies().get(COMPANY_ID), now)
    wiring.table().meta.client.transact_write_items(TransactItems=items)
    return booking


def sent_emails() -> list[tuple[str, list[str]]]:
    return [(e["kind"], e["to"]) for e in OUTBOX.snapshot()["emails"]]


def local_date(instant: datetime) -> str:
    local = instant.astimezone(ZONE)
    return f"{local:%A}, {local.day} {local:%B %Y}"


def test_a_pre_meeting_reminder_fires_once_at_its_instant_and_not_before(workspace):
    configure(pre_meeting=[{"offset_minutes": 60, **EMAIL_ONLY}])
    booking = schedule(datetime.now(UTC))
    due = booking.starts_at - timedelta(minutes=60)

    early = run_job(due - timedelta(minutes=1))
    on_time = run_job(due)
    later = run_job(due + timedelta(minutes=1))

    assert (early["sent"], on_time["sent"], later["sent"]) == (0, 1, 0)
    assert sent_emails() == [("pre_meeting", ["booker0@example.com"])]


def test_the_reminder_reaches_exactly_its_recipients_with_the_rendered_template(workspace):
    # Given a booker with one attendee (local-format phone) and a Meet link
    bookings = wiring.bookings()
    booking = bookings.get(COMPANY_ID, BOOKING)
    bookings.save(booking.model_copy(update={
        "attendees": [Attendee(email="pat@example.com", name="Pat", phone="0412 999 888")],
        "google_meet_link": "https://meet.google.com/abc-defg-hij"}))
    configure(pre_meeting=[{
        "offset_minutes": 30, "channels": ["email", "sms"], "recipients": "booker_and_attendees",
        "email_subject": "Reminder: {event_type} at {time}",
        "email_body": "Hi {booker_name}, {event_type} ({duration}) on {date} at {time}. Join {meet_link}. "
                      "Manage: {management_url} {unknown}",
        "sms_body": "{event_type} {time}: {management_url}"}])
    schedule(datetime.now(UTC))

    # When the job runs at start - 30 minutes
    run_job(booking.starts_at - timedelta(minutes=30))

    manage = f"https://app.example.com/book/harbour-physio/manage/{booking.management_token}"
    body = (f"Hi Booker 0, Free Consultation (30 minutes) on {local_date(booking.starts_at)} at 2:00 PM. "
            f"Join https://meet.google.com/abc-defg-hij. Manage: {manage} {{unknown}}")
    assert OUTBOX.snapshot()["emails"] == [
        {"kind": "pre_meeting", "to": ["booker0@example.com"], "subject": "Reminder: Free Consultation at 2:00 PM",
         "body": body, "booking_id": BOOKING, "attachments": []},
        {"kind": "pre_meeting", "to": ["pat@example.com"], "subject": "Reminder: Free Consultation at 2:00 PM",
         "body": body, "booking_id": BOOKING, "attachments": []},
    ]
    assert OUTBOX.snapshot()["sms"] == [
        {"kind": "pre_meeting", "to": "+61412340000", "body": f"Free Consultation 2:00 PM: {manage}",
         "booking_id": BOOKING},
        {"kind": "pre_meeting", "to": "+61412999888", "body": f"Free Consultation 2:00 PM: {manage}",
         "booking_id": BOOKING},
    ]


def test_a_meeting_start_reminder_to_the_team_goes_to_the_hosts_at_the_start(workspace):
    configure(meeting_start=[{"channels": ["email", "sms"], "recipients": "team",
                              "email_subject": "{booker_name} now", "email_body": "Starting", "sms_body": "Go"}])
    booking = schedule(datetime.now(UTC))

    run_job(booking.starts_at - timedelta(seconds=1))
    assert OUTBOX.snapshot()["emails"] == []
    run_job(booking.starts_at)

    assert sent_emails() == [("meeting_start", ["jane@harbourphysio.example"])]
    assert [(s["to"], s["body"]) for s in OUTBOX.snapshot()["sms"]] == [("+61400000001", "Go")]


def test_reminders_whose_instant_has_passed_at_booking_time_are_not_scheduled(workspace):
    configure(pre_meeting=[{"offset_minutes": 60, **EMAIL_ONLY}, {"offset_minutes": 10, **EMAIL_ONLY}])
    booking = wiring.bookings().get(COMPANY_ID, BOOKING)

    schedule(booking.starts_at - timedelta(minutes=30))

    assert [r["SK"].split("#", 2)[2] for r in reminders_for_booking(COMPANY_ID, BOOKING)] == ["pre_meeting#1"]


def test_two_overlapping_runs_send_each_reminder_once(workspace, monkeypatch):
    configure(pre_meeting=[{"offset_minutes": 60, **EMAIL_ONLY}])
    booking = schedule(datetime.now(UTC))
    due = booking.starts_at - timedelta(minutes=60)
    real_email = wiring.email()
    overlapping: list[dict] = []

    class EmailThatLetsASecondRunIn:
        def send(self, *args, **kwargs):
            if not overlapping:  # while the first run is sending, a second run starts
                overlapping.append(run_job(due + timedelta(seconds=30)))
            return real_email.send(*args, **kwargs)

    monkeypatch.setattr(wiring, "email", lambda: EmailThatLetsASecondRunIn())

    first = run_job(due)

    assert (first["sent"], overlapping[0]["busy"], overlapping[0]["sent"]) == (1, 1, 0)
    assert sent_emails() == [("pre_meeting", ["booker0@example.com"])]


def test_a_run_that_dies_mid_send_is_resumed_after_its_lease_without_repeating_delivered_messages(
        workspace, monkeypatch):
    configure(pre_meeting=[{"offset_minutes": 60, "channels": ["email", "sms"], "recipients": "booker",
                            "email_subject": "S", "email_body": "B", "sms_body": "T"}])
    booking = schedule(datetime.now(UTC))
    due = booking.starts_at - timedelta(minutes=60)

    class CrashingSms:
        def send(self, *args, **kwargs):
            raise RuntimeError("the Lambda was killed")

    real_sms = wiring.sms
    monkeypatch.setattr(wiring, "sms", lambda: CrashingSms())
    with pytest.raises(RuntimeError):
        run_job(due)  # the email went out, then the run died before the SMS
    monkeypatch.setattr(wiring, "sms", real_sms)

    retried_too_soon = run_job(due + timedelta(minutes=1))
    after_lease = run_job(due + timedelta(minutes=6))

    assert (retried_too_soon["busy"], after_lease["sent"]) == (1, 1)
    assert sent_emails() == [("pre_meeting", ["booker0@example.com"])]
    assert [s["to"] for s in OUTBOX.snapshot()["sms"]] == ["+61412340000"]


def test_an_email_failure_leaves_the_reminder_pending_for_the_next_run(workspace):
    configure(pre_meeting=[{"offset_minutes": 60, **EMAIL_ONLY}])
    booking = schedule(datetime.now(UTC))
    due = booking.starts_at - timedelta(minutes=60)
    OUTBOX.fail_next("email")

    failed = run_job(due)
    assert (failed["retry_later"], sent_emails()) == (1, [])
    assert [r["state"] for r in reminders_for_booking(COMPANY_ID, BOOKING)] == ["pending"]

    retried = run_job(due + timedelta(minutes=1))
    again = run_job(due + timedelta(minutes=2))

    assert (retried["sent"], again["due"]) == (1, 0)
    assert sent_emails() == [("pre_meeting", ["booker0@example.com"])]


def test_an_sms_failure_retries_only_the_sms(workspace):
    configure(pre_meeting=[{"offset_minutes": 60, "channels": ["email", "sms"], "recipients": "booker",
                            "email_subject": "S", "email_body": "B", "sms_body": "T"}])
    booking = schedule(datetime.now(UTC))
    due = booking.starts_at - timedelta(minutes=60)
    OUTBOX.fail_next("sms")

    run_job(due)
    assert (len(sent_emails()), OUTBOX.snapshot()["sms"]) == (1, [])
    run_job(due + timedelta(minutes=1))

    assert len(sent_emails()) == 1
    assert [s["to"] for s in OUTBOX.snapshot()["sms"]] == ["+61412340000"]


def test_a_provider_that_refuses_for_good_does_not_block_the_other_messages(workspace, monkeypatch):
    configure(pre_meeting=[{"offset_minutes": 60, "channels": ["email", "sms"], "recipients": "booker",
                            "email_subject": "S", "email_body": "B", "sms_body": "T"}])
    booking = schedule(datetime.now(UTC))

    class RejectingEmail:
        def send(self, *args, **kwargs):
            raise EmailUnavailable("SES did not accept it (MessageRejected).", retryable=False)

    monkeypatch.setattr(wiring, "email", lambda: RejectingEmail())
    summary = run_job(booking.starts_at - timedelta(minutes=60))

    assert (summary["sent"], summary["messages"]) == (1, 1)
    assert [s["to"] for s in OUTBOX.snapshot()["sms"]] == ["+61412340000"]
    assert reminders_for_booking(COMPANY_ID, BOOKING)[0]["failed_deliveries"] == ["email:booker0@example.com"]


def test_cancelling_a_booking_stops_its_pending_reminders(workspace):
    configure(pre_meeting=[{"offset_minutes": 60, **EMAIL_ONLY}], meeting_start=[EMAIL_ONLY])
    booking = schedule(datetime.now(UTC))

    cancelled = cancel_pending_reminders(COMPANY_ID, BOOKING)
    summary = run_job(booking.starts_at)

    assert (cancelled, summary["due"], sent_emails()) == (2, 0, [])
    assert [r["state"] for r in reminders_for_booking(COMPANY_ID, BOOKING)] == ["cancelled", "cancelled"]


def test_a_cancelled_booking_gets_no_reminder_even_when_its_reminders_were_not_cancelled(workspace):
    configure(pre_meeting=[{"offset_minutes": 60, **EMAIL_ONLY}])
    booking = schedule(datetime.now(UTC))
    wiring.bookings().save(booking.model_copy(update={"status": "cancelled"}))

    summary = run_job(booking.starts_at)

    assert (summary["skipped"], sent_emails()) == (1, [])


def test_a_reminder_found_only_after_the_meeting_ended_is_dropped(workspace):
    configure(pre_meeting=[{"offset_minutes": 60, **EMAIL_ONLY}])
    booking = schedule(datetime.now(UTC))

    summary = run_job(booking.ends_at + timedelta(hours=3))  # the job was down all afternoon

    assert (summary["skipped"], sent_emails()) == (1, [])
