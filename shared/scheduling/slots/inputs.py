"""What the slot engine is given and what it returns: small frozen values, validated on creation.

Validation here raises plain `ValueError`; the domain models validate requests first and turn
bad input into `ValidationFailed`, so these errors only signal a programming mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from types import MappingProxyType
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from scheduling.slots.ranges import TimeRange
from scheduling.timezones import parse_date, parse_hhmm

SchedulingType = Literal["round_robin", "collective"]
SCHEDULING_TYPES: tuple[str, ...] = ("round_robin", "collective")

_Date = date  # DateOverride has a field named `date`, which hides the type inside its class body
Hours = tuple[tuple[time, time], ...]  # one local day's windows, [start, end) wall-clock times


@dataclass(frozen=True, slots=True)
class SlotRules:
    """An event type's timing rules, in minutes (days for the horizon)."""

    duration_minutes: int
    interval_minutes: int
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    min_notice_minutes: int = 0
    max_advance_days: int = 60

    def __post_init__(self) -> None:
        if self.duration_minutes <= 0 or self.interval_minutes <= 0:
            raise ValueError("duration_minutes and interval_minutes must be positive")
        if min(self.buffer_before_minutes, self.buffer_after_minutes, self.min_notice_minutes) < 0:
            raise ValueError("buffers and min_notice_minutes cannot be negative")
        if self.max_advance_days < 0:
            raise ValueError("max_advance_days cannot be negative")


def _as_time(value: time | str) -> time:
    return parse_hhmm(value) if isinstance(value, str) else value


def _check_window(start: time, end: time) -> None:
    if not start < end:
        raise ValueError(f"a window must start before it ends: {start:%H:%M}-{end:%H:%M}")


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """Working hours on one weekday: `day` 0-6 with 0 = Sunday, [start, end) local wall clock."""

    day: int
    start: time
    end: time

    def __init__(self, day: int, start: time | str, end: time | str) -> None:
        if day not in range(7):
            raise ValueError(f"day must be 0-6 (0 = Sunday), got {day!r}")
        object.__setattr__(self, "day", day)
        object.__setattr__(self, "start", _as_time(start))
        object.__setattr__(self, "end", _as_time(end))
        _check_window(self.start, self.end)


@dataclass(frozen=True, slots=True)
class DateOverride:
    """A date that does not follow the weekly hours: "blocked" (no hours) or "custom" hours.

    Several custom overrides on one date give several windows; a blocked one wins over them.
    """

    date: date
    type: Literal["blocked", "custom"]
    start: time | None = None
    end: time | None = None

    def __init__(
        self, date: _Date | str, type: str, start: time | str | None = None, end: time | str | None = None
    ) -> None:
        if type not in ("blocked", "custom"):
            raise ValueError(f"override type must be 'blocked' or 'custom', got {type!r}")
        object.__setattr__(self, "date", parse_date(date) if isinstance(date, str) else date)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "start", None if start is None else _as_time(start))
        object.__setattr__(self, "end", None if end is None else _as_time(end))
        if type == "custom":
            if self.start is None or self.end is None:
                raise ValueError("a custom override needs start and end")
            _check_window(self.start, self.end)


@dataclass(frozen=True, slots=True)
class HostAvailability:
    """A host's time zone, weekly hours and date overrides, indexed once for per-day lookup."""

    timezone: ZoneInfo
    weekly: tuple[WeeklyWindow, ...] = ()
    overrides: tuple[DateOverride, ...] = ()
    _weekly_hours: tuple[Hours, ...] = field(init=False, repr=False, compare=False)
    _override_hours: Mapping[date, Hours] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekly", tuple(self.weekly))
        object.__setattr__(self, "overrides", tuple(self.overrides))
        by_day: list[list[tuple[time, time]]] = [[] for _ in range(7)]
        for window in self.weekly:
            by_day[window.day].append((window.start, window.end))
        object.__setattr__(self, "_weekly_hours", tuple(tuple(sorted(hours)) for hours in by_day))
        custom: dict[date, list[tuple[time, time]]] = {}
        blocked: set[date] = set()
        for override in self.overrides:
            if override.type == "blocked":
                blocked.add(override.date)
            else:
                assert override.start is not None and override.end is not None
                custom.setdefault(override.date, []).append((override.start, override.end))
        hours: dict[date, Hours] = {day: tuple(sorted(windows)) for day, windows in custom.items()}
        hours.update(dict.fromkeys(blocked, ()))
        object.__setattr__(self, "_override_hours", MappingProxyType(hours))

    def hours_on(self, day: date) -> Hours:
        """The windows of local `day` after overrides (custom replaces, blocked empties)."""
        override = self._override_hours.get(day)
        if override is not None:
            return override
        return self._weekly_hours[(day.weekday() + 1) % 7]  # contract days: 0 = Sunday

    def is_blocked(self, day: date) -> bool:
        """True when a "blocked" override removes local `day`."""
        return self._override_hours.get(day) == ()


@dataclass(frozen=True, slots=True)
class HostCalendar:
    """One host as the engine sees them: hours, external busy times, existing bookings and holds.

    `booked` holds non-cancelled bookings already widened by their own buffers; `held` the live
    slot holds (contract §10) widened the same way: the caller leaves out expired ones and the
    hold it is consuming, so the engine never needs a clock for them.
    """

    host_id: str
    availability: HostAvailability
    calendar_busy: tuple[TimeRange, ...] = ()
    booked: tuple[TimeRange, ...] = ()
    held: tuple[TimeRange, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "calendar_busy", tuple(self.calendar_busy))
        object.__setattr__(self, "booked", tuple(self.booked))
        object.__setattr__(self, "held", tuple(self.held))


class Slot(NamedTuple):
    """A bookable [start, end) in UTC and the hosts free for it, in the event type's host order.

    A NamedTuple rather than a frozen dataclass: just as immutable, half the cost to create,
    and the engine creates one per offered start.
    """

    start: datetime
    end: datetime
    host_ids: tuple[str, ...]
