"""Time zone names in, instants out: shorthand resolution and local wall clock ↔ UTC instant.

Two ways to turn a local date and time into an instant, because the contract needs both:

* `local_to_instant` is for what a *person* asked for (a booking at "02:30"): a local time that
  does not exist (spring forward) is refused with `NonexistentLocalTime`; one that occurs twice
  (fall back) means its first occurrence.
* `wall_clock_instant` is for the *bounds of working hours*: it never refuses. It returns the
  first instant at which the wall clock reads that local time or later, so a bound inside a gap
  becomes the moment the clocks jump, and a repeated bound is its first occurrence.
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from scheduling.errors import InvalidTimezone

DEFAULT_TIMEZONE = "Australia/Sydney"

# Looked up before IANA names, so "EST" means New York (with DST), not tzdata's fixed -05:00 zone.
# Keys are matched case-insensitively, with spaces and underscores treated alike.
TIMEZONE_SHORTHANDS: MappingProxyType[str, str] = MappingProxyType(
    {
        # Australian states and territories → the zone of their capital.
        "NSW": "Australia/Sydney",
        "ACT": "Australia/Sydney",
        "VIC": "Australia/Melbourne",
        "TAS": "Australia/Hobart",
        "QLD": "Australia/Brisbane",
        "SA": "Australia/Adelaide",
        "NT": "Australia/Darwin",
        "WA": "Australia/Perth",
        # Australian capital cities by name (Canberra has no zone of its own).
        "Sydney": "Australia/Sydney",
        "Canberra": "Australia/Sydney",
        "Melbourne": "Australia/Melbourne",
        "Hobart": "Australia/Hobart",
        "Brisbane": "Australia/Brisbane",
        "Adelaide": "Australia/Adelaide",
        "Darwin": "Australia/Darwin",
        "Perth": "Australia/Perth",
        # Australian abbreviations; the daylight and standard names resolve to the same zone.
        "AEST": "Australia/Sydney",
        "AEDT": "Australia/Sydney",
        "ACST": "Australia/Adelaide",
        "ACDT": "Australia/Adelaide",
        "AWST": "Australia/Perth",
        "LHST": "Australia/Lord_Howe",
        "LHDT": "Australia/Lord_Howe",
        # Universal time.
        "UTC": "UTC",
        "GMT": "UTC",
        "Z": "UTC",
        # New Zealand.
        "NZ": "Pacific/Auckland",
        "NZST": "Pacific/Auckland",
        "NZDT": "Pacific/Auckland",
        "Auckland": "Pacific/Auckland",
        "Wellington": "Pacific/Auckland",
        # UK and North America: the named place's zone, daylight saving included.
        "London": "Europe/London",
        "BST": "Europe/London",
        "UK": "Europe/London",
        "EST": "America/New_York",
        "EDT": "America/New_York",
        "New York": "America/New_York",
        "CST": "America/Chicago",
        "CDT": "America/Chicago",
        "Chicago": "America/Chicago",
        "MST": "America/Denver",
        "MDT": "America/Denver",
        "Denver": "America/Denver",
        "PST": "America/Los_Angeles",
        "PDT": "America/Los_Angeles",
        "Los Angeles": "America/Los_Angeles",
        # Nearby Asia-Pacific business hubs.
        "Singapore": "Asia/Singapore",
        "SGT": "Asia/Singapore",
        "Tokyo": "Asia/Tokyo",
        "JST": "Asia/Tokyo",
        "Hong Kong": "Asia/Hong_Kong",
        "HKT": "Asia/Hong_Kong",
    }
)


def _shorthand_key(value: str) -> str:
    return " ".join(value.replace("_", " ").split()).upper()


_SHORTHAND_BY_KEY = {_shorthand_key(name): zone for name, zone in TIMEZONE_SHORTHANDS.items()}
_IANA_SHAPE = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*", re.ASCII)
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


class NonexistentLocalTime(ValueError):
    """A local time skipped by a daylight-saving jump (e.g. 02:30 on a spring-forward day)."""

    def __init__(self, day: date, at: time, tz: ZoneInfo) -> None:
        super().__init__(f"{day.isoformat()} {at:%H:%M} does not exist in {tz.key} (clocks jump forward)")
        self.day, self.at, self.tz = day, at, tz


def resolve_timezone(name: str | None) -> ZoneInfo:
    """An IANA name (any case) or a `TIMEZONE_SHORTHANDS` key → its zone; None or "" → Sydney.

    Raises `InvalidTimezone` naming the value when nothing matches.
    """
    if name is None:
        return ZoneInfo(DEFAULT_TIMEZONE)
    if not isinstance(name, str):
        raise _invalid(repr(name))
    stripped = name.strip()
    if not stripped:
        return ZoneInfo(DEFAULT_TIMEZONE)
    shorthand = _SHORTHAND_BY_KEY.get(_shorthand_key(stripped))
    if shorthand:
        return ZoneInfo(shorthand)
    if len(stripped) <= 64 and _IANA_SHAPE.fullmatch(stripped):
        # Cheap guesses first; listing every zone costs ~50 ms, so it is the last resort.
        for candidate in (stripped, _title_case_zone(stripped)):
            zone = _try_zone(candidate)
            if zone:
                return zone
        canonical = _iana_names_by_lowercase().get(stripped.lower())
        if canonical:
            return ZoneInfo(canonical)
    raise _invalid(stripped)


def _title_case_zone(name: str) -> str:
    # "australia/lord_howe" → "Australia/Lord_Howe": right for most IANA names.
    return "/".join("_".join(w[:1].upper() + w[1:].lower() for w in part.split("_")) for part in name.split("/"))


def _try_zone(key: str) -> ZoneInfo | None:
    # System zoneinfo folders also hold non-zones and the "posix/" and "right/" copies of every zone.
    if key in _NOT_ZONES or key.startswith(("posix/", "right/")):
        return None
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@cache
def _iana_names_by_lowercase() -> dict[str, str]:
    return {
        zone.lower(): zone
        for zone in available_timezones()
        if zone not in _NOT_ZONES and not zone.startswith(("posix/", "right/"))
    }


def _invalid(shown: str) -> InvalidTimezone:
    shown = shown if len(shown) <= 64 else shown[:61] + "..."
    suggestions = difflib.get_close_matches(
        shown, [*TIMEZONE_SHORTHANDS, *_iana_names_by_lowercase().values()], n=1, cutoff=0.75
    )
    hint = f"Did you mean {suggestions[0]}?" if suggestions else None
    return InvalidTimezone(f"'{shown}' is not a time zone we recognise.", hint=hint, details={"timezone": shown})


# ── local wall clock ↔ instant ────────────────────────────────────────────────────────────────


def local_to_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of local `day` `at` in `tz`, as a person means it.

    Raises `NonexistentLocalTime` inside a spring-forward gap; a repeated local time (fall back)
    is its first occurrence.
    """
    instant, exists = _first_occurrence(day, at, tz)
    if not exists:
        raise NonexistentLocalTime(day, at, tz)
    return instant


def wall_clock_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The first instant at which the wall clock in `tz` reads local `day` `at` or later.

    Same as `local_to_instant` except inside a gap, where it is the instant the clocks jump
    (02:30 on Sydney's spring-forward day → 03:00 AEDT). Used for the bounds of working hours.
    """
    instant, exists = _first_occurrence(day, at, tz)
    if exists:
        return instant
    # In the gap, `instant` (the wall time read with the offset from before the jump) is after the
    # jump and one gap length earlier is before it. Bisect to the second: gaps are rare and short.
    wall = datetime.combine(day, at)
    jump_size = tz.utcoffset(wall.replace(fold=1)) - tz.utcoffset(wall)  # type: ignore[operator]
    low, high = instant - jump_size, instant
    offset_after = _offset_at(high, tz)
    while high - low > _ONE_SECOND:
        middle = low + (high - low) // 2
        if _offset_at(middle, tz) == offset_after:
            high = middle
        else:
            low = middle
    return high


_ONE_SECOND = timedelta(seconds=1)
_EPOCH_WALL = datetime(1970, 1, 1)
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)


def _first_occurrence(day: date, at: time, tz: ZoneInfo) -> tuple[datetime, bool]:
    """(instant, exists): the wall time read with its first (fold=0) offset, and whether the wall
    clock really shows that time then (False only inside a spring-forward gap)."""
    wall = datetime.combine(day, at)
    first = tz.utcoffset(wall)
    second = tz.utcoffset(datetime.combine(day, _second_reading(at)))
    assert first is not None and second is not None
    # PEP 495: fold=0 reads the offset from before a transition and fold=1 the one after, so they
    # differ only around one: first > second when the hour repeats, first < second in a gap.
    # Built by addition: datetime.replace() and keyword constructors cost microseconds each,
    # and this runs for every window bound.
    instant = _EPOCH_UTC + (wall - _EPOCH_WALL - first)
    return instant, first >= second


@cache
def _second_reading(at: time) -> time:
    return at.replace(fold=1)


def _offset_at(instant: datetime, tz: ZoneInfo) -> timedelta | None:
    return instant.astimezone(tz).utcoffset()


_ONE_DAY = timedelta(days=1)


def start_of_local_day(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of local `day` in `tz` (midnight, or the jump if midnight is skipped)."""
    return wall_clock_instant(day, time(0), tz)


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    """The calendar date in `tz` at `instant` (which must be timezone-aware)."""
    return _aware(instant).astimezone(tz).date()


def local_week_bounds(instant: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) in `tz` around `instant`: the week round robin counts."""
    today = local_date(instant, tz)
    monday = today - timedelta(days=today.weekday())
    return start_of_local_day(monday, tz), start_of_local_day(monday + 7 * _ONE_DAY, tz)


def is_repeated_second_pass(instant: datetime, tz: ZoneInfo) -> bool:
    """True when `instant` shows a local time that occurred earlier the same night (fall back).

    Such an instant cannot be named by date and time (those mean the first occurrence), so a
    listing in `tz` should leave it out or a client could not book what it was shown.
    """
    return _aware(instant).astimezone(tz).fold == 1


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("expected a timezone-aware datetime")
    return instant


# ── strict parsing of the contract's date and time strings ─────────────────────────────────

_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HHMM_SHAPE = re.compile(r"([0-9]{2}):([0-9]{2})")


def parse_date(value: str) -> date:
    """A date from "2026-12-01"; anything else (other shapes, impossible dates) is a ValueError."""
    if not isinstance(value, str) or not _DATE_SHAPE.fullmatch(value):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
    return date.fromisoformat(value)


def parse_hhmm(value: str) -> time:
    """A time from "09:30" (24-hour); anything else (including "24:00") is a ValueError."""
    match = _HHMM_SHAPE.fullmatch(value) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"expected a time as HH:MM (00:00-23:59), got {value!r}")
    return time(int(match[1]), int(match[2]))
