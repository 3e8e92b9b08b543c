"""Every human-readable date and time string, in the contract's English (AU) style.

JSON `formatted` fields and the voice text both come from here, so they can never disagree:

    format_instant          Tuesday, 1 December 2026 at 9:00 AM
    format_instant_no_year  Tuesday, 1 December at 9:30 AM      (nearest-slot suggestions)
    format_date             Tuesday, 1 December 2026
    format_time             9:00 AM
    format_voice_day        Tuesday 12/01                       (voice slot list headings)

Names come from our own tables rather than `strftime("%A")`, which follows the process locale.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

# Indexed by date.weekday(): Monday = 0.
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def day_name(day: date) -> str:
    """The weekday's name, e.g. "Tuesday" (a datetime counts by its own calendar date)."""
    return DAY_NAMES[day.weekday()]


def format_date(day: date) -> str:
    """A date as "Tuesday, 1 December 2026"."""
    return f"{day_name(day)}, {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def format_time(value: time | datetime, tz: ZoneInfo | None = None) -> str:
    """A time as "9:00 AM": 12-hour clock, no leading zero, "12:00 PM" at noon, "12:30 AM" after midnight.

    An aware datetime is first converted to `tz` when one is given.
    """
    if isinstance(value, datetime) and tz is not None:
        value = _in_zone(value, tz)
    hour12 = value.hour % 12 or 12
    return f"{hour12}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def format_instant(instant: datetime, tz: ZoneInfo) -> str:
    """An instant as "Tuesday, 1 December 2026 at 9:00 AM", as the clock reads in `tz`."""
    local = _in_zone(instant, tz)
    return f"{format_date(local.date())} at {format_time(local)}"


def format_instant_no_year(instant: datetime, tz: ZoneInfo) -> str:
    """An instant as "Tuesday, 1 December at 9:30 AM" (no year), as the clock reads in `tz`."""
    local = _in_zone(instant, tz)
    return f"{day_name(local)}, {local.day} {MONTH_NAMES[local.month - 1]} at {format_time(local)}"


def format_voice_day(day: date) -> str:
    """A day as "Monday 04/27": the voice slot list's day heading (month/day, as Retell agents read)."""
    return f"{day_name(day)} {day.month:02d}/{day.day:02d}"


def _in_zone(instant: datetime, tz: ZoneInfo) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("format an aware datetime; naive ones have no time zone to show")
    return instant.astimezone(tz)
