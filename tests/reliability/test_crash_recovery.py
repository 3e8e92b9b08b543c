"""A process killed between steps, and providers down for a while: nothing confirmed is lost.

"Killed" is a BaseException raised at the chosen point: like a Lambda timeout or an out-of-memory
kill, no `except Exception` on the way sees it, and nothing after that point runs. The retry job
(job_retry_side_effects) and the reminders job are then run as EventBridge would, at chosen times.
Workspace: tests/support/seeds.py (Free Consultation with Jane, Sydney weekdays 9-17).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.domain.models import Booking, BookingNotifications
from scheduling.services import booking_cancel, booking_create, side_effects
from scheduling.services.booking_cancel import cancel_booking
from scheduling.services.booking_create import create_booking
from tests.integration.test_booking_create import WEDNESDAY, request
from tests.reliability.http import api_event, invoke, scheduled
from tests.support.seeds import COMPANY_ID, CONSULT_ID, RW_KEY


class Killed(BaseException):
    """The process died here (timeout, OOM, instance gone)."""


def die(*_args, **_kwargs):
    raise Killed


def retry_job(at: datetime) -> dict:
    return invoke("job_retry_side_effects", scheduled(at.isoformat()))


def reminders_job(at: datetime) -> dict:
    return invoke("job_send_reminders", scheduled(at.isoformat()))


def the_booking_of(email: str):
    page = wiring.bookings().list_page(COMPANY_ID, starts_from=None, starts_before=None, status=None,
                                       event_type_id=None, limit=100, cursor=None)
    [booking] = [b for b in page.bookings if b.booker_email == email]
    return booking


def created_by_a_dying_process(monkeypatch) -> tuple[Booking, datetime]:
    """Sarah's booking, made by a request killed where the test patched (the patch then undone),
    as the table holds it, and the request's `now`."""
    now = datetime.now(UTC)
    with pytest.raises(Killed):
        create_booking(COMPANY_ID, request(), now)
    monkeypatch.undo()
    return the_booking_of("sarah@example.com"), now


def with_a_reminder_an_hour_before(channels: tuple[str, ...] = ("email",)) -> None:
    companies = wiring.companies()
    event_type = companies.get_event_type(COMPANY_ID, CONSULT_ID)
    rule = {"offset_minutes": 60, "channels": list(channels), "recipients": "booker",
            "email_subject": "Soon: {event_type}", "email_body": "Hi {booker_name}, see you at {time}.",
            "sms_body": "See you at {time}."}
    companies.put_event_type(event_type.model_copy(
        update={"booking_notifications": BookingNotifications.model_validate({"pre_meeting": [rule]})}))


def test_a_booking_whose_process_died_right_after_the_commit_gets_its_event_and_email_from_the_retry_job(
        workspace, monkeypatch):
    with_a_reminder_an_hour_before()
    monkeypatch.setattr(booking_create, "perform_all", die)  # killed before any side effect
    now = datetime.now(UTC)
    with pytest.raises(Killed):
        create_booking(COMPANY_ID, request(phone="+61412000111"), now)
    monkeypatch.undo()

    # The booking and its recorded work committed together; nothing was sent yet.
    booking = the_booking_of("sarah@example.com")
    assert booking.status == "confirmed"
    assert OUTBOX.for_booking(booking.id) == {"emails": [], "sms": [], "calendar": [], "notetaker": []}
    # The job leaves the work alone while the request could still be running (its 2-minute lease) …
    assert retry_job(now + timedelta(seconds=30))["due"] == 0
    # … then does each piece once.
    assert retry_job(now + timedelta(minutes=3))["done"] == 2
    assert retry_job(now + timedelta(minutes=10))["due"] == 0
    sent = OUTBOX.for_booking(booking.id)
    assert [c["action"] for c in sent["calendar"]] == ["insert"]
    [confirmation] = sent["emails"]
    assert confirmation["kind"] == "confirmation" and sent["calendar"][0]["meet_link"] in confirmation["body"]
    # The reminder committed in the same transaction, so it is not lost either.
    reminders_job(booking.starts_at - timedelta(minutes=60))
    assert [e["kind"] for e in OUTBOX.for_booking(booking.id)["emails"]] == ["confirmation", "pre_meeting"]


def dying_when_marking_done(monkeypatch, kind: str) -> None:
    """The process dies as it is about to mark `kind` done: the provider was called (and, for a
    calendar insert, its event was already written onto the booking)."""
    repository = side_effects.side_effect_repository()
    real_complete = repository.complete

    def complete(effect, result, now):
        if effect.kind == kind:
            raise Killed
        return real_complete(effect, result, now)

    monkeypatch.setattr(repository, "complete", complete)


def test_a_process_killed_between_writing_the_event_onto_the_booking_and_marking_the_insert_done_is_finished_once(
        workspace, monkeypatch):
    dying_when_marking_done(monkeypatch, "calendar_insert")
    booking, now = created_by_a_dying_process(monkeypatch)
    [event] = OUTBOX.for_booking(booking.id)["calendar"]
    assert booking.google_meet_link == event["meet_link"] is not None  # written before the crash
    assert OUTBOX.for_booking(booking.id)["emails"] == []  # the process died before the email

    # The insert stayed pending: after the request's lease the job repeats it (the calendar answers
    # with the booking's existing event, as Google's 409 read back by GoogleCalendar does) and
    # marks it done, then sends the confirmation with the link.
    assert retry_job(now + timedelta(seconds=30))["due"] == 0
    assert retry_job(now + timedelta(minutes=3))["done"] == 2
    assert retry_job(now + timedelta(minutes=10))["due"] == 0
    sent = OUTBOX.for_booking(booking.id)
    assert [c["action"] for c in sent["calendar"]] == ["insert"]  # one event, one invitation
    [confirmation] = sent["emails"]
    assert event["meet_link"] in confirmation["body"]
    assert wiring.bookings().get(COMPANY_ID, booking.id).google_meet_link == event["meet_link"]
    insert = side_effects.side_effect_repository().get(COMPANY_ID, booking.id, "calendar_insert")
    assert (insert.status, insert.result["event_id"]) == ("done", event["event_id"])


def test_a_process_killed_after_sending_the_confirmation_but_before_marking_it_done_sends_it_twice(
        workspace, monkeypatch):
    dying_when_marking_done(monkeypatch, "confirmation_email")
    booking, now = created_by_a_dying_process(monkeypatch)

    assert retry_job(now + timedelta(minutes=3))["done"] == 1

    sent = OUTBOX.for_booking(booking.id)
    assert len(sent["calendar"]) == 1
    # Email has no idempotency key at SES: this crash window is at-least-once (docs/reliability.md).
    assert [e["kind"] for e in sent["emails"]] == ["confirmation", "confirmation"]


def test_a_cancel_after_a_process_died_between_the_bookings_event_and_the_done_mark_deletes_that_event(
        workspace, monkeypatch):
    dying_when_marking_done(monkeypatch, "calendar_insert")
    booking, now = created_by_a_dying_process(monkeypatch)

    # The booker cancels before the job got to the half-finished insert.
    cancelled = cancel_booking(COMPANY_ID, booking.id, None, now + timedelta(seconds=30)).booking

    # The cancel saw the event on the booking: it deleted it, although the insert never said "done".
    sent = OUTBOX.for_booking(booking.id)
    assert [c["action"] for c in sent["calendar"]] == ["insert", "delete"]
    assert cancelled.google_meet_link is None
    stored = wiring.bookings().get(COMPANY_ID, booking.id)
    assert (stored.status, stored.google_meet_link, stored.calendar_event_ids) == ("cancelled", None, {})
    assert retry_job(now + timedelta(hours=1))["due"] == 0
    assert [c["action"] for c in OUTBOX.for_booking(booking.id)["calendar"]] == ["insert", "delete"]
    assert [e["kind"] for e in OUTBOX.for_booking(booking.id)["emails"]] == ["cancellation"]


def test_a_cancel_after_a_process_died_before_writing_its_event_onto_the_booking_still_deletes_that_event(
        workspace, monkeypatch):
    # Google made the event, then the process died before the booking heard of it.
    monkeypatch.setattr(side_effects.side_effect_repository(), "attach_event", die)
    booking, now = created_by_a_dying_process(monkeypatch)
    assert booking.calendar_event_ids == {}
    assert [c["action"] for c in OUTBOX.for_booking(booking.id)["calendar"]] == ["insert"]

    cancel_booking(COMPANY_ID, booking.id, None, now + timedelta(seconds=30))
    retry_job(now + timedelta(minutes=5))

    # The cancel deleted the booking's own event id: no event outlives the booking.
    assert [c["action"] for c in OUTBOX.for_booking(booking.id)["calendar"]] == ["insert", "delete"]
    assert retry_job(now + timedelta(hours=1))["due"] == 0


def test_cancelling_a_booking_whose_event_was_never_made_deletes_nothing(workspace):
    OUTBOX.fail_next("calendar.insert", None)
    now = datetime.now(UTC)
    booking = create_booking(COMPANY_ID, request(), now).booking
    cancel_booking(COMPANY_ID, booking.id, None, now + timedelta(seconds=30))
    summary = retry_job(now + timedelta(minutes=5))

    # The delete of the never-made event counted as done (Google: 404), and nothing reached the calendar.
    assert summary["failed"] == 0 and retry_job(now + timedelta(hours=1))["due"] == 0
    assert OUTBOX.for_booking(booking.id)["calendar"] == []


def test_a_cancel_whose_process_died_after_its_commit_gets_its_email_and_event_deletion_from_the_job(
        workspace, monkeypatch):
    with_a_reminder_an_hour_before()
    now = datetime.now(UTC)
    booking = create_booking(COMPANY_ID, request(), now).booking
    monkeypatch.setattr(booking_cancel, "perform_all", die)
    with pytest.raises(Killed):
        cancel_booking(COMPANY_ID, booking.id, "Feeling better", now + timedelta(minutes=5))
    monkeypatch.undo()

    assert wiring.bookings().get(COMPANY_ID, booking.id).status == "cancelled"
    assert retry_job(now + timedelta(minutes=8))["done"] == 2
    sent = OUTBOX.for_booking(booking.id)
    assert [c["action"] for c in sent["calendar"]] == ["insert", "delete"]
    assert [e["kind"] for e in sent["emails"]] == ["confirmation", "cancellation"]
    # Its reminder was never cancelled (the process died first), yet the booker is not reminded.
    reminders_job(booking.starts_at - timedelta(minutes=60))
    assert [e["kind"] for e in OUTBOX.for_booking(booking.id)["emails"]] == ["confirmation", "cancellation"]


def test_with_calendar_inserts_and_email_both_down_a_booking_is_still_confirmed_and_finished_once_they_recover(
        workspace):
    OUTBOX.fail_next("calendar.insert", None)  # (free/busy reads fail closed: docs/availability.md)
    OUTBOX.fail_next("email", None)
    body = {"event_type_id": CONSULT_ID, "date": WEDNESDAY.isoformat(), "time": "11:00",
            "timezone": "Australia/Sydney", "fullName": "Ines Ward", "email": "ines@example.com"}
    now = datetime.now(UTC)

    result = invoke("create_booking", api_event("POST", "/v1/scheduling-bookings", "/v1/scheduling-bookings",
                                                key=RW_KEY, body=body))

    assert result["statusCode"] == 201
    created = json.loads(result["body"])["data"]["booking"]
    assert created["status"] == "confirmed" and created["google_meet_link"] is None
    assert retry_job(now + timedelta(minutes=3))["retrying"] == 2  # still down: backing off
    OUTBOX.stop_failing()
    assert retry_job(now + timedelta(minutes=6))["done"] == 2
    sent = OUTBOX.for_booking(created["id"])
    assert (len(sent["calendar"]), [e["kind"] for e in sent["emails"]]) == (1, ["confirmation"])
    assert wiring.bookings().get(COMPANY_ID, created["id"]).google_meet_link == sent["calendar"][0]["meet_link"]


def test_a_reminder_outlives_an_ses_and_sns_outage_and_is_delivered_once_when_they_recover(workspace):
    with_a_reminder_an_hour_before(("email", "sms"))
    booking = create_booking(COMPANY_ID, request(phone="+61412000111"), datetime.now(UTC)).booking
    due = booking.starts_at - timedelta(minutes=60)
    OUTBOX.fail_next("email", None)
    OUTBOX.fail_next("sms", None)

    runs = [reminders_job(due + timedelta(minutes=m)) for m in (0, 1, 2, 3, 5, 7)]

    # Tried at 0, 1, 3 and 7 minutes (backing off 1, 2, 4, then 8 minutes), never dropped.
    assert [r["retry_later"] for r in runs] == [1, 1, 0, 1, 0, 1]
    OUTBOX.stop_failing()
    assert reminders_job(due + timedelta(minutes=14))["due"] == 0
    assert reminders_job(due + timedelta(minutes=15))["sent"] == 1
    assert reminders_job(due + timedelta(minutes=30))["due"] == 0
    sent = OUTBOX.for_booking(booking.id)
    assert [e["kind"] for e in sent["emails"]] == ["confirmation", "pre_meeting"]
    assert [s["to"] for s in sent["sms"]] == ["+61412000111"]


def test_a_cancel_killed_before_its_notetaker_hook_still_has_the_bot_removed_by_the_jobs(workspace, monkeypatch):
    from scheduling.services.notetaker import schedule_notetaker

    now = datetime.now(UTC)
    booking = create_booking(COMPANY_ID, request(), now).booking
    schedule_notetaker(COMPANY_ID, booking.id, now)
    monkeypatch.setattr(booking_cancel, "perform_all", die)
    with pytest.raises(Killed):
        cancel_booking(COMPANY_ID, booking.id, None, now + timedelta(minutes=5))
    monkeypatch.undo()

    for minutes in (8, 15, 60):
        retry_job(now + timedelta(minutes=minutes))
        invoke("job_bill_notetaker", scheduled((now + timedelta(minutes=minutes)).isoformat()))

    assert [n["action"] for n in OUTBOX.for_booking(booking.id)["notetaker"]] == ["create", "delete"]
