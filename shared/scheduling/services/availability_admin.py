"""Reading and replacing working hours (contract §7): the company default or one host's own.

`user_id` absent or `me` means the company default: API keys belong to a company, not to a
person, so "me" has no host to point at. A `<uuid>` is that host's own hours; a host without
their own hours reads the company default (`uses_company_default: true`) until hours are PUT.

PUT replaces the whole `{timezone, weekly_hours, date_overrides}`, strictly checked: times are
`HH:MM` 24-hour (00:00-23:59), each window starts before it ends, windows of one weekday (or of
one override date) do not overlap (touching is fine), days are 0-6 with 0 = Sunday, dates are
real `YYYY-MM-DD` days, a `custom` override has `start` and `end`, a `blocked` one has neither,
and a date is either blocked or custom. `timezone` (default: the company's) may be any name
`scheduling.timezones` resolves; the stored and echoed value is the IANA name. Slots read the
stored hours on every request, so a PUT changes the offered slots immediately.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scheduling import wiring
from scheduling.domain.models import Availability, DateOverride, User, WeeklyHours
from scheduling.errors import MissingFields, NotFound, ValidationFailed
from scheduling.timezones import parse_date, parse_hhmm, resolve_timezone

DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
HHMM = "a time as HH:MM, 24-hour (00:00-23:59)"
MAX_WINDOWS = 100
MAX_OVERRIDES = 1000


@dataclass(frozen=True)
class AvailabilityView:
    user_id: str | None  # None: the company default
    uses_company_default: bool
    availability: Availability


def means_company(user_id: str | None) -> bool:
    return user_id is None or user_id.strip().lower() in ("", "me")


def get_availability(company_id: str, user_id: str | None) -> AvailabilityView:
    if means_company(user_id):
        return AvailabilityView(None, True, _company_default(company_id))
    user = _user(company_id, user_id)  # type: ignore[arg-type]
    if user.availability is None:
        return AvailabilityView(user.id, True, _company_default(company_id))
    return AvailabilityView(user.id, False, user.availability)


def put_availability(company_id: str, user_id: str | None, body: dict[str, Any]) -> AvailabilityView:
    """Validate and store the hours; returns what is now stored."""
    companies = wiring.companies()
    user = None if means_company(user_id) else _user(company_id, user_id)  # type: ignore[arg-type]
    default_zone = _company_timezone(company_id)
    availability = validated_availability(body, default_zone)
    if user is None:
        companies.put_default_availability(company_id, availability)
        return AvailabilityView(None, True, availability)
    companies.put_user(user.model_copy(update={"availability": availability}))
    return AvailabilityView(user.id, False, availability)


def validated_availability(body: dict[str, Any], default_timezone: str) -> Availability:
    """The contract's availability shape, checked field by field (errors name the field path)."""
    if not isinstance(body, dict):
        raise ValidationFailed("body", "an object with timezone, weekly_hours and date_overrides")
    if body.get("weekly_hours") is None:
        raise MissingFields("Required fields are missing: weekly_hours.", details={"fields": ["weekly_hours"]})
    zone = body.get("timezone")
    if zone is not None and not isinstance(zone, str):
        raise ValidationFailed("timezone", "an IANA time zone name such as Australia/Sydney")
    timezone_name = resolve_timezone(zone).key if zone else default_timezone
    weekly = _weekly_hours(body["weekly_hours"])
    overrides = _date_overrides(body.get("date_overrides") or [])
    return Availability(timezone=timezone_name, weekly_hours=weekly, date_overrides=overrides)


def _weekly_hours(raw: Any) -> list[WeeklyHours]:
    if not isinstance(raw, list) or len(raw) > MAX_WINDOWS:
        raise ValidationFailed("weekly_hours", f"a list of at most {MAX_WINDOWS} {{day, start, end}} windows")
    windows: list[WeeklyHours] = []
    by_day: dict[int, list[tuple[int, Any, Any]]] = {}
    for index, entry in enumerate(raw):
        path = f"weekly_hours.{index}"
        if not isinstance(entry, dict):
            raise ValidationFailed(path, "an object {day, start, end}")
        day = entry.get("day")
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise ValidationFailed(f"{path}.day", "a whole number 0-6, 0 = Sunday")
        start, end = _window(path, entry)
        by_day.setdefault(day, []).append((index, start, end))
        windows.append(WeeklyHours(day=day, start=entry["start"], end=entry["end"]))
    for day, entries in by_day.items():
        _no_overlap("weekly_hours", entries, f"on {DAY_NAMES[day]}")
    return windows


def _date_overrides(raw: Any) -> list[DateOverride]:
    if not isinstance(raw, list) or len(raw) > MAX_OVERRIDES:
        raise ValidationFailed("date_overrides",
                               f"a list of at most {MAX_OVERRIDES} {{date, type, start?, end?, reason?}}")
    overrides: list[DateOverride] = []
    custom: dict[str, list[tuple[int, Any, Any]]] = {}
    blocked: dict[str, int] = {}
    for index, entry in enumerate(raw):
        path = f"date_overrides.{index}"
        if not isinstance(entry, dict):
            raise ValidationFailed(path, "an object {date, type, start?, end?, reason?}")
        try:
            day = parse_date(entry.get("date"))  # type: ignore[arg-type]
        except ValueError:
            raise ValidationFailed(f"{path}.date", "a real date as YYYY-MM-DD") from None
        kind = entry.get("type")
        reason = entry.get("reason")
        if reason is not None and (not isinstance(reason, str) or len(reason) > 500):
            raise ValidationFailed(f"{path}.reason", "text of up to 500 characters")
        key = day.isoformat()
        if kind == "blocked":
            for name in ("start", "end"):
                if entry.get(name) is not None:
                    raise ValidationFailed(f"{path}.{name}", "no start or end on a blocked date (use type custom)")
            if key in blocked or key in custom:
                raise _same_date(path, key)
            blocked[key] = index
            overrides.append(DateOverride(date=key, type="blocked", reason=reason))
        elif kind == "custom":
            for name in ("start", "end"):
                if entry.get(name) is None:
                    raise ValidationFailed(f"{path}.{name}", f"{HHMM}: a custom override needs start and end",
                                           message=f"'{path}.{name}' is required for a custom override.")
            start, end = _window(path, entry)
            if key in blocked:
                raise _same_date(path, key)
            custom.setdefault(key, []).append((index, start, end))
            overrides.append(
                DateOverride(date=key, type="custom", start=entry["start"], end=entry["end"], reason=reason))
        else:
            raise ValidationFailed(f"{path}.type", "blocked | custom")
    for key, entries in custom.items():
        _no_overlap("date_overrides", entries, f"on {key}")
    return overrides


def _window(path: str, entry: dict[str, Any]) -> tuple[Any, Any]:
    times = []
    for name in ("start", "end"):
        try:
            times.append(parse_hhmm(entry.get(name)))  # type: ignore[arg-type]
        except ValueError:
            raise ValidationFailed(f"{path}.{name}", HHMM) from None
    start, end = times
    if not start < end:
        raise ValidationFailed(f"{path}.end", "a time after start (windows end on the day they start)",
                               message=f"'{path}' ends ({entry['end']}) before it starts ({entry['start']}).")
    return start, end


def _no_overlap(list_name: str, entries: list[tuple[int, Any, Any]], where: str) -> None:
    ordered = sorted(entries, key=lambda e: (e[1], e[2]))
    for (first, _, first_end), (second, second_start, _) in zip(ordered, ordered[1:], strict=False):
        if second_start < first_end:
            low, high = sorted((first, second))
            raise ValidationFailed(
                f"{list_name}.{high}", "windows that do not overlap on the same day (touching is fine)",
                message=f"{list_name}[{high}] overlaps {list_name}[{low}] {where}.",
                details={"overlaps": f"{list_name}.{low}"},
            )


def _same_date(path: str, key: str) -> ValidationFailed:
    return ValidationFailed(f"{path}.date", "each date either blocked once or given custom windows",
                            message=f"{key} is both blocked and given hours, or blocked twice.")


def _user(company_id: str, user_id: str) -> User:
    user = wiring.companies().get_user(company_id, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}.",
                       fix="Use an id from GET /v1/users, or user_id=me for the company default.")
    return user


def _company_timezone(company_id: str) -> str:
    company = wiring.companies().get(company_id)
    return company.timezone if company else "Australia/Sydney"


def _company_default(company_id: str) -> Availability:
    stored = wiring.companies().get_default_availability(company_id)
    return stored or Availability(timezone=_company_timezone(company_id))
