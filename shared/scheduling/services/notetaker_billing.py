"""After the meeting: bill 23 credits per recorded minute (rounded up), exactly once per bot.

`bill_due_notetakers(now)` is the whole `bill_notetaker` job. It Queries two slices of the
DueWorkByTime index (no Scan):

* `DUE#notetaker_billing` — bots whose meeting ended 10+ minutes ago. Each record is first *leased*
  (its due time moved forward with a condition on the value read, so overlapping runs never work the
  same record), then the provider is asked for the recording. Finished → one transaction charges
  the credits, writes the ledger entry and the per-bot "billed" marker and takes the record off the
  index (repositories/credits.py), and the transcript link goes onto the booking and its opportunity.
  Still recording → looked at again in 10 minutes. Provider failure → retried with back-off
  (5, 10, 20, 40, 60, 60… minutes). After 48 h without a finished recording the record is `failed`.
* `DUE#notetaker_retry` — provider calls the booking hooks could not make: deleting the bot of a
  cancelled booking, creating the bot of a rescheduled one.

Returns counts: {"due", "billed", "credits_billed", "insufficient_balance", "already_billed",
"not_finished", "no_recording", "retry_later", "failed", "bots_deleted", "bots_created",
"waiting_for_link", "move_abandoned", "skipped"}.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from datetime import datetime, timedelta

from scheduling import wiring
from scheduling.adapters.notetaker import NotetakerUnavailable
from scheduling.repositories.credits import INSUFFICIENT_BALANCE, BillingConflict
from scheduling.repositories.notetaker import BILLING, RETRY, LostRecord, NotetakerRecord
from scheduling.services.notetaker import (
    CREDITS_PER_MINUTE,
    RETRY_DELAY,
    create_pending_bot,
    credits,
    notetaker_records,
)

logger = logging.getLogger("scheduling.notetaker_billing")

LEASE = timedelta(minutes=2)
POLL_UNFINISHED = timedelta(minutes=10)
MAX_BACKOFF = timedelta(minutes=60)
GIVE_UP_AFTER_END = timedelta(hours=48)
SUMMARY_KEYS = ("due", "billed", "credits_billed", "insufficient_balance", "already_billed", "not_finished",
                "no_recording", "retry_later", "failed", "bots_deleted", "bots_created", "waiting_for_link",
                "move_abandoned", "skipped")


def credits_for(recorded_seconds: int) -> tuple[int, int]:
    """(recorded minutes rounded up, credits): 61 s → (2, 46)."""
    minutes = math.ceil(recorded_seconds / 60)
    return minutes, CREDITS_PER_MINUTE * minutes


def backoff(attempts: int) -> timedelta:
    return min(RETRY_DELAY * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def bill_due_notetakers(now: datetime, *, limit: int = 100) -> dict[str, int]:
    records = notetaker_records()
    summary: Counter[str] = Counter({key: 0 for key in SUMMARY_KEYS})
    for record in records.due(BILLING, now, limit):
        summary["due"] += 1
        outcome, charged = _bill(record, now)
        summary[outcome] += 1
        summary["credits_billed"] += charged
    for record in records.due(RETRY, now, limit):
        summary["due"] += 1
        summary[_retry(record, now)] += 1
    return dict(summary)


def _lease(record: NotetakerRecord, kind: str, now: datetime) -> NotetakerRecord | None:
    try:
        return notetaker_records().transition(record, state=record.state, now=now, due=(kind, now + LEASE))
    except LostRecord:
        return None


def _bill(record: NotetakerRecord, now: datetime) -> tuple[str, int]:
    records = notetaker_records()
    leased = _lease(record, BILLING, now)
    if leased is None or not leased.bot_id:
        return "skipped", 0
    record = leased
    ends_at = record.ends_at or now
    try:
        status = wiring.notetaker().get_bot(record.bot_id)
    except NotetakerUnavailable as error:
        return _later(record, BILLING, now, error.message, give_up_at=ends_at + GIVE_UP_AFTER_END), 0
    if not status.done:
        if now >= ends_at + GIVE_UP_AFTER_END:
            records.transition(record, state="failed", now=now,
                               last_error=f"the provider still reported '{status.status}' 48 h after the meeting")
            return "failed", 0
        records.transition(record, state="scheduled", now=now, due=(BILLING, now + POLL_UNFINISHED))
        return "not_finished", 0
    if not status.recording_seconds:
        records.transition(record, state="no_recording", now=now, last_error=f"bot finished as '{status.status}'")
        return "no_recording", 0
    minutes, amount = credits_for(status.recording_seconds)
    billed_entry = records.transition_entry(record, state="billed", now=now, recorded_minutes=minutes,
                                            billed_credits=amount, transcript_url=status.transcript_url)
    try:
        charge = credits().bill_once(
            company_id=record.company_id, bot_id=record.bot_id, booking_id=record.booking_id, amount=amount,
            now=now, details={"recorded_seconds": status.recording_seconds, "recorded_minutes": minutes,
                              "credits_per_minute": CREDITS_PER_MINUTE},
            extra_writes=[billed_entry])
    except BillingConflict:
        logger.warning("billing bot %s lost a race; left for the next run", record.bot_id)
        return "skipped", 0
    if charge.already_billed:
        try:
            records.transition(record, state="billed", now=now)
        except LostRecord:
            pass
        return "already_billed", 0
    if status.transcript_url:
        booking = wiring.bookings().get(record.company_id, record.booking_id)
        records.record_transcript(company_id=record.company_id, booking_id=record.booking_id,
                                  deal_id=booking.deal_id if booking else None, url=status.transcript_url,
                                  bot_id=record.bot_id, now=now)
    return ("insufficient_balance" if charge.reason == INSUFFICIENT_BALANCE else "billed"), charge.charged


def _later(record: NotetakerRecord, kind: str, now: datetime, error: str, *, give_up_at: datetime | None) -> str:
    records = notetaker_records()
    attempts = record.attempts + 1
    try:
        if give_up_at is not None and now >= give_up_at:
            records.transition(record, state="failed", now=now, attempts=attempts, last_error=error)
            return "failed"
        records.transition(record, state=record.state, now=now, due=(kind, now + backoff(attempts)),
                           attempts=attempts, last_error=error)
    except LostRecord:
        return "skipped"
    return "retry_later"


def _retry(record: NotetakerRecord, now: datetime) -> str:
    records = notetaker_records()
    leased = _lease(record, RETRY, now)
    if leased is None:
        return "skipped"
    record = leased
    try:
        if record.state == "delete_pending" and record.bot_id:
            try:
                wiring.notetaker().delete_bot(record.bot_id, booking_id=record.booking_id)
            except NotetakerUnavailable as error:
                return _later(record, RETRY, now, error.message, give_up_at=None)
            records.transition(record, state="removed", now=now, last_error=None)
            return "bots_deleted"
        if record.state == "create_pending":
            booking = wiring.bookings().get(record.company_id, record.booking_id)
            if booking is None or booking.status == "cancelled" or booking.ends_at <= now:
                records.transition(record, state="removed", now=now,
                                   last_error="the booking was cancelled or ended before its bot could be created")
                return "move_abandoned"
            if not booking.join_link:
                records.transition(record, state="create_pending", now=now, due=(RETRY, now + RETRY_DELAY))
                return "waiting_for_link"
            return "bots_created" if create_pending_bot(record, booking, now) else "retry_later"
    except LostRecord:
        return "skipped"
    records.transition(record, state=record.state, now=now, last_error=f"nothing to retry in state {record.state}")
    return "skipped"
