"""Availability: gather the slot engine's inputs for an event type once, then answer questions.

    load_snapshot(config, event_type, window, now, ledger=None) -> AvailabilitySnapshot
        from the company configuration already read (`CompanyRepository.load_config`: company,
        hosts, default hours), reads each host's day ledger with ONE query per host
        (BookingRepository.read_ledger over the UTC days the window's slots can touch, widened
        by the buffers, and to whole weeks for round robin among several hosts) unless the
        caller passes those days already read (`ledger_days_to_read`), and the hosts' calendar
        busy time with ONE freebusy call for all hosts.
    slots(snapshot, window)            every slot starting in window (inside the loaded one)
    slot_at(snapshot, start)           the slot starting exactly then, or None
    requested_time(day, at, tz)        a local date and time → instant (a DST gap is noted)
    explain(snapshot, asked)           None when free, else the contract §3 reason
    nearest(snapshot, instant, tz=)    (closest slot strictly before, strictly after)
    alternatives(snapshot, instant, n) the n slots closest to instant, in time order
    pick_host(snapshot, slot)          round robin: fewest bookings that week, then host order
    booking_hosts(snapshot, slot)      the host ids a booking in that slot goes to
    ledger_guard(snapshot, ids, span)  the LedgerDays BookingRepository.insert conditions on

Calendar failure fails closed: when freebusy cannot be read, `load_snapshot` raises 503
`CALENDAR_UNAVAILABLE` rather than offer times that may be taken (docs/availability.md).

The JSON endpoints' use cases built on it are in `availability_queries.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.domain.models import Availability, Company, EventType, User
from scheduling.errors import DomainError, MissingFields, ServiceUnavailable, ValidationFailed
from scheduling.repositories.bookings import LedgerDay, utc_days
from scheduling.repositories.companies import CompanyConfig
from scheduling.slots.engine import bookable_range, compute_slots, pick_round_robin_host
from scheduling.slots.explain import (
    NONEXISTENT_LOCAL_TIME,
    OUTSIDE_HOURS,
    alternative_slots,
    explain_unavailable,
    nearest_slots,
)
from scheduling.slots.explain import host_reason as engine_host_reason
from scheduling.slots.explain import slot_at as engine_slot_at
from scheduling.slots.inputs import DateOverride, HostAvailability, HostCalendar, Slot, SlotRules, WeeklyWindow
from scheduling.slots.ranges import TimeRange
from scheduling.timezones import (
    NonexistentLocalTime,
    is_repeated_second_pass,
    local_to_instant,
    local_week_bounds,
    parse_date,
    parse_hhmm,
    resolve_timezone,
    wall_clock_instant,
)

# How far either side of the asked time check-availability looks for the nearest slots; with the
# default 60-day horizon this covers the whole booking window.
NEAREST_REACH = timedelta(days=62)
_ZERO = timedelta(0)


# ── the snapshot ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class AvailabilitySnapshot:
    """Everything the slot engine needs for one event type over `window`, read at `now`.

    `window` is where slot starts can be asked about (already clipped to the booking window).
    `ledger[user_id][utc_date]` keeps the LedgerDay objects read: the booking service passes
    them to BookingRepository.insert as the version guard (see `ledger_guard`).
    """

    company: Company
    event_type: EventType
    hosts: list[User]
    host_calendars: list[HostCalendar]
    ledger: dict[str, dict[date, LedgerDay]]
    rules: SlotRules
    now: datetime
    horizon_tz: ZoneInfo
    window: TimeRange
    calendar_calls: int = field(default=0, compare=False)

    @property
    def scheduling_type(self) -> str:
        return self.event_type.scheduling_type

    @cached_property
    def all_slots(self) -> list[Slot]:
        """Every slot in the loaded window (computed once per snapshot)."""
        return compute_slots(
            self.now, self.rules, self.host_calendars, self.window, self.scheduling_type, self.horizon_tz
        )


def rules_for(event_type: EventType) -> SlotRules:
    """The engine's rules from an event type: notice hours → minutes (rounded up)."""
    return SlotRules(
        duration_minutes=event_type.default_duration_minutes,
        interval_minutes=event_type.interval_minutes,
        buffer_before_minutes=event_type.buffer_before_minutes,
        buffer_after_minutes=event_type.buffer_after_minutes,
        min_notice_minutes=math.ceil(event_type.min_notice_hours * 60),
        max_advance_days=event_type.max_advance_days,
    )


def host_availability(availability: Availability | None, fallback_tz: ZoneInfo) -> HostAvailability:
    """Domain availability → engine input; no availability at all means no working hours."""
    if availability is None:
        return HostAvailability(fallback_tz)
    return HostAvailability(
        resolve_timezone(availability.timezone),
        tuple(WeeklyWindow(w.day, w.start, w.end) for w in availability.weekly_hours),
        tuple(DateOverride(o.date, o.type, o.start, o.end) for o in availability.date_overrides),
    )


def booking_window(now: datetime, event_type: EventType, horizon_tz: ZoneInfo) -> TimeRange:
    """[now + min notice, end of the last bookable local day): where any slot may start."""
    return bookable_range(now, rules_for(event_type), horizon_tz)


def window_around(now: datetime, event_type: EventType, horizon_tz: ZoneInfo, instant: datetime) -> TimeRange:
    """The part of the booking window within NEAREST_REACH of `instant` (clamped into it).

    Load this to answer explain/nearest/alternatives about `instant`.
    """
    bookable = booking_window(now, event_type, horizon_tz)
    center = min(max(instant, bookable.start), bookable.end)
    start = max(bookable.start, center - NEAREST_REACH)
    return TimeRange(start, max(start, min(bookable.end, center + NEAREST_REACH)))


@dataclass(frozen=True)
class _Reach:
    """What a snapshot of `window` must read: the clipped window, the hosts (in
    booking_assigned_user_ids order), and the UTC ledger days their bookings can be on."""

    window: TimeRange
    hosts: list[User]
    span: TimeRange  # busy time and bookings that can touch a slot starting in the window
    ledger_days: list[date]


def _reach(config: CompanyConfig, event_type: EventType, window: TimeRange, now: datetime) -> _Reach:
    horizon_tz = resolve_timezone(config.company.timezone)
    rules = rules_for(event_type)
    bookable = bookable_range(now, rules, horizon_tz)
    start, end = max(window.start, bookable.start), min(window.end, bookable.end)
    window = TimeRange(start, max(start, end))
    users = {u.id: u for u in config.users}
    hosts = [users[i] for i in dict.fromkeys(event_type.booking_assigned_user_ids) if i in users]
    span = TimeRange(
        window.start - timedelta(minutes=rules.buffer_before_minutes),
        window.end + timedelta(minutes=rules.duration_minutes + rules.buffer_after_minutes),
    )
    days: list[date] = []
    if window.duration > _ZERO:
        # Round robin among several hosts counts each host's bookings that week (pick_host).
        counts_weeks = event_type.scheduling_type == "round_robin" and len(hosts) > 1
        days = _ledger_days(span, horizon_tz) if counts_weeks else utc_days(span)
    return _Reach(window, hosts, span, days)


def ledger_days_to_read(
    config: CompanyConfig, event_type: EventType, window: TimeRange, now: datetime
) -> dict[str, list[date]]:
    """Per host, the UTC ledger days `load_snapshot` needs for `window`: give it them read as
    `ledger=` (the booking service reads them with its CRM pointers in one BatchGetItem)."""
    reach = _reach(config, event_type, window, now)
    return {host.id: list(reach.ledger_days) for host in reach.hosts}


def load_snapshot(
    config: CompanyConfig,
    event_type: EventType,
    window: TimeRange,
    now: datetime,
    *,
    ledger: dict[str, dict[date, LedgerDay]] | None = None,
    consuming_hold: str | None = None,
) -> AvailabilitySnapshot:
    """What the engine needs for slots starting in `window` (clipped to the booking window).

    `config` (`CompanyRepository.load_config`, one Query) gives the company, the hosts and the
    default hours, so nothing of it is read here. The hosts' ledger days are read with ONE Query
    per host (BookingRepository.read_ledger), unless the caller passes them as `ledger`, read at
    `ledger_days_to_read(...)`. Busy time is ONE calendar freebusy call for all hosts: raises
    ServiceUnavailable CALENDAR_UNAVAILABLE when it fails.

    Live slot holds take their host's time like bookings (expired ones are absent at `now`: no
    job frees them); `consuming_hold` is the hold the caller books through, which does not count.
    """
    company = config.company
    horizon_tz = resolve_timezone(company.timezone)
    rules = rules_for(event_type)
    reach = _reach(config, event_type, window, now)
    window, hosts = reach.window, reach.hosts
    busy, calls = _calendar_busy(hosts, reach.span) if hosts and window.duration > _ZERO else ({}, 0)
    if ledger is None:
        repository = wiring.bookings()
        ledger = {h.id: repository.read_ledger(company.id, h.id, reach.ledger_days) if reach.ledger_days else {}
                  for h in hosts}
    ledger = {h.id: ledger.get(h.id, {}) for h in hosts}
    calendars: list[HostCalendar] = []
    for host in hosts:
        booked = {bid: r for day in ledger[host.id].values() for bid, r in day.ranges.items()}
        calendars.append(HostCalendar(
            host.id,
            host_availability(host.availability or config.availability, horizon_tz),
            calendar_busy=tuple(busy.get((host.calendar_provider, host.calendar_id.lower()), ())),
            booked=tuple(sorted(booked.values())),
            held=tuple(sorted(r for day in ledger[host.id].values()
                              for r in day.live_holds(now, ignore=(consuming_hold,)).values())),
        ))
    return AvailabilitySnapshot(company, event_type, hosts, calendars, ledger, rules, now, horizon_tz, window, calls)


def _calendar_busy(hosts: list[User], reach: TimeRange) -> tuple[dict[tuple[str, str], list[TimeRange]], int]:
    """Each host's busy time from their own calendar provider: one call per provider in use."""
    from scheduling.adapters.calendar.port import CalendarRef

    refs = [CalendarRef(h.calendar_provider, h.calendar_id) for h in hosts]
    try:
        answer = wiring.calendar().busy(refs, reach)
    except DomainError as error:
        if isinstance(error, ServiceUnavailable):
            raise ServiceUnavailable(
                "We could not read the hosts' calendars, so we cannot tell which times are free.",
                code="CALENDAR_UNAVAILABLE",
                fix="Retry in a few seconds; if it persists, check the hosts' calendar connections.",
                details={key: error.details[key] for key in ("provider", "provider_status") if key in error.details},
            ) from error
        raise
    providers = {ref.provider for ref in refs if ref.provider != "none"}
    return {(ref.provider, ref.id.lower()): list(ranges) for ref, ranges in answer.items()}, len(providers)


def _ledger_days(reach: TimeRange, tz: ZoneInfo) -> list[date]:
    """UTC days of `reach`, widened to whole local weeks so round robin can count bookings."""
    week_start, _ = local_week_bounds(reach.start, tz)
    _, week_end = local_week_bounds(reach.end - timedelta(microseconds=1), tz)
    return utc_days(TimeRange(min(week_start, reach.start), max(week_end, reach.end)))


# ── questions about a snapshot ───────────────────────────────────────────────────────────────


def slots(snapshot: AvailabilitySnapshot, window: TimeRange | None = None) -> list[Slot]:
    """Slots starting in `window` (default: the whole loaded window), sorted by start."""
    if window is None:
        return list(snapshot.all_slots)
    return [s for s in snapshot.all_slots if window.start <= s.start < window.end]


def slot_at(snapshot: AvailabilitySnapshot, start: datetime) -> Slot | None:
    """The slot starting exactly at `start` (with its free hosts), or None."""
    return engine_slot_at(snapshot.all_slots, start)


@dataclass(frozen=True)
class RequestedTime:
    """A local date and time someone asked for, and the instant it means.

    `instant` is the first occurrence of a repeated local time; for a local time skipped by a
    daylight-saving jump (`nonexistent`), it is the moment the clocks jump, so nearest slots can
    still be found around it.
    """

    day: date
    at: time
    tz: ZoneInfo
    instant: datetime
    nonexistent: bool = False

    @property
    def pivot(self) -> datetime:
        """Where nearest and alternative slots are measured from. For a skipped local time it is just
        before the jump, so the first slot after the gap (03:00 for a skipped 02:30) counts as after
        the time asked rather than as the time asked itself."""
        return self.instant - timedelta(microseconds=1) if self.nonexistent else self.instant


def requested_time(day: date, at: time, tz: ZoneInfo) -> RequestedTime:
    """Local `day` `at` in `tz` as asked: never refuses (see RequestedTime.nonexistent)."""
    try:
        return RequestedTime(day, at, tz, local_to_instant(day, at, tz))
    except NonexistentLocalTime:
        return RequestedTime(day, at, tz, wall_clock_instant(day, at, tz), nonexistent=True)


SlotFields = tuple[date, time] | datetime  # local date + time, or an instant with offset


def parse_slot_fields(day_text: str | None, time_text: str | None, start_time: str | None) -> SlotFields:
    """A request's time fields checked for shape (contract §3: before the time zone is): `date` +
    `time`, or `start_time`, an ISO 8601 instant with offset (the `/scheduling/*` field).
    MISSING_FIELDS when neither is given, VALIDATION_ERROR naming the field when malformed."""
    if day_text is None and time_text is None and start_time is not None:
        try:
            instant = datetime.fromisoformat(start_time.strip().replace("Z", "+00:00"))
        except (ValueError, AttributeError):
            instant = None
        if instant is None or instant.tzinfo is None or instant.year not in REQUEST_YEARS:
            raise ValidationFailed("start_time", "an ISO 8601 instant with offset, e.g. 2026-12-01T09:00:00+11:00")
        return instant
    missing = [name for name, value in (("date", day_text), ("time", time_text)) if value is None]
    if missing:
        raise MissingFields(f"Required fields are missing: {', '.join(missing)} (or send start_time).",
                            details={"fields": missing})
    return parse_request_date(day_text, "date"), parse_request_time(time_text, "time")


def requested_slot(fields: SlotFields, tz: ZoneInfo) -> RequestedTime:
    """The time `parse_slot_fields` read, in `tz` (an instant is read as its local time there)."""
    if isinstance(fields, datetime):
        local = fields.astimezone(tz)
        return requested_time(local.date(), local.time().replace(tzinfo=None), tz)
    return requested_time(*fields, tz)


REQUEST_YEARS = range(1900, 3000)  # far enough for any booking; keeps date arithmetic clear of year 1 and 9999


def parse_request_date(value: str | None, field: str) -> date:
    """A request's YYYY-MM-DD field (years 1900-2999), or VALIDATION_ERROR naming `field`."""
    try:
        parsed = parse_date(value)  # type: ignore[arg-type]
    except ValueError:
        parsed = None
    if parsed is None or parsed.year not in REQUEST_YEARS:
        raise ValidationFailed(
            field, "a date as YYYY-MM-DD (years 1900-2999)", message=f"'{field}' must be a date as YYYY-MM-DD."
        )
    return parsed


def parse_request_time(value: str | None, field: str) -> time:
    """A request's HH:MM (24 h) field, or VALIDATION_ERROR naming `field`."""
    try:
        return parse_hhmm(value)  # type: ignore[arg-type]
    except ValueError:
        raise ValidationFailed(
            field, "a 24-hour time as HH:MM (00:00-23:59)", message=f"'{field}' must be a time as HH:MM."
        ) from None


def explain(snapshot: AvailabilitySnapshot, asked: RequestedTime | datetime) -> str | None:
    """None when a slot starts at `asked`; otherwise why not, as a contract reason.

    `nonexistent_local_time` for a RequestedTime inside a DST gap; everything else is the slot
    engine's `explain_unavailable` (in_the_past, too_soon, beyond_horizon, date_blocked,
    outside_hours, not_on_grid, busy, booked, held). Ask about instants inside `snapshot.window`: busy
    time and bookings were read for it only.
    """
    if isinstance(asked, RequestedTime):
        if asked.nonexistent:
            return NONEXISTENT_LOCAL_TIME
        asked = asked.instant
    return explain_unavailable(
        snapshot.now, snapshot.rules, snapshot.host_calendars, asked.astimezone(UTC),
        snapshot.scheduling_type, snapshot.horizon_tz,
    )


def nameable(slots_: list[Slot], tz: ZoneInfo | None) -> list[Slot]:
    """Leave out slots whose local time in `tz` is the second pass of a repeated hour: a date
    and time given back to us means the first occurrence, so those could not be booked."""
    if tz is None:
        return slots_
    return [s for s in slots_ if not is_repeated_second_pass(s.start, tz)]


def nearest(
    snapshot: AvailabilitySnapshot, instant: datetime, *, tz: ZoneInfo | None = None
) -> tuple[Slot | None, Slot | None]:
    """The closest slot starting strictly before `instant` and strictly after it (or None),
    within the loaded window; with `tz`, only slots nameable by date and time there."""
    return nearest_slots(nameable(snapshot.all_slots, tz), instant)


def alternatives(
    snapshot: AvailabilitySnapshot, instant: datetime, n: int = 5, *, tz: ZoneInfo | None = None
) -> list[Slot]:
    """The `n` slots starting closest to `instant` (not at it), earlier first on ties; in time order."""
    return alternative_slots(nameable(snapshot.all_slots, tz), instant, n)


def weekly_booking_counts(snapshot: AvailabilitySnapshot, instant: datetime) -> dict[str, int]:
    """Per host, the non-cancelled bookings whose (buffered) range starts in the local week
    (company time zone, Monday to Monday) of `instant`, from the snapshot's ledger."""
    week_start, week_end = local_week_bounds(instant, snapshot.horizon_tz)
    counts: dict[str, int] = {}
    for host_id, days in snapshot.ledger.items():
        starts = {bid: r.start for day in days.values() for bid, r in day.ranges.items()}
        counts[host_id] = sum(1 for s in starts.values() if week_start <= s < week_end)
    return counts


def pick_host(snapshot: AvailabilitySnapshot, slot: Slot) -> str:
    """Round robin: the slot's free host with the fewest bookings that week, then the earliest
    in booking_assigned_user_ids. (Collective bookings go to every host: see booking_hosts.)"""
    return pick_round_robin_host(
        slot.host_ids, weekly_booking_counts(snapshot, slot.start), snapshot.event_type.booking_assigned_user_ids
    )


def host_reason(snapshot: AvailabilitySnapshot, host_id: str, instant: datetime) -> str | None:
    """Why this one host cannot take a slot at `instant` (None: it can), e.g. for the host a
    hold picked when the slot is otherwise free for others."""
    calendar = next((c for c in snapshot.host_calendars if c.host_id == host_id), None)
    return OUTSIDE_HOURS if calendar is None else engine_host_reason(calendar, snapshot.rules, instant)


def booking_hosts(snapshot: AvailabilitySnapshot, slot: Slot) -> list[str]:
    """The host ids a booking in `slot` belongs to: all of them (collective) or the picked one."""
    if snapshot.scheduling_type == "collective":
        return list(slot.host_ids)
    return [pick_host(snapshot, slot)]


def ledger_guard(snapshot: AvailabilitySnapshot, host_ids: list[str], span: TimeRange, *,
                 consumed_hold: str | None = None) -> list[LedgerDay]:
    """For each host and UTC day `span` (a booking's or hold's buffered range) touches, the
    LedgerDay read in this snapshot: what the ledger write conditions on. Expired holds (and
    `consumed_hold`) are pruned from them, so the write drops them (LedgerDay.pruned)."""
    guard = []
    for host_id in host_ids:
        days = snapshot.ledger.get(host_id, {})
        for day in utc_days(span):
            guard.append((days.get(day) or LedgerDay(host_id, day, 0)).pruned(snapshot.now, consumed=consumed_hold))
    return guard

