"""Attach a notetaker bot to a Meet booking (contract §3 item 10), and keep it in step when the booking
is cancelled or rescheduled. Billing after the meeting lives in `services/notetaker_billing.py`.

Attaching is idempotent under concurrent calls: the first caller *claims* the booking's notetaker
record (a conditional put), creates the bot, then commits bot id + billing due item + the booking's
`notetaker_bot_id` in one transaction; every other caller waits for that commit and answers the
same bot with `already_scheduled: true`. A provider failure releases the claim (502
NOTETAKER_PROVIDER_ERROR); the next call tries again. Nothing is charged when scheduling.

Hooks for the booking services (docs/notetaker.md):
    on_booking_cancelled(booking, now=...)          delete the bot, drop its billing
    on_booking_rescheduled(old, new, now=...)       a bot for the new time, the old one deleted
Both never raise for a provider outage: the work is left on the retry index for `bill_notetaker`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.domain.models import Booking
from scheduling.errors import DomainError, NotFound, ServiceUnavailable
from scheduling.formatting import format_instant, format_time
from scheduling.repositories.notetaker import RETRY, LostRecord, NotetakerRecord, NotetakerRepository
from scheduling.services import webhooks

logger = logging.getLogger("scheduling.notetaker")

CREDITS_PER_MINUTE = 23
JOIN_BEFORE_START = timedelta(seconds=60)
BILL_AFTER_END = timedelta(minutes=10)  # the provider needs a few minutes to finish the recording
CLAIM_STALE_AFTER = timedelta(seconds=60)  # a claim older than this was abandoned (crashed caller)
RETRY_DELAY = timedelta(minutes=5)
WAIT_FOR_OTHER_CALLER_SECONDS = 10.0
# Records that already hold this booking's bot: a repeat call answers it.
HAS_BOT = frozenset({"scheduled", "billed", "no_recording", "failed"})


@wiring.register
@lru_cache(maxsize=1)
def notetaker_records() -> NotetakerRepository:
    return NotetakerRepository(wiring.table())


@wiring.register
@lru_cache(maxsize=1)
def credits() -> Any:
    from scheduling.repositories.credits import CreditsRepository

    return CreditsRepository(wiring.table())


@dataclass(frozen=True)
class NotetakerScheduled:
    bot_id: str
    already_scheduled: bool
    join_at: datetime  # in the booking's timezone
    message: str
    credits_remaining: int


def required_credits(booking: Booking) -> int:
    """What a bot recording the whole meeting would cost: 23 × duration minutes."""
    return CREDITS_PER_MINUTE * booking.duration_minutes


def join_time(booking: Booking, now: datetime) -> datetime:
    """60 s before the start; a meeting already under way is joined now."""
    return max(booking.starts_at - JOIN_BEFORE_START, now)


# ---------------------------------------------------------------------------------------------
def schedule_notetaker(company_id: str, booking_id: str, now: datetime, *,
                       sleep: Callable[[float], None] = time.sleep) -> NotetakerScheduled:
    """Register a bot for the booking, or return the one it has. Checks in the contract's order:
    NOTETAKER_DISABLED, NO_MEETING_LINK, BOOKING_CANCELLED, MEETING_ENDED, INSUFFICIENT_CREDITS
    (a booking that already has its bot is answered before the credit check: it costs nothing new).
    """
    company = wiring.companies().get(company_id)
    booking = wiring.bookings().get(company_id, booking_id)
    if company is None or booking is None:
        raise NotFound(f"No booking {booking_id}.")
    _check_preconditions(company.settings.notetaker_enabled, booking, now)
    balance = credits().balance(company_id)
    records = notetaker_records()
    deadline = time.monotonic() + WAIT_FOR_OTHER_CALLER_SECONDS
    pause = 0.02
    while True:
        record = records.get(company_id, booking_id)
        if record is not None and record.state in HAS_BOT and record.bot_id:
            return _answer(booking, record, balance, already=True)
        if record is not None and record.state == "delete_pending":
            raise _cancelled(booking_id)
        if record is None or record.state in ("removed", "create_pending") or _stale(record, now):
            needed = required_credits(booking)
            if balance < needed:
                raise DomainError(
                    f"Recording this {booking.duration_minutes}-minute meeting needs {needed} credits; "
                    f"the company has {balance}.",
                    code="INSUFFICIENT_CREDITS", status=403,
                    fix="Top up the company's credits, then call this endpoint again.",
                    hint=f"The notetaker costs {CREDITS_PER_MINUTE} credits per recorded minute, billed after the meeting.",
                    details={"required": needed, "available": balance, "credits_per_minute": CREDITS_PER_MINUTE,
                             "duration_minutes": booking.duration_minutes},
                )
            token = str(uuid.uuid4())
            if records.claim(company_id, booking_id, token, now, now - CLAIM_STALE_AFTER):
                return _create_bot(booking, token, balance, now)
        # Another caller holds the claim and is creating the bot: wait for its commit.
        if time.monotonic() >= deadline:
            raise ServiceUnavailable("Another request is still scheduling the notetaker for this booking.",
                                     fix="Retry in a few seconds; the answer will name the scheduled bot.")
        sleep(pause)
        pause = min(pause * 2, 0.5)


def _check_preconditions(enabled: bool, booking: Booking, now: datetime) -> None:
    if not enabled:
        raise DomainError("The notetaker is not enabled for this company.", code="NOTETAKER_DISABLED", status=403,
                          fix="Enable the notetaker in the company settings (settings.notetaker_enabled).")
    if not booking.join_link:
        raise DomainError("This booking has no meeting link for the notetaker to join.",
                          code="NO_MEETING_LINK", status=409,
                          fix="Attach the notetaker to a booking of an event type with an online meeting "
                              "(location online, google_meet or teams).",
                          hint="If the calendar was unavailable at booking time, the link is added by a retry job.")
    if booking.status == "cancelled":
        raise _cancelled(booking.id)
    if booking.ends_at <= now:
        zone = ZoneInfo(booking.timezone)
        raise DomainError("This meeting has already ended; there is nothing left to record.",
                          code="MEETING_ENDED", status=409, fix="Attach the notetaker before the meeting ends.",
                          details={"ends_at": booking.ends_at.astimezone(zone).isoformat()})


def _cancelled(booking_id: str) -> DomainError:
    return DomainError("This booking is cancelled.", code="BOOKING_CANCELLED", status=409,
                       fix="Attach the notetaker to a confirmed booking.", details={"booking_id": booking_id})


def _stale(record: NotetakerRecord, now: datetime) -> bool:
    return record.state == "claimed" and record.claimed_at is not None and record.claimed_at < now - CLAIM_STALE_AFTER


def _create_bot(booking: Booking, token: str, balance: int, now: datetime) -> NotetakerScheduled:
    records = notetaker_records()
    join_at = join_time(booking, now)
    assert booking.join_link
    try:
        bot_id = wiring.notetaker().create_bot(booking.join_link, join_at, booking.id,
                                               expected_duration=booking.ends_at - booking.starts_at)
    except Exception:  # NotetakerUnavailable → 502 NOTETAKER_PROVIDER_ERROR; the next call can try again
        records.release(booking.company_id, booking.id, token)
        raise
    try:
        event = _scheduled_event(booking, bot_id, join_at, now)
        records.commit_scheduled(company_id=booking.company_id, booking_id=booking.id, token=token, bot_id=bot_id,
                                 meeting_url=booking.join_link, join_at=join_at, starts_at=booking.starts_at,
                                 ends_at=booking.ends_at, bill_at=booking.ends_at + BILL_AFTER_END, now=now,
                                 extra=webhooks.entries(event))
    except LostRecord:
        # The booking was cancelled (or deleted) while the bot was being created: undo it.
        _delete_quietly(bot_id, booking.id)
        records.release(booking.company_id, booking.id, token)
        raise _cancelled(booking.id) from None
    webhooks.dispatch(event)
    record = NotetakerRecord(company_id=booking.company_id, booking_id=booking.id, state="scheduled",
                             bot_id=bot_id, join_at=join_at)
    return _answer(booking, record, balance, already=False)


def _answer(booking: Booking, record: NotetakerRecord, balance: int, *, already: bool) -> NotetakerScheduled:
    zone = ZoneInfo(booking.timezone)
    assert record.bot_id
    join_at = (record.join_at or booking.starts_at - JOIN_BEFORE_START).astimezone(zone)
    if already and booking.notetaker_bot_id != record.bot_id and record.state == "scheduled":
        # Another service rewrote the booking item from an older read: put the bot id back.
        notetaker_records().set_booking_bot_id(booking.company_id, booking.id, record.bot_id)
    if already:
        message = ("A notetaker was already scheduled for this booking; nothing was changed and nothing was "
                   "charged.")
    else:
        message = (f"Notetaker scheduled for {booking.event_type_name} on "
                   f"{format_instant(booking.starts_at, zone)}: the bot joins at {format_time(join_at)}, "
                   f"60 seconds before the start. {CREDITS_PER_MINUTE} credits per recorded minute are billed "
                   f"after the meeting.")
    return NotetakerScheduled(record.bot_id, already, join_at, message, balance)


def _delete_quietly(bot_id: str, booking_id: str) -> bool:
    # The adapter module loads with the provider (wiring.notetaker()): a booking without a bot,
    # the common cancel, never needs it.
    from scheduling.adapters.notetaker import NotetakerUnavailable

    try:
        wiring.notetaker().delete_bot(bot_id, booking_id=booking_id)
    except NotetakerUnavailable:
        logger.warning("notetaker bot %s of booking %s could not be deleted", bot_id, booking_id)
        return False
    return True


# hooks for the booking services ---------------------------------------------------------------
def cancel_entries(booking: Booking, record: NotetakerRecord | None, now: datetime) -> list[dict[str, Any]]:
    """TransactWriteItems entries that commit with a cancel, so removing its bot is recorded work;
    `record` is the booking's notetaker record as the cancel read it (None: it has none).

    A scheduled bot that has not joined yet becomes `delete_pending` on the retry index: the hook
    below deletes it right after the commit, and if the process dies first, bill_notetaker's retry
    pass deletes it. A bot still waiting to be created is simply dropped. No record: a check that
    there is still none when the cancel commits (a bot attached meanwhile makes the cancel read
    again), so the cancel need not look again afterwards.
    """
    if record is None:
        return [notetaker_records().absent_entry(booking.company_id, booking.id)]
    if record.state == "create_pending":
        return [notetaker_records().transition_entry(record, state="removed", now=now)]
    if record.state != "scheduled" or not record.bot_id or (record.join_at is not None and record.join_at <= now):
        return []
    return [notetaker_records().transition_entry(record, state="delete_pending", now=now,
                                                 due=(RETRY, now + RETRY_DELAY))]


def on_booking_cancelled(booking: Booking, *, now: datetime | None = None) -> str:
    """Remove the bot of a booking that was just cancelled; returns what happened:

    `none` (no bot), `removed` (bot deleted, billing dropped), `delete_pending` (the provider failed:
    the job retries the delete), `kept` (the bot had already joined: what it recorded is billed).
    Never raises for a provider outage.
    """
    now = now or datetime.now(UTC)
    records = notetaker_records()
    record = records.get(booking.company_id, booking.id)
    if record is None:
        return "none"
    try:
        if record.state == "create_pending":
            records.transition(record, state="removed", now=now)
            return "removed"
        if record.state == "delete_pending" and record.bot_id:  # marked by the cancel's own commit
            return _remove_bot(record, now)
        if record.state != "scheduled" or not record.bot_id:
            return "none"
        if record.join_at is not None and record.join_at <= now:
            return "kept"
        return _remove_bot(record, now)
    except LostRecord:
        return "none"


def on_booking_rescheduled(old: Booking, new: Booking, *, now: datetime | None = None) -> str:
    """Move the old booking's bot to the new booking: a bot for the new time, then the old one deleted.

    Returns `none` (the old booking had no bot), `moved`, or `move_pending` (the provider failed or the
    new booking has no Meet link yet: the job creates the new bot when it can). Never raises for a
    provider outage. Call it after the new booking is committed and the old one cancelled; when the
    cancel already ran `on_booking_cancelled` (old bot `removed`/`delete_pending`), only the new bot is
    created.
    """
    now = now or datetime.now(UTC)
    records = notetaker_records()
    record = records.get(old.company_id, old.id)
    movable = ("scheduled", "create_pending", "removed", "delete_pending")
    if record is None or record.state not in movable or record.moved_to_booking_id:
        return "none"
    records.put_pending(company_id=new.company_id, booking_id=new.id, state="create_pending",
                        retry_at=now + RETRY_DELAY, now=now, moved_from_booking_id=old.id)
    outcome = "move_pending"
    if new.join_link and new.ends_at > now:
        pending = records.get(new.company_id, new.id)
        if pending is not None and create_pending_bot(pending, new, now):
            outcome = "moved"
    try:
        if record.state == "scheduled" and record.bot_id:
            _remove_bot(record, now, moved_to_booking_id=new.id)
        elif record.state == "delete_pending":
            records.transition(record, state="delete_pending", now=now, due=(RETRY, now + RETRY_DELAY),
                               moved_to_booking_id=new.id)
        else:
            records.transition(record, state="removed", now=now, moved_to_booking_id=new.id)
    except LostRecord:
        pass
    return outcome


def create_pending_bot(record: NotetakerRecord, booking: Booking, now: datetime) -> bool:
    """Create the bot a `create_pending` record waits for; False when the provider failed (retry later)."""
    from scheduling.adapters.notetaker import NotetakerUnavailable

    assert booking.join_link
    join_at = join_time(booking, now)
    try:
        bot_id = wiring.notetaker().create_bot(booking.join_link, join_at, booking.id,
                                               expected_duration=booking.ends_at - booking.starts_at)
    except NotetakerUnavailable as error:
        notetaker_records().transition(record, state="create_pending", now=now, due=(RETRY, now + RETRY_DELAY),
                                       attempts=record.attempts + 1, last_error=error.message)
        return False
    event = _scheduled_event(booking, bot_id, join_at, now)
    try:
        notetaker_records().commit_scheduled(
            company_id=booking.company_id, booking_id=booking.id, token=None, bot_id=bot_id,
            meeting_url=booking.join_link, join_at=join_at, starts_at=booking.starts_at,
            ends_at=booking.ends_at, bill_at=booking.ends_at + BILL_AFTER_END, now=now,
            state_expected="create_pending", extra=webhooks.entries(event))
    except LostRecord:
        _delete_quietly(bot_id, booking.id)
        raise
    webhooks.dispatch(event)
    return True


def _scheduled_event(booking: Booking, bot_id: str, join_at: datetime, now: datetime) -> webhooks.PendingEvent:
    scheduled = booking.model_copy(update={"notetaker_bot_id": bot_id, "updated_at": now})
    return webhooks.booking_event("notetaker.scheduled", scheduled, now,
                                  notetaker={"bot_id": bot_id, "join_at": join_at.isoformat()})


def _remove_bot(record: NotetakerRecord, now: datetime, **attributes: Any) -> str:
    records = notetaker_records()
    assert record.bot_id
    if _delete_quietly(record.bot_id, record.booking_id):
        records.transition(record, state="removed", now=now, **attributes)
        return "removed"
    records.transition(record, state="delete_pending", now=now, due=(RETRY, now + RETRY_DELAY),
                       last_error="the notetaker provider failed to delete the bot", **attributes)
    return "delete_pending"
