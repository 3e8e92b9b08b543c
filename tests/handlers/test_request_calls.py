"""DynamoDB calls of the heaviest write requests (issue 15), counted as `make bench` counts them:
each events/ sample on the demo workspace, on a warm function, every DynamoDB call the handler
makes. Goals: ≤ 5 for a mark, ≤ 8 for a voice cancel or a reschedule (docs/bookings.md, "Calls per
cancel, voice cancel and reschedule", says what each call is). Each test also checks what the
caller sees, so a count cannot go down by skipping work.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.services import reminders
from tests.integration.test_booking_reads import dynamodb_calls
from tools.local_server import LocalContext
from tools.sam_template import handler_module

ROOT = Path(__file__).resolve().parents[2]
DEMO_BOOKING = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c01"
DEMO_COMPANY = "0b6c3f7e-5a1d-4c1e-9d55-6f1c2a7b8e01"


@pytest.fixture
def demo(aws):
    from datetime import UTC, datetime

    from scheduling.seed import apply_seed, load_seed_file

    apply_seed(load_seed_file(ROOT / "tools" / "demo-seed.json", datetime.now(UTC)), wiring.companies(),
               wiring.bookings())
    run("list_bookings")  # warm: the API key is cached, as on a warm function
    OUTBOX.clear()


def run(stem: str) -> dict[str, Any]:
    event = json.loads((ROOT / "events" / f"{stem}.json").read_text())
    return handler_module(stem.split(".")[0]).lambda_handler(event, LocalContext())


def counted(stem: str) -> tuple[dict[str, Any], Counter[str]]:
    with dynamodb_calls() as calls:
        response = run(stem)
    return response, Counter(name for name, _ in calls)


@pytest.mark.parametrize("stem, status, kind", [("mark_late", "late", "late"),
                                                ("mark_no_show", "no_show", "no_show")])
def test_a_late_or_no_show_mark_is_four_calls_and_still_sends_its_notification_once(demo, stem, status, kind):
    response, calls = counted(stem)

    assert response["statusCode"] == 200, response
    # booking, configuration, the transaction, the notification finished with its one message
    assert calls == {"GetItem": 1, "Query": 1, "TransactWriteItems": 1, "UpdateItem": 1}
    assert wiring.bookings().get(DEMO_COMPANY, DEMO_BOOKING).status == status
    assert [e["kind"] for e in OUTBOX.snapshot()["emails"]] == [kind]
    [notification] = [r for r in reminders.reminders_for_booking(DEMO_COMPANY, DEMO_BOOKING) if r["kind"] == kind]
    assert notification["state"] == "sent"
    assert notification["delivered"] == [f"email:{OUTBOX.snapshot()['emails'][0]['to'][0]}"]
    assert "claim_id" not in notification and "DueWorkByTimeSK" not in notification


def test_a_notification_whose_sender_died_after_the_mark_is_sent_by_the_job_once_the_lease_ends(demo):
    from datetime import UTC, datetime

    from scheduling.services import booking_status

    original = reminders.send_claimed
    reminders.send_claimed = lambda *args, **kwargs: reminders.Outcome("busy")  # the process died here
    try:
        booking_status.mark_late(DEMO_COMPANY, DEMO_BOOKING, datetime.now(UTC))
    finally:
        reminders.send_claimed = original
    assert OUTBOX.snapshot()["emails"] == []

    assert reminders.send_due_reminders(datetime.now(UTC))["sent"] == 0  # still leased to the dead run
    summary = reminders.send_due_reminders(datetime.now(UTC) + reminders.LEASE * 2)

    assert (summary["sent"], [e["kind"] for e in OUTBOX.snapshot()["emails"]]) == (1, ["late"])


def test_a_cancel_is_one_batch_read_one_transaction_the_email_and_the_reminder_query(demo):
    response, calls = counted("cancel_booking")

    assert response["statusCode"] == 200, response
    assert calls == {"BatchGetItem": 1, "TransactWriteItems": 1, "UpdateItem": 1, "Query": 1}
    assert wiring.bookings().get(DEMO_COMPANY, DEMO_BOOKING).status == "cancelled"
    assert [e["kind"] for e in OUTBOX.snapshot()["emails"]] == ["cancellation"]


def test_a_voice_cancel_reads_the_company_once_and_makes_at_most_eight_calls(demo):
    response, calls = counted("voice_cancel_booking")

    assert response["statusCode"] == 200 and response["body"].startswith("Cancelled!"), response
    assert sum(calls.values()) <= 8, calls
    assert calls["GetItem"] == 1  # the company (signature check and the caller's country), once
    assert wiring.bookings().get(DEMO_COMPANY, DEMO_BOOKING).status == "cancelled"


def test_a_voice_reschedule_is_the_reschedules_calls_plus_the_voice_tools_four(demo):
    response, calls = counted("voice_reschedule_booking")

    assert response["statusCode"] == 200 and response["body"].startswith("Rescheduled!"), response
    # the reschedule's 8, plus the company, the call record before and after, the caller's bookings
    assert calls == {"GetItem": 1, "PutItem": 1, "Query": 3, "BatchGetItem": 2, "TransactWriteItems": 1,
                     "UpdateItem": 4}
    assert wiring.bookings().get(DEMO_COMPANY, DEMO_BOOKING).status == "cancelled"
    assert [e["kind"] for e in OUTBOX.snapshot()["emails"]] == ["rescheduled"]


@pytest.mark.parametrize("stem", ["reschedule_booking", "reschedule_booking.scheduling"])
def test_a_reschedule_is_eight_calls_with_one_transaction_and_the_booker_hears_once(demo, stem):
    # the /scheduling/* family's ISO `slot` is read in the booking's zone without reading it twice
    old = wiring.bookings().get(DEMO_COMPANY, DEMO_BOOKING)
    assert old.management_token is not None

    response, calls = counted(stem)

    assert response["statusCode"] == 201, response
    # the old booking with its work and notetaker record, the configuration, the ledger days and
    # CRM pointers, the one transaction, the calendar event onto the booking and done, the email
    # done, the old booking's reminders
    assert calls == {"BatchGetItem": 2, "Query": 2, "TransactWriteItems": 1, "UpdateItem": 3}
    previous = wiring.bookings().get(DEMO_COMPANY, DEMO_BOOKING)
    assert (previous.status, previous.management_token) == ("cancelled", None)
    stored = wiring.table().get_item(Key={"PK": f"COMPANY#{DEMO_COMPANY}", "SK": f"BOOKING#{DEMO_BOOKING}"})["Item"]
    assert "BookingByTokenPK" not in stored  # the manage page no longer finds the old link
    new = wiring.bookings().get(DEMO_COMPANY, json.loads(response["body"])["data"]["booking"]["id"])
    assert new.status == "confirmed" and new.management_token not in (None, old.management_token)
    assert new.calendar_event_ids  # the calendar work was done, not skipped
    [email] = OUTBOX.snapshot()["emails"]
    assert email["kind"] == "rescheduled" and new.management_token in email["body"]


def test_a_returning_bookers_reschedule_stays_on_their_contact_without_reading_it(demo):
    moved = run("reschedule_booking")  # the seeded booking has no contact: this one made it
    booking_id = json.loads(moved["body"])["data"]["booking"]["id"]
    first = wiring.bookings().get(DEMO_COMPANY, booking_id)
    assert first.contact_id is not None
    event = json.loads((ROOT / "events" / "reschedule_booking.json").read_text())
    event["pathParameters"]["id"] = booking_id
    event["path"] = event["path"].replace(DEMO_BOOKING, booking_id)
    event["requestContext"]["path"] = event["requestContext"]["path"].replace(DEMO_BOOKING, booking_id)
    event["body"] = json.dumps({**json.loads(event["body"]), "time": "11:00"})

    with dynamodb_calls() as calls:
        response = handler_module("reschedule_booking").lambda_handler(event, LocalContext())

    assert response["statusCode"] == 201, response
    # The same 8 (no GetItem of the contact), plus work this booking has and the seeded one had not:
    # its calendar event deleted (marked done) and its pending reminder cancelled.
    pending = [r for r in reminders.reminders_for_booking(DEMO_COMPANY, booking_id) if r["state"] == "cancelled"]
    assert " ".join(n for n, _ in calls) == ("BatchGetItem Query BatchGetItem TransactWriteItems "
                                             "UpdateItem UpdateItem UpdateItem UpdateItem Query UpdateItem")
    assert len(pending) == 1
    assert [c["action"] for c in OUTBOX.for_booking(booking_id)["calendar"]] == ["insert", "delete"]
    again = wiring.bookings().get(DEMO_COMPANY, json.loads(response["body"])["data"]["booking"]["id"])
    assert (again.contact_id, again.deal_id) == (first.contact_id, first.deal_id)
