"""Create a booking (contract §3 item 3) so that two overlapping bookings can never both commit.

Order of checks: body shape (event type given, date, time) → INVALID_EMAIL →
INVALID_ATTENDEE_EMAIL → phone (VALIDATION_ERROR) → INVALID_TIMEZONE → event type → slot.

Reads (warm container): the company configuration, ONE Query (`load_config`: company, event
types, hosts, default hours); then per attempt ONE BatchGetItem of the hosts' ledger days and the
booker's CRM pointers, and a GetItem of the contact only for a returning booker — at most 3.

Then, per attempt: build the availability snapshot from those ledger days and their versions,
explain the asked time (409 SLOT_UNAVAILABLE with nearest and alternatives when not free), pick
the host, and commit ONE TransactWriteItems: the booking, the host's ledger days conditioned on
the versions read, the CRM records, the pending calendar/email work and the reminders. Someone
else committing on that host's day in between makes the transaction fail (LedgerConflict):
re-read and try again — another round-robin host, or `booked`. Calendar and email are done right
after the commit; if they fail the booking stands and the retry job finishes them.

A reschedule is this create with `replacing`: the old booking's cancel (booking_cancel.plan_cancel)
commits in the same transaction, its ranges do not count against the new time, and the CRM records
stay the old booking's (docs/bookings.md, "Reschedule").
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.domain.models import Attendee, Booking, EventType
from scheduling.errors import Conflict, InvalidTimezone, ServiceUnavailable
from scheduling.formatting import format_instant, format_instant_no_year
from scheduling.repositories.bookings import LedgerConflict, LedgerDay, buffered_range, utc_days
from scheduling.repositories.companies import CompanyConfig
from scheduling.services import availability, holds, reminders, webhooks
from scheduling.services.booking_cancel import CancelPlan
from scheduling.services.booking_input import check_attendee_emails, check_email, check_text_lengths, normalise_phone
from scheduling.services.crm import NONE_NAMED, BookerDetails, NamedRecords, lookup_keys, plan_booked, plan_moved
from scheduling.services.event_types import require_identifier, resolve_event_type
from scheduling.services.side_effects import (
    Outcome,
    booked_effects,
    meeting_fields,
    perform_all,
    side_effect_repository,
)
from scheduling.slots.inputs import Slot
from scheduling.slots.ranges import TimeRange
from scheduling.timezones import local_date, resolve_timezone

logger = logging.getLogger("scheduling.booking_create")

MAX_ATTEMPTS = 6  # full re-plans (availability re-read)
MAX_FAST_RETRIES = 25  # ledger-only re-reads when other times on the host's day were booked
TOKEN_GRACE = timedelta(hours=24)


@dataclass(frozen=True)
class AttendeeInput:
    email: str | None
    name: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class CreateBookingInput:
    date: str | None  # with `time`, local in `timezone`; or both None and `start_time` (an ISO instant)
    time: str | None
    full_name: str
    email: str
    event_type_id: str | None = None
    event_type_slug: str | None = None
    event_type_name: str | None = None
    timezone: str | None = None
    phone: str | None = None
    message: str | None = None
    company_name: str | None = None
    booker_state: str | None = None
    booker_timezone: str | None = None
    attendees: list[AttendeeInput] = field(default_factory=list)
    # A rescheduled booking stays on its opportunity instead of opening one per the deal behaviour.
    opportunity_id: str | None = None
    # A rescheduled booking continues its predecessor's invitation (same UID, higher SEQUENCE).
    ical_uid: str | None = None
    ical_sequence: int = 0
    # A live slot hold of this event type and start (services/holds.py): booked and consumed at once.
    hold_id: str | None = None
    start_time: str | None = None
    # The CRM contact the booking belongs to, and the deal it joins (the /scheduling/* create).
    contact_id: str | None = None
    deal_id: str | None = None


@dataclass
class Replacing:
    """The confirmed booking a reschedule moves: cancelled by `plan` in the new booking's transaction.
    `reread` reads it again after a lost race (and raises when it can no longer be moved)."""

    plan: CancelPlan
    reason: str | None
    reread: Callable[[], CancelPlan]


@dataclass
class CreatedBooking:
    booking: Booking
    event_type: EventType
    side_effects: Outcome
    attempts: int


_REASON_TEXT = {
    "in_the_past": "That time has already passed.",
    "too_soon": "That time is too soon: this event type needs more notice.",
    "beyond_horizon": "That date is further ahead than this event type can be booked.",
    "outside_hours": "That time is outside the hosts' working hours.",
    "date_blocked": "The hosts are not available on that date.",
    "not_on_grid": "Bookings for this event type start at set times; that is not one of them.",
    "busy": "The hosts are busy at that time.",
    "booked": "That time has just been booked by someone else.",
    "held": "That time is being held for someone else for a few minutes.",
    "nonexistent_local_time": "That local time does not exist (the clocks jump forward that night).",
}


def create_booking(company_id: str, request: CreateBookingInput, now: datetime, *,
                   config: CompanyConfig | None = None, replacing: Replacing | None = None) -> CreatedBooking:
    """Validate, book and record everything; raises scheduling.errors exceptions only.

    `config`: the company's configuration when the caller has just read it (saves that Query).
    `replacing`: the booking a reschedule cancels in the same transaction; the change is then
    announced as one `booking.rescheduled` webhook event instead of `booking.created`."""
    slot_fields = availability.parse_slot_fields(request.date, request.time, request.start_time)
    require_identifier(request.event_type_id, request.event_type_slug, request.event_type_name)
    check_text_lengths(fullName=request.full_name, message=request.message, company_name=request.company_name)
    email = check_email(request.email)
    check_attendee_emails([a.email for a in request.attendees])

    def the_config() -> CompanyConfig:  # read when first needed: a local phone, else the event type
        nonlocal config
        if config is None:
            config = wiring.companies().load_config(company_id)
        return config

    def phone_of(value: str | None, field_name: str) -> str | None:
        if value is None or not value.strip():
            return None
        if value.strip().startswith("+"):
            return normalise_phone(value, "AU", field_name)
        return normalise_phone(value, the_config().company.settings.default_country, field_name)

    phone = phone_of(request.phone, "phone")
    attendees = [
        Attendee(email=a.email.strip(), name=a.name, phone=phone_of(a.phone, f"attendees.{i}.phone"))
        for i, a in enumerate(request.attendees) if a.email
    ]
    tz = resolve_timezone(request.timezone)
    config = the_config()
    company = config.company
    event_type = resolve_event_type(
        company_id, event_type_id=request.event_type_id, event_type_slug=request.event_type_slug,
        event_type_name=request.event_type_name, event_types=config.event_types)
    asked = availability.requested_slot(slot_fields, tz)
    booker = BookerDetails(
        name=request.full_name.strip(), email=email, phone=phone,
        company_name=(request.company_name or "").strip() or None,
        state=(request.booker_state or "").strip() or None,
        timezone=_zone_or_text(request.booker_timezone))

    named = NamedRecords(request.contact_id, request.deal_id)
    booking_id = str(uuid.uuid4())
    narrow = TimeRange(asked.instant, asked.instant + timedelta(minutes=1))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        if replacing is not None and attempt > 1:
            replacing.plan = replacing.reread()
        old = replacing.plan.booking if replacing else None
        looked_up = None if old is not None and old.contact_id else booker  # a moved contact is known
        ledger, pointers = _read_ledger_and_crm(config, event_type, narrow, looked_up, now, request.hold_id, named)
        if old is not None:  # the time it frees counts as free
            ledger = {host: {d: _without(day, old.id) for d, day in days.items()} for host, days in ledger.items()}
        hold = request.hold_id and holds.claim(company_id, request.hold_id, pointers, event_type, asked.instant,
                                               email, now)
        snapshot = availability.load_snapshot(config, event_type, narrow, now, ledger=ledger,
                                              consuming_hold=request.hold_id)
        reason = availability.explain(snapshot, asked) or (hold and holds.unavailable_reason(snapshot, hold))
        slot = None if reason else availability.slot_at(snapshot, asked.instant)
        if slot is None:
            raise slot_unavailable(config, event_type, asked, reason or "booked", now)
        host_ids = list(hold.host_user_ids) if hold else availability.booking_hosts(snapshot, slot)
        booking = _new_booking(booking_id, company_id, event_type, slot, host_ids, tz, request, booker, attendees, now)
        crm = (old and plan_moved(booking, event_type, old, now)) or plan_booked(
            booking, event_type, booker, now, opportunity_id=request.opportunity_id, pointers=pointers, named=named)
        booking = booking.model_copy(update={"contact_id": crm.contact_id, "customer_id": crm.customer_id,
                                             "deal_id": crm.deal_id})
        hosts = {h.id: h for h in snapshot.hosts}
        effects = booked_effects(booking, event_type, [hosts[h] for h in host_ids if h in hosts], company.slug, now,
                                 moved_from=old, reason=replacing and replacing.reason)
        event = (webhooks.booking_event("booking.rescheduled", booking, now, previous_booking_id=old.id) if old
                 else webhooks.booking_event("booking.created", booking, now))
        span = buffered_range(booking)
        guard = availability.ledger_guard(snapshot, host_ids, span, consumed_hold=request.hold_id)
        extra = [*crm.entries, *(side_effect_repository().put_entry(e) for e in effects),
                 *reminders.reminder_items_for_new_booking(booking, event_type, company, now),
                 *(holds.consume_entries(hold, booking.id, guard, now) if hold else ()),
                 *(replacing.plan.entries if replacing else ()),
                 *webhooks.entries(event)]
        write = partial(wiring.bookings().insert, booking, extra_items=extra,
                        replacing=replacing.plan.cancelled if replacing else None)
        if not commit_guarded(write, guard, span, company_id=company_id, host_ids=host_ids, own_id=booking_id,
                              now=now, consumed_hold=request.hold_id, replaced=old.id if old else None):
            logger.info("booking %s lost a race on attempt %d; re-reading", booking_id, attempt)
            continue
        webhooks.dispatch(event)
        outcome = perform_all(effects, booking, now)
        if outcome.meet_link:
            booking = booking.model_copy(update=meeting_fields(outcome.meet_link, outcome.meeting_provider))
        return CreatedBooking(booking, event_type, outcome, attempt)
    raise ServiceUnavailable(
        "Too many bookings are being made for these hosts right now; nothing was booked.",
        fix="Retry in a few seconds with the same Idempotency-Key.")


def _read_ledger_and_crm(
    config: CompanyConfig, event_type: EventType, window: TimeRange, booker: BookerDetails | None, now: datetime,
    hold_id: str | None = None, named: NamedRecords = NONE_NAMED,
) -> tuple[dict[str, dict[date, LedgerDay]], dict[tuple[str, str], dict[str, Any]]]:
    """The hosts' ledger days a booking in `window` is checked against (their versions guard the
    write), the booker's CRM items (none without `booker`) and the hold it consumes: ONE
    consistent BatchGetItem."""
    days = availability.ledger_days_to_read(config, event_type, window, now)
    company_id = config.company.id
    also = [*(lookup_keys(company_id, booker, named) if booker else ()), *holds.hold_read_key(company_id, hold_id)]
    return wiring.bookings().read_ledger_days(company_id, days, also=also)


def commit_guarded(write: Callable[[list[LedgerDay]], None], guard: list[LedgerDay], span: TimeRange, *,
                   company_id: str, host_ids: list[str], own_id: str, now: datetime,
                   consumed_hold: str | None = None, replaced: str | None = None) -> bool:
    """`write(guard)` (a ledger-guarded transaction: item 0, then the guard days, then extras);
    when only ledger versions moved (others booked or held *other* times that day), re-read just
    those days and try again at once. False when the caller must re-plan from scratch. Shared by
    bookings and holds (services/holds.py). `replaced`: the booking a reschedule frees."""
    for _ in range(MAX_FAST_RETRIES + 1):
        try:
            write(guard)
            return True
        except LedgerConflict as conflict:
            ledger_positions = set(range(1, len(guard) + 1))
            if not conflict.failed_indexes or not set(conflict.failed_indexes) <= ledger_positions:
                return False  # the item, a CRM record or the hold changed: re-plan everything
            fresh = _fresh_guard(company_id, host_ids, span, (own_id, consumed_hold, replaced), now, consumed_hold)
            if fresh is None:
                return False  # our time is taken now: the re-read explains why
            guard = fresh
    return False


def _fresh_guard(company_id: str, host_ids: list[str], span: TimeRange, ignore: tuple[str | None, ...],
                 now: datetime, consumed_hold: str | None) -> list[LedgerDay] | None:
    """The hosts' ledger days re-read (one BatchGetItem); None when another booking or live hold
    (not in `ignore`) now overlaps `span`."""
    days = utc_days(span)
    ledger, _ = wiring.bookings().read_ledger_days(company_id, {h: days for h in host_ids})
    guard: list[LedgerDay] = []
    for host_id in host_ids:
        for day in ledger[host_id].values():
            if any(taken.overlaps(span) for taken in day.taken(now, ignore=ignore)):
                return None
            guard.append(day.pruned(now, consumed=consumed_hold))
    return guard


def _without(day: LedgerDay, booking_id: str) -> LedgerDay:
    """`day` as if `booking_id` were not on it (same version: the write still guards on it)."""
    if booking_id not in day.ranges:
        return day
    return replace(day, ranges={i: r for i, r in day.ranges.items() if i != booking_id})


def _new_booking(booking_id: str, company_id: str, event_type: EventType, slot: Slot, host_ids: list[str],
                 tz: ZoneInfo, request: CreateBookingInput, booker: BookerDetails, attendees: list[Attendee],
                 now: datetime) -> Booking:
    return Booking(
        id=booking_id, company_id=company_id, event_type_id=event_type.id, event_type_name=event_type.name,
        host_user_ids=host_ids, starts_at=slot.start, ends_at=slot.end,
        buffer_before_minutes=event_type.buffer_before_minutes, buffer_after_minutes=event_type.buffer_after_minutes,
        timezone=tz.key, booker_name=booker.name, booker_email=booker.email, booker_phone=booker.phone,
        message=(request.message or None), company_name=booker.company_name, attendees=attendees,
        status="confirmed", management_token=str(uuid.uuid4()),
        management_token_expires_at=slot.end + TOKEN_GRACE, created_at=now, updated_at=now,
        ical_uid=request.ical_uid, ical_sequence=request.ical_sequence)


def _zone_or_text(value: str | None) -> str | None:
    """A booker's time zone as its IANA name when we recognise it, else as they wrote it."""
    if value is None or not value.strip():
        return None
    try:
        return resolve_timezone(value).key
    except InvalidTimezone:
        return value.strip()


def slot_json(slot: Slot | None, tz: ZoneInfo) -> dict[str, str] | None:
    """A nearby slot as `{date, time, formatted}` in the asker's zone (formatted without year)."""
    if slot is None:
        return None
    local = slot.start.astimezone(tz)
    return {"date": local.date().isoformat(), "time": local.strftime("%H:%M"),
            "formatted": format_instant_no_year(slot.start, tz)}


def slot_unavailable(config: CompanyConfig, event_type: EventType, asked: availability.RequestedTime, reason: str,
                      now: datetime) -> Conflict:
    tz = asked.tz
    window = availability.window_around(now, event_type, resolve_timezone(config.company.timezone), asked.instant)
    wide = availability.load_snapshot(config, event_type, window, now)
    before, after = availability.nearest(wide, asked.pivot, tz=tz)
    options = availability.alternatives(wide, asked.pivot, 5, tz=tz)
    when = f"{asked.day.isoformat()} {asked.at.strftime('%H:%M')} ({tz.key})"
    hint = None
    if after is not None:
        hint = f"The next free time is {format_instant_no_year(after.start, tz)}."
    return Conflict(
        f"{event_type.name} cannot be booked at {when}. {_REASON_TEXT.get(reason, '')}".strip(),
        code="SLOT_UNAVAILABLE",
        fix="Choose one of details.alternatives (or nearest_before / nearest_after) and send it as date and time.",
        hint=hint,
        details={"reason": reason, "nearest_before": slot_json(before, tz), "nearest_after": slot_json(after, tz),
                 "alternatives": [slot_json(s, tz) for s in options]},
    )


def booking_summary(booking: Booking) -> dict[str, Any]:
    """The `booking` object of the create response (contract §3 item 3): never the token."""
    tz = ZoneInfo(booking.timezone)
    local = booking.starts_at.astimezone(tz)
    return {
        "id": booking.id, "event_type_name": booking.event_type_name,
        "date": local_date(booking.starts_at, tz).isoformat(), "time": local.strftime("%H:%M"),
        "formatted": format_instant(booking.starts_at, tz), "duration_minutes": booking.duration_minutes,
        "status": booking.status, "google_meet_link": booking.google_meet_link,
        "meeting_link": booking.join_link, "meeting_provider": booking.join_provider,
        "attendees": [a.model_dump() for a in booking.attendees],
        "starts_at": booking.starts_at.astimezone(tz).isoformat(), "ends_at": booking.ends_at.astimezone(tz).isoformat(),
        "timezone": booking.timezone,
    }


