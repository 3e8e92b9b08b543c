"""When Google Calendar or SES fail: the booking stands, and the retry job finishes the work once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.services import side_effects
from scheduling.services.booking_cancel import cancel_booking
from scheduling.services.booking_create import create_booking
from scheduling.services.webhooks import on_delivery_thread
from tests.integration.test_booking_create import request
from tests.support.seeds import COMPANY_ID


def run_job(at: datetime) -> dict[str, int]:
    from scheduling.jobs.retry_side_effects import run

    return run({"time": at.astimezone(UTC).isoformat().replace("+00:00", "Z")})


def outbox_for(booking_id: str) -> dict[str, list[dict[str, Any]]]:
    return OUTBOX.for_booking(booking_id)


def test_a_calendar_outage_keeps_the_booking_and_the_job_later_creates_the_event_once(workspace) -> None:
    # Given Google Calendar answers 503 to the insert
    OUTBOX.fail_next("calendar.insert")
    now = datetime.now(UTC)
    created = create_booking(COMPANY_ID, request(), now)

    # Then the booking is confirmed, honestly without a Meet link, and the email still goes out
    assert created.booking.status == "confirmed" and created.booking.google_meet_link is None
    assert outbox_for(created.booking.id)["calendar"] == []
    [email] = outbox_for(created.booking.id)["emails"]
    assert "video link will follow" in email["body"]
    # The job does nothing before the retry is due …
    assert run_job(now + timedelta(seconds=30))["due"] == 0
    # … then creates the event once, and the booking gets its Meet link.
    summary = run_job(now + timedelta(minutes=3))
    assert (summary["claimed"], summary["done"]) == (1, 1)
    stored = wiring.bookings().get(COMPANY_ID, created.booking.id)
    [event] = outbox_for(created.booking.id)["calendar"]
    assert stored.google_meet_link == event["meet_link"] is not None
    assert run_job(now + timedelta(hours=2)) == {"due": 0, "claimed": 0, "skipped": 0, "done": 0, "retrying": 0,
                                                   "failed": 0, "lost": 0}
    assert len(outbox_for(created.booking.id)["calendar"]) == 1
    assert len(outbox_for(created.booking.id)["emails"]) == 1


def test_an_ses_error_is_retried_with_backoff_until_the_confirmation_is_sent_once(workspace) -> None:
    OUTBOX.fail_next("email.send", times=2)  # the request's try and the job's first retry
    now = datetime.now(UTC)
    created = create_booking(COMPANY_ID, request(), now)
    assert created.booking.status == "confirmed" and created.booking.google_meet_link is not None
    assert outbox_for(created.booking.id)["emails"] == []

    first = run_job(now + timedelta(minutes=3))
    assert (first["claimed"], first["retrying"]) == (1, 1)
    assert run_job(now + timedelta(minutes=3, seconds=30))["due"] == 0  # backing off
    second = run_job(now + timedelta(minutes=10))
    assert second["done"] == 1
    run_job(now + timedelta(minutes=30))
    [email] = outbox_for(created.booking.id)["emails"]
    assert email["kind"] == "confirmation" and created.booking.google_meet_link in email["body"]


def test_two_overlapping_job_runs_do_each_piece_of_work_once(workspace) -> None:
    OUTBOX.fail_next("email.send")
    OUTBOX.fail_next("calendar.insert")
    now = datetime.now(UTC)
    created = create_booking(COMPANY_ID, request(), now)
    later = now + timedelta(minutes=3)
    # Given a second run read the same due items before the first run claimed them
    seen_by_second_run = side_effects.side_effect_repository().due(later)
    assert len(seen_by_second_run) == 2
    assert run_job(later)["done"] == 2
    # When the second run tries to claim what it read, it gets nothing
    assert [side_effects.side_effect_repository().claim(e, later + timedelta(minutes=2), later)
            for e in seen_by_second_run] == [None, None]
    assert len(outbox_for(created.booking.id)["calendar"]) == 1
    assert len(outbox_for(created.booking.id)["emails"]) == 1


def test_cancelling_before_the_event_was_created_leaves_no_event_behind(workspace) -> None:
    OUTBOX.fail_next("calendar.insert")
    now = datetime.now(UTC)
    created = create_booking(COMPANY_ID, request(), now)
    cancel_booking(COMPANY_ID, created.booking.id, "Changed my mind", now + timedelta(seconds=10))

    summary = run_job(now + timedelta(minutes=5))
    assert summary["due"] == 0
    assert outbox_for(created.booking.id)["calendar"] == []
    assert [e["kind"] for e in outbox_for(created.booking.id)["emails"]] == ["confirmation", "cancellation"]


def test_a_cancel_landing_while_the_job_creates_the_event_deletes_that_event(workspace, monkeypatch) -> None:
    # Given the insert failed at booking time and the job is now making the event …
    OUTBOX.fail_next("calendar.insert")
    now = datetime.now(UTC)
    created = create_booking(COMPANY_ID, request(), now)
    calendar = wiring.calendar()
    real_insert = calendar.insert_event

    def insert_while_cancelled(req: Any) -> Any:
        made = real_insert(req)
        cancel_booking(COMPANY_ID, created.booking.id, None, now + timedelta(minutes=3))  # … when a cancel lands
        return made

    monkeypatch.setattr(calendar, "insert_event", insert_while_cancelled)
    summary = run_job(now + timedelta(minutes=3))

    # Then the job notices it lost, and deletes the event it made: no orphan on the calendar
    assert summary["lost"] == 1
    assert [e["action"] for e in outbox_for(created.booking.id)["calendar"]] == ["insert", "delete"]
    assert wiring.bookings().get(COMPANY_ID, created.booking.id).status == "cancelled"


def test_a_provider_refusal_that_cannot_succeed_is_not_retried_forever(workspace, monkeypatch) -> None:
    from scheduling.adapters.email import EmailUnavailable

    def rejected(*args: Any, **kwargs: Any) -> str:
        raise EmailUnavailable("SES did not accept the confirmation email (MessageRejected).", retryable=False)

    monkeypatch.setattr(wiring.email(), "send", rejected)
    now = datetime.now(UTC)
    created = create_booking(COMPANY_ID, request(), now)
    assert created.side_effects.failed == [f"{created.booking.id}:confirmation_email"]
    assert run_job(now + timedelta(hours=1))["due"] == 0
    stored = side_effects.side_effect_repository().get(COMPANY_ID, created.booking.id, "confirmation_email")
    assert stored.status == "failed" and "MessageRejected" in stored.last_error


def test_a_cancel_landing_while_the_booking_request_creates_the_event_leaves_no_event_behind(
    workspace, monkeypatch
) -> None:
    # Given a cancel (e.g. from the booker's management page) lands while create is still calling Google
    calendar = wiring.calendar()
    real_insert = calendar.insert_event
    now = datetime.now(UTC)

    def insert_then_cancelled(req: Any) -> Any:
        made = real_insert(req)
        cancel_booking(COMPANY_ID, req.booking_id, None, now)
        return made

    monkeypatch.setattr(calendar, "insert_event", insert_then_cancelled)
    created = create_booking(COMPANY_ID, request(), now)

    # Then the booking reads cancelled (without the link of the deleted event), its event is
    # deleted again and nothing is left for the job
    assert created.booking.google_meet_link is None
    stored = wiring.bookings().get(COMPANY_ID, created.booking.id)
    assert (stored.status, stored.google_meet_link, stored.calendar_event_ids) == ("cancelled", None, {})
    assert [e["action"] for e in outbox_for(created.booking.id)["calendar"]] == ["insert", "delete"]
    # … and the booker, told of the cancellation, is not sent a confirmation after it
    assert [e["kind"] for e in outbox_for(created.booking.id)["emails"]] == ["cancellation"]
    assert run_job(now + timedelta(hours=1))["due"] == 0


def test_a_cancel_landing_before_the_in_flight_insert_made_its_event_still_gets_that_event_deleted(
    workspace, monkeypatch
) -> None:
    # Given a cancel lands while create is calling Google, before the event exists, and Google
    # then refuses the request's own clean-up delete
    calendar = wiring.calendar()
    real_insert = calendar.insert_event
    now = datetime.now(UTC)

    def cancelled_then_inserted(req: Any) -> Any:
        cancel_booking(COMPANY_ID, req.booking_id, None, now)
        OUTBOX.fail_next("calendar.delete")
        return real_insert(req)

    monkeypatch.setattr(calendar, "insert_event", cancelled_then_inserted)
    created = create_booking(COMPANY_ID, request(), now)
    monkeypatch.undo()
    assert [e["action"] for e in outbox_for(created.booking.id)["calendar"]] == ["insert"]

    # Then the job deletes the event once the insert's lease is over: none outlives the booking
    run_job(now + timedelta(minutes=3))
    assert run_job(now + timedelta(hours=2))["due"] == 0
    assert [e["action"] for e in outbox_for(created.booking.id)["calendar"]] == ["insert", "delete"]


def test_a_cancel_landing_after_the_event_reached_the_booking_but_before_the_insert_was_done_leaves_no_link_or_event(
    workspace, monkeypatch
) -> None:
    # Given the request made the event and wrote it onto the booking, and a cancel lands just
    # before the request marks the insert done
    repository = side_effects.side_effect_repository()
    real_complete = repository.complete
    now = datetime.now(UTC)
    shown_to_the_cancel: list[str | None] = []

    def cancelled_before_done(effect: Any, result: Any, at: datetime) -> None:
        if effect.kind == "calendar_insert":
            shown_to_the_cancel.append(wiring.bookings().get(COMPANY_ID, effect.booking_id).google_meet_link)
            cancel_booking(COMPANY_ID, effect.booking_id, None, now)
        real_complete(effect, result, at)

    monkeypatch.setattr(repository, "complete", cancelled_before_done)
    created = create_booking(COMPANY_ID, request(), now)
    monkeypatch.undo()

    # Then the request lost the insert, the event is deleted, and neither the answer nor the
    # stored booking claims a Meet link (GET shows what the repository holds)
    assert shown_to_the_cancel[0] is not None  # the cancel did see the live link on the booking
    assert created.side_effects.lost == [f"{created.booking.id}:calendar_insert"]
    assert created.booking.google_meet_link is None
    stored = wiring.bookings().get(COMPANY_ID, created.booking.id)
    assert (stored.status, stored.google_meet_link, stored.calendar_event_ids) == ("cancelled", None, {})
    assert [e["action"] for e in outbox_for(created.booking.id)["calendar"]] == ["insert", "delete"]
    assert [e["kind"] for e in outbox_for(created.booking.id)["emails"]] == ["cancellation"]
    assert run_job(now + timedelta(hours=1))["due"] == 0
    assert [e["action"] for e in outbox_for(created.booking.id)["calendar"]] == ["insert", "delete"]


@pytest.fixture
def dynamodb_writes(workspace) -> Iterator[Counter[str]]:
    """The write operations the table's client sends during the test, by name (a botocore hook)."""
    writes: Counter[str] = Counter()
    events = wiring.table().meta.client.meta.events

    def seen(model: Any, **_: Any) -> None:
        if on_delivery_thread():  # webhook fan-out runs beside the request (docs/webhooks.md)
            return
        if model.name in ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"):
            writes[model.name] += 1

    events.register("before-call.dynamodb", seen, unique_id="test-dynamodb-writes")
    yield writes
    events.unregister("before-call.dynamodb", unique_id="test-dynamodb-writes")


def test_a_create_and_a_cancel_each_make_exactly_one_transaction(dynamodb_writes) -> None:
    now = datetime.now(UTC)
    created = create_booking(COMPANY_ID, request(), now)

    # The booking's own commit, then single-item writes: the event onto the booking, and a
    # "done" mark each for the calendar insert and the confirmation email.
    assert created.side_effects.done == [f"{created.booking.id}:calendar_insert",
                                         f"{created.booking.id}:confirmation_email"]
    assert dynamodb_writes == Counter({"TransactWriteItems": 1, "UpdateItem": 3})

    dynamodb_writes.clear()
    cancel_booking(COMPANY_ID, created.booking.id, None, now + timedelta(minutes=5))

    # The cancel's commit, then "done" for the event's deletion and the cancellation email.
    assert dynamodb_writes == Counter({"TransactWriteItems": 1, "UpdateItem": 2})
    assert [e["action"] for e in outbox_for(created.booking.id)["calendar"]] == ["insert", "delete"]
