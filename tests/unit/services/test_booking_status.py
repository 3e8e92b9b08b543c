"""Mark attended / late / no-show (contract §3 items 7–9) on the seeded workspace."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.domain.models import BookingNotifications
from scheduling.errors import DomainError, NotFound
from scheduling.services.booking_status import mark
from scheduling.services.reminders import reminder_items_for_new_booking, reminders_for_booking
from scheduling.settings import get_settings
from tests.support.seeds import COMPANY_ID, CONSULT_ID, OTHER_BOOKING_ID, booking_id
from tools.sam_template import handler_module

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_EVENT = json.loads((ROOT / "events" / "job_send_reminders.json").read_text())
BOOKING = booking_id(0)
NOW = datetime.now(UTC).replace(microsecond=0)
REBOOK = "https://app.example.com/book/harbour-physio/free-consultation"


@pytest.fixture(autouse=True)
def app_base_url(monkeypatch):
    monkeypatch.setenv("APP_BASE_URL", "https://app.example.com")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def configure(**rules) -> None:
    companies = wiring.companies()
    event_type = companies.get_event_type(COMPANY_ID, CONSULT_ID)
    companies.put_event_type(event_type.model_copy(
        update={"booking_notifications": BookingNotifications.model_validate(rules)}))


def email(subject: str, body: str, **extra) -> dict:
    return {"channels": ["email"], "recipients": "booker", "email_subject": subject, "email_body": body, **extra}


def set_status(status: str) -> None:
    wiring.table().update_item(
        Key={"PK": f"COMPANY#{COMPANY_ID}", "SK": f"BOOKING#{BOOKING}"},
        UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": status})


def run_job(at: datetime) -> dict:
    event = {**SAMPLE_EVENT, "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    return handler_module("job_send_reminders").lambda_handler(event, None)


def activities() -> list[dict]:
    from scheduling.services.crm import crm_repository

    return crm_repository().snapshot([COMPANY_ID])["activities"]


ALLOWED = {("confirmed", "attended"), ("confirmed", "late"), ("confirmed", "no_show"),
           ("late", "attended"), ("late", "no_show")}


@pytest.mark.parametrize("current", ["confirmed", "late", "attended", "no_show", "cancelled"])
@pytest.mark.parametrize("target", ["attended", "late", "no_show"])
def test_the_transition_matrix(workspace, current, target):
    set_status(current)

    if (current, target) in ALLOWED:
        result = mark(COMPANY_ID, BOOKING, target, NOW)
        assert (result.changed, result.booking.status) == (True, target)
        assert result.activity_id is not None
    elif current == target:
        result = mark(COMPANY_ID, BOOKING, target, NOW)
        assert (result.changed, result.booking.status, result.notifications_sent) == (False, target, 0)
    else:
        with pytest.raises(DomainError) as raised:
            mark(COMPANY_ID, BOOKING, target, NOW)
        assert (raised.value.status, raised.value.code) == (409, "INVALID_STATUS_TRANSITION")
        assert raised.value.details["current_status"] == current
    assert wiring.bookings().get(COMPANY_ID, BOOKING).status == (
        target if (current, target) in ALLOWED or current == target else current)


def test_mark_late_sends_the_late_notifications_once_even_when_repeated(workspace):
    configure(late=[email("Waiting: {event_type}", "Hi {booker_name}, it started at {time}.")])

    first = mark(COMPANY_ID, BOOKING, "late", NOW)
    repeat = mark(COMPANY_ID, BOOKING, "late", NOW + timedelta(minutes=2))

    assert OUTBOX.snapshot()["emails"] == [
        {"kind": "late", "to": ["booker0@example.com"], "subject": "Waiting: Free Consultation",
         "body": "Hi Booker 0, it started at 2:00 PM.", "booking_id": BOOKING, "attachments": []}]
    assert (first.notifications_sent, first.reminders_scheduled) == (1, 0)
    assert (repeat.changed, repeat.notifications_sent, repeat.activity_id) == (False, 0, first.activity_id)
    assert len(activities()) == 1


def test_mark_no_show_sends_no_show_now_and_rebooking_at_its_offset(workspace):
    configure(no_show=[email("We missed you", "Rebook: {rebook_link}")],
              rebooking=[email("Still keen?", "Pick a time: {rebook_link}", offset_minutes=1440)])

    result = mark(COMPANY_ID, BOOKING, "no_show", NOW)
    before = run_job(NOW + timedelta(minutes=1439))
    at_offset = run_job(NOW + timedelta(minutes=1440))

    assert (result.notifications_sent, result.reminders_scheduled) == (1, 1)
    assert (before["sent"], at_offset["sent"]) == (0, 1)
    assert [(e["kind"], e["subject"], e["body"]) for e in OUTBOX.snapshot()["emails"]] == [
        ("no_show", "We missed you", f"Rebook: {REBOOK}"),
        ("rebooking", "Still keen?", f"Pick a time: {REBOOK}"),
    ]


def test_a_late_notification_that_fails_is_sent_by_the_next_job_run(workspace):
    configure(late=[email("Waiting", "Join us")])
    OUTBOX.fail_next("email")

    result = mark(COMPANY_ID, BOOKING, "late", NOW)
    summary = run_job(NOW + timedelta(minutes=1))

    assert (result.changed, result.notifications_sent, summary["sent"]) == (True, 0, 1)
    assert [e["kind"] for e in OUTBOX.snapshot()["emails"]] == ["late"]


def test_mark_attended_clears_the_opportunity_next_action_and_cancels_pending_reminders(workspace):
    from scheduling.services.crm import crm_repository

    # Given a booking linked to an opportunity with a next action, and a pending reminder
    repo = crm_repository()
    wiring.table().meta.client.transact_write_items(TransactItems=[repo.new_opportunity_entry(COMPANY_ID, {
        "id": "opp-1", "company_id": COMPANY_ID, "name": "Deal", "next_action_at": "2026-12-24T09:00:00+11:00",
        "next_action_note": "Call back", "created_at": NOW.isoformat()})])
    bookings = wiring.bookings()
    booking = bookings.get(COMPANY_ID, BOOKING).model_copy(update={"deal_id": "opp-1"})
    bookings.save(booking)
    configure(meeting_start=[email("Now", "Now")])
    items = reminder_items_for_new_booking(booking, wiring.companies().get_event_type(COMPANY_ID, CONSULT_ID),
                                           wiring.companies().get(COMPANY_ID), NOW)
    wiring.table().meta.client.transact_write_items(TransactItems=items)

    # When it is marked attended
    result = mark(COMPANY_ID, BOOKING, "attended", NOW)

    opportunity = repo.get_opportunity(COMPANY_ID, "opp-1")
    assert (opportunity["next_action_at"], opportunity["next_action_note"]) == (None, None)
    assert [r["state"] for r in reminders_for_booking(COMPANY_ID, BOOKING)] == ["cancelled"]
    assert run_job(booking.starts_at)["due"] == 0
    assert (result.notifications_sent, OUTBOX.snapshot()["emails"]) == (0, [])


def test_every_mark_logs_an_activity_with_the_bookings_context(workspace):
    bookings = wiring.bookings()
    booking = bookings.get(COMPANY_ID, BOOKING)
    bookings.save(booking.model_copy(update={"contact_id": "contact-1"}))

    late = mark(COMPANY_ID, BOOKING, "late", NOW)
    attended = mark(COMPANY_ID, BOOKING, "attended", NOW + timedelta(minutes=5))

    when = booking.starts_at.astimezone(ZoneInfo("Australia/Sydney"))
    formatted = f"{when:%A}, {when.day} {when:%B %Y} at 2:00 PM"
    assert [(a["id"], a["type"], a["booking_id"], a["contact_id"], a["summary"]) for a in activities()] == [
        (late.activity_id, "late", BOOKING, "contact-1", f"Booker 0 was late for Free Consultation on {formatted}."),
        (attended.activity_id, "attended", BOOKING, "contact-1",
         f"Booker 0 attended Free Consultation on {formatted}."),
    ]


def test_another_companys_booking_is_not_found(workspace):
    with pytest.raises(NotFound):
        mark(COMPANY_ID, OTHER_BOOKING_ID, "attended", NOW)
