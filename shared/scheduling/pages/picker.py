"""The day-and-time picker both pages show: real slots from the same engine as the API.

Two weeks of days at a time (`DAYS_SHOWN`), starting at `start` (default: today in the booker's
zone); each day that has free times is a link; the chosen day (default: the first with times)
lists its times as radio buttons. Bad query values fall back to the defaults rather than fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.formatting import DAY_NAMES, MONTH_NAMES, format_date, format_time
from scheduling.services.availability_queries import list_available_slots
from scheduling.timezones import local_date

DAYS_SHOWN = 14


@dataclass(frozen=True)
class DayOption:
    date: str  # YYYY-MM-DD
    label: str  # "Tue 3 Dec"
    count: int
    selected: bool


@dataclass(frozen=True)
class TimeOption:
    time: str  # HH:MM
    label: str  # "9:30 AM"


@dataclass(frozen=True)
class Picker:
    timezone: str
    start: str
    days: list[DayOption] = field(default_factory=list)
    selected: str | None = None
    selected_label: str | None = None
    times: list[TimeOption] = field(default_factory=list)
    earlier: str | None = None  # start of the previous two weeks, when not before today
    later: str | None = None  # start of the next two weeks, while inside the booking window


def _parse(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


def short_label(day: date) -> str:
    return f"{DAY_NAMES[day.weekday()][:3]} {day.day} {MONTH_NAMES[day.month - 1][:3]}"


def build_picker(
    company_id: str,
    event_type_id: str,
    tz: ZoneInfo,
    now: datetime,
    *,
    day: str | None = None,
    start: str | None = None,
    exclude: datetime | None = None,
) -> Picker:
    """Slots of the event type for two weeks in `tz`; `exclude` drops one start (the current booking).

    Raises what `list_available_slots` raises (EVENT_TYPE_NOT_FOUND when it is no longer bookable,
    503 CALENDAR_UNAVAILABLE when busy times cannot be read).
    """
    today = local_date(now, tz)
    wanted = _parse(day)
    first = _parse(start) or today
    if first < today:
        first = today
    if wanted is not None and wanted >= today and not first <= wanted < first + timedelta(days=DAYS_SHOWN):
        first = wanted
    last = first + timedelta(days=DAYS_SHOWN - 1)
    listing = list_available_slots(
        company_id, date_from=first.isoformat(), date_to=last.isoformat(), timezone_name=tz.key, now=now,
        event_type_id=event_type_id,
    )
    by_day: dict[date, list[TimeOption]] = {}
    for slot in listing.slots:
        if exclude is not None and slot.start == exclude:
            continue
        local = slot.start.astimezone(tz)
        by_day.setdefault(local.date(), []).append(TimeOption(local.strftime("%H:%M"), format_time(local)))
    chosen = wanted if wanted in by_day else (min(by_day) if by_day else None)
    horizon = today + timedelta(days=listing.event_type.max_advance_days)
    return Picker(
        timezone=tz.key,
        start=first.isoformat(),
        days=[DayOption(d.isoformat(), short_label(d), len(t), d == chosen) for d, t in sorted(by_day.items())],
        selected=chosen.isoformat() if chosen else None,
        selected_label=format_date(chosen) if chosen else None,
        times=by_day.get(chosen, []) if chosen else [],
        earlier=max(today, first - timedelta(days=DAYS_SHOWN)).isoformat() if first > today else None,
        later=(last + timedelta(days=1)).isoformat() if last < horizon else None,
    )


def split_slot(fields: dict[str, str]) -> dict[str, str]:
    """The form's `slot` radio ("YYYY-MM-DD HH:MM") as the `date` and `time` the services take.

    Explicit `date` / `time` fields win; a slot that does not split stays as given in `date`, so
    the service reports it the way the JSON API would (VALIDATION_ERROR / MISSING_FIELDS).
    """
    out = dict(fields)
    slot = (fields.get("slot") or "").strip()
    if slot and not (fields.get("date") or fields.get("time")):
        day, _, at = slot.partition(" ")
        out["date"], out["time"] = day, at.strip()
    return out
