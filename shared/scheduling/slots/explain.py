"""Why an instant is not a slot (contract §3 reasons), and the slots nearest to it.

`explain_unavailable` agrees with `compute_slots` by construction of its checks: it returns None
exactly when `compute_slots` would offer the instant. The first failing check, in this order,
names the reason:

    in_the_past      start < now
    too_soon         start < now + min notice
    beyond_horizon   start's local date (horizon zone) > today + max_advance_days
    date_blocked     a "blocked" override removes the host's local date
    outside_hours    no window of the host's day contains [start, end)
    not_on_grid      a window contains it, but start is not window start + k × interval
    busy             [start − buffer_before, end + buffer_after) meets external calendar busy time
    booked           ... meets an existing booking (already widened by its own buffers)
    held             ... meets a live slot hold (contract §10; widened the same way)

With several hosts each gets its own reason. Round robin needs one free host, so the reason is
the one of the host that came furthest down the list (e.g. one host's day is blocked, another
is busy: "busy"); `date_blocked` therefore means every host's day is blocked. Collective needs
all hosts, so the reason is the earliest one any host fails.
`nonexistent_local_time` is decided before the engine, when a local date and time are turned
into an instant (`timezones.local_to_instant`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.slots.engine import bookable_range
from scheduling.slots.inputs import SCHEDULING_TYPES, HostCalendar, Slot, SlotRules
from scheduling.slots.ranges import TimeRange
from scheduling.slots.windows import ONE_DAY, host_day_spans

IN_THE_PAST = "in_the_past"
TOO_SOON = "too_soon"
BEYOND_HORIZON = "beyond_horizon"
DATE_BLOCKED = "date_blocked"
OUTSIDE_HOURS = "outside_hours"
NOT_ON_GRID = "not_on_grid"
BUSY = "busy"
BOOKED = "booked"
HELD = "held"
NONEXISTENT_LOCAL_TIME = "nonexistent_local_time"

HOST_REASONS = (DATE_BLOCKED, OUTSIDE_HOURS, NOT_ON_GRID, BUSY, BOOKED, HELD)  # checked in this order


def explain_unavailable(
    now: datetime,
    rules: SlotRules,
    hosts: Sequence[HostCalendar],
    start: datetime,
    scheduling_type: str,
    horizon_tz: ZoneInfo,
) -> str | None:
    """None when `start` is a slot, else the contract reason it is not (see module docstring)."""
    if scheduling_type not in SCHEDULING_TYPES:
        raise ValueError(f"scheduling_type must be one of {SCHEDULING_TYPES}, got {scheduling_type!r}")
    if start < now:
        return IN_THE_PAST
    bookable = bookable_range(now, rules, horizon_tz)
    if start < bookable.start:
        return TOO_SOON
    if start >= bookable.end:
        return BEYOND_HORIZON
    if not hosts:
        return OUTSIDE_HOURS
    blocking = [reason for reason in (host_reason(host, rules, start) for host in hosts) if reason]
    if scheduling_type == "round_robin":
        return max(blocking, key=HOST_REASONS.index) if len(blocking) == len(hosts) else None
    return min(blocking, key=HOST_REASONS.index) if blocking else None


def host_reason(host: HostCalendar, rules: SlotRules, start: datetime) -> str | None:
    """The first of HOST_REASONS that stops this host taking [start, start + duration), or None."""
    availability = host.availability
    day = start.astimezone(availability.timezone).date()
    if availability.is_blocked(day):
        return DATE_BLOCKED
    end = start + timedelta(minutes=rules.duration_minutes)
    # Neighbouring days too, as compute_slots converts each window on its own local date.
    windows = [span for d in (day - ONE_DAY, day, day + ONE_DAY) for span in host_day_spans(availability, d)]
    containing = [window_start for window_start, window_end in windows if window_start <= start and end <= window_end]
    if not containing:
        return OUTSIDE_HOURS
    interval = timedelta(minutes=rules.interval_minutes)
    if all((start - window_start) % interval for window_start in containing):
        return NOT_ON_GRID
    guarded = TimeRange(
        start - timedelta(minutes=rules.buffer_before_minutes), end + timedelta(minutes=rules.buffer_after_minutes)
    )
    if _meets(guarded, host.calendar_busy):
        return BUSY
    if _meets(guarded, host.booked):
        return BOOKED
    if _meets(guarded, host.held):
        return HELD
    return None


def _meets(guarded: TimeRange, ranges: Sequence[TimeRange]) -> bool:
    # Empty ranges hold no time, so they block nothing (as in the engine).
    return any(r.start < r.end and guarded.overlaps(r) for r in ranges)


# ── the slots around an instant (for check-availability and SLOT_UNAVAILABLE details) ─────────


def nearest_slots(slots: Sequence[Slot], instant: datetime) -> tuple[Slot | None, Slot | None]:
    """The last slot starting strictly before `instant` and the first strictly after it.

    `slots` sorted by start, as `compute_slots` returns them.
    """
    before = bisect_left(slots, instant, key=_start)
    after = bisect_right(slots, instant, key=_start)
    return (slots[before - 1] if before else None, slots[after] if after < len(slots) else None)


def alternative_slots(slots: Sequence[Slot], instant: datetime, limit: int = 5) -> list[Slot]:
    """Up to `limit` slots closest in time to `instant` (not the one starting at it), in time order.

    Ties go to the earlier slot.
    """
    before = bisect_left(slots, instant, key=_start)
    after = bisect_right(slots, instant, key=_start)
    picked: list[Slot] = []
    while len(picked) < limit and (before > 0 or after < len(slots)):
        earlier = slots[before - 1] if before > 0 else None
        later = slots[after] if after < len(slots) else None
        if later is None or (earlier is not None and instant - earlier.start <= later.start - instant):
            picked.append(earlier)  # type: ignore[arg-type]
            before -= 1
        else:
            picked.append(later)
            after += 1
    return sorted(picked, key=_start)


def slot_at(slots: Sequence[Slot], instant: datetime) -> Slot | None:
    """The slot starting exactly at `instant`, if any."""
    index = bisect_left(slots, instant, key=_start)
    return slots[index] if index < len(slots) and slots[index].start == instant else None


def _start(slot: Slot) -> datetime:
    return slot.start
