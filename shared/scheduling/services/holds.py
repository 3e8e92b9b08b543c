"""Slot holds (contract §10): keep a slot for a few minutes while a caller or a booker decides.

The one implementation every entry point calls (JSON endpoints, `/scheduling/*`, MCP tools,
voice). Holds live in the ledger that makes double booking impossible (repositories/holds.py,
docs/holds.md), so a hold and a booking, or two holds, can never take one host's time at once.

    place_hold(company_id, HoldRequest, now, config=None) -> Hold
        checks like a create (event type, date/time or start_time, timezone, optional email,
        `expires_in_seconds` 30-900, default 300), picks the host as a create would (round
        robin: the free host with the fewest bookings that week), commits ONE transaction.
        The slot must be free: else 409 SLOT_UNAVAILABLE with alternatives (reason `held`
        when another live hold has it).
    release_hold(company_id, hold_id, now) -> Hold
        frees the slot at once; 404 NOT_FOUND (unknown, or another company's), 410
        HOLD_EXPIRED (already consumed, released or expired).
    hold_json(hold) -> dict              the `data` object of both responses
    hold_offered_slot(...) -> Hold | None    voice `slots`: hold the first offered time for the call
    call_hold_for_booking(...) -> str | None voice `book`: the call's hold id when it keeps that time

A create consumes a hold by passing `hold_id` (CreateBookingInput.hold_id): booking_create reads
the hold with its ledger days (`hold_read_key`), checks it (`claim`: 404 / 410 HOLD_EXPIRED / 409
HOLD_MISMATCH), ignores that one hold when it explains the slot, books the hold's own hosts and
adds `consume_entries` to the booking's transaction. Expiry needs no job: every reader and every
conditional write compares `expires_at` with its own `now`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from typing import Any
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.domain.models import EventType, Hold
from scheduling.errors import Conflict, DomainError, NotFound, ServiceUnavailable, ValidationFailed
from scheduling.formatting import format_instant
from scheduling.repositories.bookings import LedgerDay
from scheduling.repositories.companies import CompanyConfig
from scheduling.repositories.holds import HoldRepository, hold_range
from scheduling.services import availability
from scheduling.services.booking_input import check_email
from scheduling.services.event_types import require_identifier, resolve_event_type
from scheduling.slots.ranges import TimeRange
from scheduling.timezones import resolve_timezone

# Placing or releasing a hold is a write: the hold routes require one of these, and a voice `slots`
# answer holds its offered time only for a key that has one.
SCOPES = ("company:write", "scheduling:write")
MIN_SECONDS, MAX_SECONDS, DEFAULT_SECONDS = 30, 900, 300


@wiring.register
@lru_cache(maxsize=1)
def hold_repository() -> HoldRepository:
    return HoldRepository(wiring.table())


@dataclass(frozen=True)
class HoldRequest:
    """What a hold is asked for: the create body's event type and time fields.

    `date` + `time` (local, in `timezone`), or `start_time` (an ISO instant with offset). `call_id`:
    the voice call the hold was made for (voice `book` consumes it by call id)."""

    date: str | None = None
    time: str | None = None
    start_time: str | None = None
    timezone: str | None = None
    event_type_id: str | None = None
    event_type_slug: str | None = None
    event_type_name: str | None = None
    email: str | None = None
    expires_in_seconds: Any = None
    call_id: str | None = None


class HoldExpired(DomainError):
    code, status = "HOLD_EXPIRED", 410
    default_fix = "Place a new hold (POST /v1/scheduling-bookings/holds), or book without hold_id."


def hold_not_found(hold_id: str) -> NotFound:
    return NotFound(f"No hold with id '{hold_id}'.",
                    fix="Send a hold_id returned by POST /v1/scheduling-bookings/holds with the same API key's company.")


def check_expiry_seconds(value: Any) -> int:
    """`expires_in_seconds`: a whole number 30-900 (default 300), else VALIDATION_ERROR."""
    if value is None:
        return DEFAULT_SECONDS
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) \
            or not MIN_SECONDS <= value <= MAX_SECONDS:
        raise ValidationFailed("expires_in_seconds", f"a whole number of seconds from {MIN_SECONDS} to {MAX_SECONDS}")
    return int(value)


def place_hold(company_id: str, request: HoldRequest, now: datetime, *,
               config: CompanyConfig | None = None) -> Hold:
    """Hold the asked slot for its host(s) until now + expires_in_seconds; raises domain errors only."""
    from scheduling.services.booking_create import commit_guarded, slot_unavailable

    # The create's order of checks (contract §3): shape, email, time zone, event type, slot.
    fields = availability.parse_slot_fields(request.date, request.time, request.start_time)
    require_identifier(request.event_type_id, request.event_type_slug, request.event_type_name)
    seconds = check_expiry_seconds(request.expires_in_seconds)
    email = check_email(request.email) if request.email not in (None, "") else None
    tz = resolve_timezone(request.timezone)
    if config is None:
        config = wiring.companies().load_config(company_id)
    event_type = resolve_event_type(
        company_id, event_type_id=request.event_type_id, event_type_slug=request.event_type_slug,
        event_type_name=request.event_type_name, event_types=config.event_types)
    asked = availability.requested_slot(fields, tz)
    # Whole seconds: the instant answered is exactly the one every reader compares with.
    expires_at = (now + timedelta(seconds=seconds)).astimezone(UTC).replace(microsecond=0)
    hold_id = str(uuid.uuid4())
    narrow = TimeRange(asked.instant, asked.instant + timedelta(minutes=1))
    repository = hold_repository()
    for _ in range(6):
        days = availability.ledger_days_to_read(config, event_type, narrow, now)
        ledger, _found = wiring.bookings().read_ledger_days(company_id, days)
        snapshot = availability.load_snapshot(config, event_type, narrow, now, ledger=ledger)
        reason = availability.explain(snapshot, asked)
        slot = None if reason else availability.slot_at(snapshot, asked.instant)
        if slot is None:
            raise slot_unavailable(config, event_type, asked, reason or "booked", now)
        host_ids = availability.booking_hosts(snapshot, slot)
        hold = Hold(id=hold_id, company_id=company_id, event_type_id=event_type.id, host_user_ids=host_ids,
                    starts_at=slot.start, ends_at=slot.end, buffer_before_minutes=event_type.buffer_before_minutes,
                    buffer_after_minutes=event_type.buffer_after_minutes, timezone=tz.key, email=email,
                    expires_at=expires_at, call_id=request.call_id, created_at=now)
        span = hold_range(hold)
        guard = availability.ledger_guard(snapshot, host_ids, span)
        if commit_guarded(partial(repository.place, hold), guard, span, company_id=company_id,
                          host_ids=host_ids, own_id=hold_id, now=now):
            return hold
    raise ServiceUnavailable("Too many holds and bookings are being made for these hosts right now; nothing was held.",
                             fix="Retry in a few seconds.")


def release_hold(company_id: str, hold_id: str, now: datetime) -> Hold:
    """Free a live hold's slot at once (one transaction)."""
    from scheduling.repositories.bookings import LedgerConflict

    repository = hold_repository()
    hold = _existing(company_id, hold_id, now)
    try:
        repository.release(hold, now)
    except LedgerConflict:
        # consumed, released or expired between the read and the write: say which
        _existing(company_id, hold_id, now)
        raise ServiceUnavailable("The hold changed while it was being released; try again.") from None
    return hold.model_copy(update={"status": "released"})


def _existing(company_id: str, hold_id: str, now: datetime) -> Hold:
    hold = hold_repository().get(company_id, hold_id) if _plausible_id(hold_id) else None
    if hold is None:
        raise hold_not_found(hold_id)
    if not hold.live(now):
        raise expired_error(hold, now)
    return hold


def _plausible_id(hold_id: str) -> bool:
    return isinstance(hold_id, str) and 0 < len(hold_id) <= 100


def expired_error(hold: Hold, now: datetime) -> HoldExpired:
    state = hold.status if hold.status != "held" else "expired"
    when = {"consumed": "was already used for a booking", "released": "was released",
            "expired": f"expired at {hold.expires_at.isoformat()}"}[state]
    details: dict[str, Any] = {"hold_id": hold.id, "state": state, "expires_at": _local(hold.expires_at, hold)}
    if hold.booking_id:
        details["booking_id"] = hold.booking_id
    return HoldExpired(f"Hold '{hold.id}' {when}; it no longer keeps its slot.", details=details)


def hold_json(hold: Hold) -> dict[str, Any]:
    """The `data` of the hold responses (contract §10), instants in the hold's time zone."""
    tz = ZoneInfo(hold.timezone)
    return {"hold_id": hold.id, "event_type_id": hold.event_type_id, "host_user_ids": list(hold.host_user_ids),
            "starts_at": _local(hold.starts_at, hold), "ends_at": _local(hold.ends_at, hold),
            "expires_at": _local(hold.expires_at, hold), "formatted": format_instant(hold.starts_at, tz),
            "timezone": hold.timezone, "status": hold.status}


def _local(instant: datetime, hold: Hold) -> str:
    return instant.astimezone(ZoneInfo(hold.timezone)).isoformat()


# ── a voice call's offered slot (event type `hold_offered_slot_seconds`) ─────────────────────


def hold_offered_slot(company_id: str, call_id: str | None, event_type: EventType, start: datetime,
                      tz: ZoneInfo, now: datetime, *, config: CompanyConfig) -> Hold | None:
    """Hold `start` (the first time a voice `slots` answer offers) for the call, when its event
    type asks for it: one hold per call, so the call's previous hold is released first unless it
    already keeps this time. None when nothing is held (setting off, no call id, the time was
    taken meanwhile): the answer is given all the same."""
    seconds = event_type.hold_offered_slot_seconds
    if not seconds or not call_id:
        return None
    previous = _live_call_hold(company_id, call_id, now)
    if previous is not None:
        if previous.event_type_id == event_type.id and previous.starts_at == start:
            return previous
        _release_quietly(company_id, previous, now)
    try:
        return place_hold(company_id, HoldRequest(
            start_time=start.isoformat(), timezone=tz.key, event_type_id=event_type.id,
            expires_in_seconds=seconds, call_id=call_id), now, config=config)
    except DomainError:
        return None


def call_hold_for_booking(company_id: str, call_id: str | None, event_type: EventType, starts_at: datetime,
                          now: datetime) -> str | None:
    """The hold a voice `book` of this call consumes: the call's live hold when it keeps this event
    type and time. A live hold of the call on another time is released (the caller chose another)."""
    if not call_id or not event_type.hold_offered_slot_seconds:
        return None
    hold = _live_call_hold(company_id, call_id, now)
    if hold is None:
        return None
    if hold.event_type_id == event_type.id and hold.starts_at == starts_at:
        return hold.id
    _release_quietly(company_id, hold, now)
    return None


def _live_call_hold(company_id: str, call_id: str, now: datetime) -> Hold | None:
    repository = hold_repository()
    hold_id = repository.call_hold_id(company_id, call_id)
    hold = repository.get(company_id, hold_id) if hold_id else None
    return hold if hold is not None and hold.live(now) else None


def _release_quietly(company_id: str, hold: Hold, now: datetime) -> None:
    try:
        release_hold(company_id, hold.id, now)
    except DomainError:  # consumed, expired or released meanwhile: it keeps nothing either way
        pass


# ── consuming a hold in a create ─────────────────────────────────────────────────────────────


def hold_read_key(company_id: str, hold_id: str | None) -> list[tuple[str, str]]:
    """The key to read with a create's ledger days (none without a hold id)."""
    return [hold_repository().key(company_id, hold_id)] if hold_id else []


def claim(company_id: str, hold_id: str, found: dict[tuple[str, str], dict[str, Any]], event_type: EventType,
          starts_at: datetime, email: str | None, now: datetime) -> Hold:
    """The live hold a create books through, from the items read with its ledger days (`found`).

    404 when it does not exist (or is another company's), 410 HOLD_EXPIRED when consumed, released
    or expired at `now`, 409 HOLD_MISMATCH when it keeps another event type, time or booker: never
    a booking at another time than the one held."""
    item = found.get(hold_repository().key(company_id, hold_id)) if _plausible_id(hold_id) else None
    if item is None:
        raise hold_not_found(hold_id)
    hold = HoldRepository.from_item(item)
    if not hold.live(now):
        raise expired_error(hold, now)
    mismatch = [name for name, same in (
        ("event_type_id", hold.event_type_id == event_type.id),
        ("start", hold.starts_at == starts_at),
        ("email", hold.email is None or email is None or hold.email.lower() == email.lower()),
    ) if not same]
    if mismatch:
        raise Conflict(
            f"Hold '{hold.id}' keeps {format_instant(hold.starts_at, ZoneInfo(hold.timezone))} for another "
            f"{' and '.join(mismatch)} than this booking asks for.",
            code="HOLD_MISMATCH",
            fix="Book the held event type and time (details.held), or book without hold_id.",
            details={"hold_id": hold.id, "mismatch": mismatch,
                     "held": {"event_type_id": hold.event_type_id, "starts_at": _local(hold.starts_at, hold)}})
    return hold


def unavailable_reason(snapshot: availability.AvailabilitySnapshot, hold: Hold) -> str | None:
    """Why the hold's own host(s) cannot take the slot now (busy in their calendar since, hours
    changed), or None: the create books the hosts the hold picked, never another one."""
    for host_id in hold.host_user_ids:
        reason = availability.host_reason(snapshot, host_id, hold.starts_at)
        if reason:
            return reason
    return None


def consume_entries(hold: Hold, booking_id: str, guard: list[LedgerDay], now: datetime) -> list[dict[str, Any]]:
    """The booking transaction's entries that consume `hold` (see HoldRepository.consume_entries)."""
    return hold_repository().consume_entries(hold, booking_id, now, {(d.user_id, d.day) for d in guard})
