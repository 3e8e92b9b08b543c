"""A minute-by-minute reference for the slot engine, written from contract §2 alone.

Deliberately simple and slow: it shares only the input types with `scheduling.slots`, none of
its logic. Every minute's local wall clock is computed with `astimezone`, working-hours bounds
are found by scanning for the first minute whose wall clock reaches them, busy time is a set of
busy minutes, and every minute of the query is tried as a start.

Assumes minute-aligned inputs (busy ranges, `now`, query bounds, UTC offsets), which is what
the property tests and the bench case generate.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.slots.inputs import HostAvailability, HostCalendar, SlotRules
from scheduling.slots.ranges import TimeRange

MINUTE = timedelta(minutes=1)
MARGIN = timedelta(days=2)  # scan this far around the query so neighbouring days' windows exist
MAX_UTC_OFFSET = timedelta(hours=14)


def brute_force_slots(
    now: datetime,
    rules: SlotRules,
    hosts: list[HostCalendar],
    query: TimeRange,
    scheduling_type: str,
    horizon_tz: ZoneInfo,
) -> list[tuple[datetime, datetime, tuple[str, ...]]]:
    """(start, end, free host ids) for every slot starting in `query`, in time order."""
    duration = timedelta(minutes=rules.duration_minutes)
    first_minute = _floor_minute(query.start.astimezone(UTC)) - MARGIN
    minute_count = int((query.end - first_minute + MARGIN) / MINUTE)
    minutes = [first_minute + i * MINUTE for i in range(minute_count)]

    free_hosts: dict[datetime, list[str]] = {}
    for host in hosts:
        for start in sorted(_free_starts(host, rules, minutes, now, query, horizon_tz)):
            free_hosts.setdefault(start, []).append(host.host_id)

    result = []
    for start in sorted(free_hosts):
        ids = tuple(free_hosts[start])
        if scheduling_type == "collective" and len(ids) < len(hosts):
            continue
        result.append((start, start + duration, ids))
    return result


def _free_starts(host, rules, minutes, now, query, horizon_tz) -> set[datetime]:
    duration = timedelta(minutes=rules.duration_minutes)
    interval = timedelta(minutes=rules.interval_minutes)
    before = timedelta(minutes=rules.buffer_before_minutes)
    after = timedelta(minutes=rules.buffer_after_minutes)
    earliest = now + timedelta(minutes=rules.min_notice_minutes)
    last_day = now.astimezone(horizon_tz).date() + timedelta(days=rules.max_advance_days)

    busy_minutes = set()
    for busy in (*host.calendar_busy, *host.booked, *host.held):
        minute = _floor_minute(busy.start.astimezone(UTC))
        while minute < busy.end:
            busy_minutes.add(minute)
            minute += MINUTE

    free = set()
    for window_start, window_end in _windows(host.availability, minutes):
        start = window_start
        while start + duration <= window_end:  # every minute of the window, keeping grid points
            on_grid = (start - window_start) % interval == timedelta(0)
            if (
                on_grid
                and query.start <= start < query.end
                and start >= earliest
                and start.astimezone(horizon_tz).date() <= last_day
                and not _any_busy(busy_minutes, start - before, start + duration + after)
            ):
                free.add(start)
            start += MINUTE
    return free


def _windows(availability: HostAvailability, minutes: list[datetime]) -> list[tuple[datetime, datetime]]:
    """Each window as [first minute the wall clock reaches its start, ... reaches its end)."""
    walls = [m.astimezone(availability.timezone).replace(tzinfo=None) for m in minutes]
    day, last_day = walls[0].date(), walls[-1].date()
    windows = []
    while day <= last_day:
        for start, end in _hours(availability, day):
            window_start = _first_minute_reaching(datetime.combine(day, start), minutes, walls)
            window_end = _first_minute_reaching(datetime.combine(day, end), minutes, walls)
            if window_start and window_end and window_start < window_end:
                windows.append((window_start, window_end))
        day += timedelta(days=1)
    return windows


def _hours(availability: HostAvailability, day: date):
    overrides = [o for o in availability.overrides if o.date == day]
    if any(o.type == "blocked" for o in overrides):
        return []
    if overrides:
        return [(o.start, o.end) for o in overrides]
    sunday_is_zero = day.isoweekday() % 7
    return [(w.start, w.end) for w in availability.weekly if w.day == sunday_is_zero]


def _first_minute_reaching(target: datetime, minutes, walls):
    # No instant before target - 14 h can show target on any wall clock, so start there.
    index = max(0, int((target - MAX_UTC_OFFSET - minutes[0].replace(tzinfo=None)) / MINUTE))
    for i in range(index, len(minutes)):
        if walls[i] >= target:
            return minutes[i]
    return None


def _any_busy(busy_minutes, start, end) -> bool:
    minute = start
    while minute < end:
        if minute in busy_minutes:
            return True
        minute += MINUTE
    return False


def _floor_minute(instant: datetime) -> datetime:
    return instant.replace(second=0, microsecond=0)
