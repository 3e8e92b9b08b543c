"""Billing after the meeting through the `job_bill_notetaker` entry point, and the booking hooks.

Given booking 0 of the standard workspace (next Monday 2:00–2:30 PM Sydney) with a Meet link and a
notetaker attached, the job is invoked as EventBridge would at chosen instants; the local provider
reports a finished recording as long as the meeting unless told otherwise (`set_status`).
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scheduling import wiring
from scheduling.adapters.notetaker import BotStatus
from scheduling.adapters.outbox import OUTBOX
from scheduling.services.notetaker import (
    credits,
    notetaker_records,
    on_booking_cancelled,
    on_booking_rescheduled,
    schedule_notetaker,
)
from tests.support.seeds import COMPANY_ID, booking_id
from tools.sam_template import handler_module

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_EVENT = json.loads((ROOT / "events" / "job_bill_notetaker.json").read_text())
MEET = "https://meet.google.com/abc-defg-hij"
BOOKING = booking_id(0)
START_BALANCE = 50000


def run_job(at: datetime) -> dict:
    event = {**SAMPLE_EVENT, "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    return handler_module("job_bill_notetaker").lambda_handler(event, None)


def with_meet_link(bid: str = BOOKING, **changes):
    booking = wiring.bookings().get(COMPANY_ID, bid)
    booking = booking.model_copy(update={"google_meet_link": MEET, **changes})
    wiring.bookings().save(booking)
    return booking


def attach(bid: str = BOOKING):
    booking = with_meet_link(bid)
    result = schedule_notetaker(COMPANY_ID, bid, booking.starts_at - timedelta(days=1))
    return booking, result.bot_id


def recorded(bot_id: str, seconds: int | None, *, done: bool = True, transcript: str | None = None) -> None:
    wiring.notetaker().set_status(bot_id, BotStatus("done" if done else "in_call_recording", seconds,
                                                     transcript, done))


def set_balance(value: int) -> None:
    company = wiring.companies().get(COMPANY_ID)
    wiring.companies().put(company.model_copy(update={"credits": value}))


def ledger() -> list[dict]:
    return credits().entries(COMPANY_ID)


# billing ------------------------------------------------------------------------------------------
def test_a_finished_recording_is_billed_23_credits_per_minute_rounded_up_exactly_once(workspace):
    booking, bot_id = attach()
    recorded(bot_id, 29 * 60 + 1)  # 29 min 1 s → 30 minutes → 690 credits
    after = booking.ends_at + timedelta(minutes=11)

    first = run_job(after)
    second = run_job(after + timedelta(minutes=5))
    third = run_job(after + timedelta(days=1))

    assert (first["billed"], first["credits_billed"]) == (1, 690)
    assert second["due"] == third["due"] == 0
    assert credits().balance(COMPANY_ID) == START_BALANCE - 690
    entries = ledger()
    assert len(entries) == 1
    assert {k: entries[0][k] for k in ("amount", "reason", "booking_id", "bot_id", "recorded_minutes",
                                       "balance_after", "shortfall")} == {
        "amount": -690, "reason": "notetaker_usage", "booking_id": BOOKING, "bot_id": bot_id,
        "recorded_minutes": 30, "balance_after": START_BALANCE - 690, "shortfall": 0}


def test_nothing_is_billed_until_ten_minutes_after_the_meeting_ends(workspace):
    booking, bot_id = attach()
    assert run_job(booking.ends_at + timedelta(minutes=9))["due"] == 0
    assert credits().balance(COMPANY_ID) == START_BALANCE
    assert run_job(booking.ends_at + timedelta(minutes=10))["billed"] == 1


def test_a_bot_still_recording_is_looked_at_again_later_and_billed_when_done(workspace):
    booking, bot_id = attach()
    recorded(bot_id, None, done=False)
    at = booking.ends_at + timedelta(minutes=10)
    assert run_job(at)["not_finished"] == 1
    recorded(bot_id, 45 * 60)
    assert run_job(at + timedelta(minutes=5))["due"] == 0
    assert run_job(at + timedelta(minutes=10))["credits_billed"] == 23 * 45


def test_a_provider_outage_leaves_the_bill_for_a_later_run_with_back_off(workspace):
    booking, bot_id = attach()
    at = booking.ends_at + timedelta(minutes=10)
    OUTBOX.fail_next("notetaker.get", 2)

    assert run_job(at)["retry_later"] == 1
    assert run_job(at + timedelta(minutes=4))["due"] == 0  # first retry after 5 minutes
    assert run_job(at + timedelta(minutes=5))["retry_later"] == 1
    assert run_job(at + timedelta(minutes=14))["due"] == 0  # then after 10
    assert credits().balance(COMPANY_ID) == START_BALANCE
    assert run_job(at + timedelta(minutes=15))["billed"] == 1
    assert credits().balance(COMPANY_ID) == START_BALANCE - 690


def test_a_short_balance_is_charged_to_zero_and_the_shortfall_recorded_as_insufficient_balance(workspace):
    booking, bot_id = attach()
    set_balance(100)

    summary = run_job(booking.ends_at + timedelta(minutes=10))

    assert (summary["insufficient_balance"], summary["credits_billed"]) == (1, 100)
    assert credits().balance(COMPANY_ID) == 0
    [entry] = ledger()
    assert (entry["amount"], entry["credits_due"], entry["shortfall"], entry["reason"], entry["balance_after"]) == (
        -100, 690, 590, "insufficient_balance", 0)


def test_an_empty_balance_never_goes_negative(workspace):
    booking, _ = attach()
    set_balance(0)
    run_job(booking.ends_at + timedelta(minutes=10))
    assert credits().balance(COMPANY_ID) == 0
    assert [(e["amount"], e["reason"], e["shortfall"]) for e in ledger()] == [(0, "insufficient_balance", 690)]


def test_two_overlapping_job_runs_bill_a_bot_once(workspace):
    booking, _ = attach()
    at = booking.ends_at + timedelta(minutes=10)
    barrier = threading.Barrier(2)
    summaries = []

    def run():
        barrier.wait()
        summaries.append(run_job(at))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sum(s["billed"] for s in summaries) == 1
    assert credits().balance(COMPANY_ID) == START_BALANCE - 690
    assert len(ledger()) == 1


def test_a_bot_that_recorded_nothing_costs_nothing(workspace):
    booking, bot_id = attach()
    wiring.notetaker().set_status(bot_id, BotStatus("fatal", None, None, True))
    assert run_job(booking.ends_at + timedelta(minutes=10))["no_recording"] == 1
    assert credits().balance(COMPANY_ID) == START_BALANCE
    assert ledger() == []


def test_the_transcript_link_is_recorded_on_the_bookings_opportunity_and_the_booking(workspace):
    booking, bot_id = attach()
    deal_id = "5c7a1e2d-0000-4000-8000-000000000001"
    wiring.table().put_item(Item={"PK": f"COMPANY#{COMPANY_ID}", "SK": f"OPPORTUNITY#{deal_id}", "id": deal_id,
                                  "company_id": COMPANY_ID, "name": "Free Consultation - Booker 0"})
    with_meet_link(deal_id=deal_id)
    url = "https://provider.example/transcripts/1.json"
    recorded(bot_id, 600, transcript=url)

    run_job(booking.ends_at + timedelta(minutes=10))

    opportunity = wiring.table().get_item(Key={"PK": f"COMPANY#{COMPANY_ID}", "SK": f"OPPORTUNITY#{deal_id}"})["Item"]
    assert (opportunity["transcript_url"], opportunity["transcript_booking_id"]) == (url, BOOKING)
    assert wiring.bookings().get(COMPANY_ID, BOOKING).extra["notetaker_transcript_url"] == url


# hooks --------------------------------------------------------------------------------------------
def test_cancelling_before_the_meeting_deletes_the_bot_and_nothing_is_ever_billed(workspace):
    booking, bot_id = attach()
    cancelled = booking.model_copy(update={"status": "cancelled"})

    assert on_booking_cancelled(cancelled, now=booking.starts_at - timedelta(hours=2)) == "removed"

    assert [(e["action"], e["bot_id"]) for e in OUTBOX.snapshot()["notetaker"]] == [("create", bot_id),
                                                                                     ("delete", bot_id)]
    assert run_job(booking.ends_at + timedelta(hours=1))["due"] == 0
    assert credits().balance(COMPANY_ID) == START_BALANCE


def test_a_bot_the_provider_failed_to_delete_is_deleted_by_a_later_job_run(workspace):
    booking, bot_id = attach()
    now = booking.starts_at - timedelta(hours=2)
    OUTBOX.fail_next("notetaker.delete")

    assert on_booking_cancelled(booking.model_copy(update={"status": "cancelled"}), now=now) == "delete_pending"
    assert [e["action"] for e in OUTBOX.snapshot()["notetaker"]] == ["create"]

    assert run_job(now + timedelta(minutes=5))["bots_deleted"] == 1
    assert [e["action"] for e in OUTBOX.snapshot()["notetaker"]] == ["create", "delete"]
    assert run_job(booking.ends_at + timedelta(hours=1))["due"] == 0


def test_cancelling_through_the_cancel_service_removes_the_bot(workspace):
    from scheduling.services.booking_cancel import cancel_booking

    booking, bot_id = attach()
    cancel_booking(COMPANY_ID, BOOKING, "changed plans", booking.starts_at - timedelta(hours=3))
    assert ("delete", bot_id) in [(e["action"], e["bot_id"]) for e in OUTBOX.snapshot()["notetaker"]]


def test_rescheduling_moves_the_bot_to_the_new_time_and_bills_it_there(workspace):
    old, old_bot = attach()
    new = with_meet_link(booking_id(1))  # the seeded Tuesday booking stands in for the new one
    now = old.starts_at - timedelta(days=1)

    assert on_booking_rescheduled(old.model_copy(update={"status": "cancelled"}), new, now=now) == "moved"

    new_bot = wiring.bookings().get(COMPANY_ID, new.id).notetaker_bot_id
    entries = [(e["action"], e["bot_id"], e["booking_id"]) for e in OUTBOX.snapshot()["notetaker"]]
    assert entries == [("create", old_bot, old.id), ("create", new_bot, new.id), ("delete", old_bot, old.id)]
    assert OUTBOX.snapshot()["notetaker"][1]["join_at"] == (new.starts_at - timedelta(seconds=60)).isoformat()
    summary = run_job(new.ends_at + timedelta(minutes=10))
    assert (summary["billed"], summary["credits_billed"]) == (1, 690)
    assert [e["booking_id"] for e in ledger()] == [new.id]


def test_rescheduling_after_the_cancel_hook_already_removed_the_old_bot_still_moves_it(workspace):
    old, old_bot = attach()
    new = with_meet_link(booking_id(1))
    now = old.starts_at - timedelta(days=1)
    cancelled = old.model_copy(update={"status": "cancelled"})
    on_booking_cancelled(cancelled, now=now)

    assert on_booking_rescheduled(cancelled, new, now=now) == "moved"
    assert [e["action"] for e in OUTBOX.snapshot()["notetaker"]] == ["create", "delete", "create"]


def test_a_move_the_provider_refused_is_completed_by_a_later_job_run(workspace):
    old, _ = attach()
    new = with_meet_link(booking_id(1))
    now = old.starts_at - timedelta(days=1)
    OUTBOX.fail_next("notetaker.create")

    assert on_booking_rescheduled(old.model_copy(update={"status": "cancelled"}), new, now=now) == "move_pending"
    assert wiring.bookings().get(COMPANY_ID, new.id).notetaker_bot_id is None

    assert run_job(now + timedelta(minutes=5))["bots_created"] == 1
    assert wiring.bookings().get(COMPANY_ID, new.id).notetaker_bot_id is not None
    assert notetaker_records().get(COMPANY_ID, new.id).state == "scheduled"


@pytest.mark.parametrize("seconds, minutes", [(1, 1), (60, 1), (61, 2), (3600, 60)])
def test_recorded_time_is_rounded_up_to_whole_minutes(seconds, minutes):
    from scheduling.services.notetaker_billing import credits_for

    assert credits_for(seconds) == (minutes, 23 * minutes)
