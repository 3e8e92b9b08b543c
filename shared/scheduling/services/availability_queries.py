"""The two JSON availability endpoints' use cases (contract §3 items 5 and 6).

    check_availability     is one local date and time free? why not? what is nearest?
    list_available_slots   the free times on a range of local dates, in the asker's time zone

Both check the body in the contract's order (shape and formats, event type given, time zone,
event type, then slots) and read through `availability.load_snapshot`. The company's
configuration (company, event types, hosts, default hours) is ONE Query (`load_config`), made
when the event type is looked up; then one ledger Query per host and one freebusy call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.domain.models import EventType
from scheduling.errors import ValidationFailed
from scheduling.services.availability import (
    RequestedTime,
    explain,
    load_snapshot,
    nameable,
    nearest,
    parse_request_date,
    parse_request_time,
    requested_time,
    slots,
    window_around,
)
from scheduling.services.event_types import require_identifier, resolve_event_type
from scheduling.slots.inputs import Slot
from scheduling.slots.ranges import TimeRange
from scheduling.timezones import local_date, resolve_timezone, start_of_local_day

DEFAULT_LISTING_DAYS = 14
MAX_LISTING_DAYS = 30


@dataclass(frozen=True)
class AvailabilityCheck:
    event_type: EventType
    asked: RequestedTime
    reason: str | None
    nearest_before: Slot | None
    nearest_after: Slot | None

    @property
    def available(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class SlotListing:
    event_type: EventType
    tz: ZoneInfo
    date_from: date
    date_to: date
    slots: list[Slot]


def check_availability(
    company_id: str,
    *,
    date_value: str,
    time_value: str,
    timezone_name: str | None,
    now: datetime,
    event_type_id: str | None = None,
    event_type_slug: str | None = None,
    event_type_name: str | None = None,
) -> AvailabilityCheck:
    """Is the asked local date and time free for the event type, and what is nearest to it?

    Checks in order: date, time, event type given, time zone, event type, then the slot.
    """
    day = parse_request_date(date_value, "date")
    at = parse_request_time(time_value, "time")
    require_identifier(event_type_id, event_type_slug, event_type_name)
    tz = resolve_timezone(timezone_name)
    config = wiring.companies().load_config(company_id)
    event_type = resolve_event_type(
        company_id, event_type_id=event_type_id, event_type_slug=event_type_slug, event_type_name=event_type_name,
        event_types=config.event_types,
    )
    asked = requested_time(day, at, tz)
    window = window_around(now, event_type, resolve_timezone(config.company.timezone), asked.instant)
    snapshot = load_snapshot(config, event_type, window, now)
    before, after = nearest(snapshot, asked.pivot, tz=tz)
    return AvailabilityCheck(event_type, asked, explain(snapshot, asked), before, after)


def list_available_slots(
    company_id: str,
    *,
    date_from: str | None,
    date_to: str | None,
    timezone_name: str | None,
    now: datetime,
    event_type_id: str | None = None,
    event_type_slug: str | None = None,
    event_type_name: str | None = None,
) -> SlotListing:
    """Slots on local dates date_from..date_to (inclusive) in the asked time zone.

    date_from defaults to today there, date_to to date_from + 14 days; at most 30 days apart.
    Slots whose local time is the second pass of a repeated hour are left out (not nameable).
    """
    first = parse_request_date(date_from, "date_from") if date_from else None
    last = parse_request_date(date_to, "date_to") if date_to else None
    require_identifier(event_type_id, event_type_slug, event_type_name)
    tz = resolve_timezone(timezone_name)
    first = first or local_date(now, tz)
    last = last or first + timedelta(days=DEFAULT_LISTING_DAYS)
    if last < first:
        raise ValidationFailed("date_to", "a date on or after date_from")
    if (last - first).days > MAX_LISTING_DAYS:
        latest = first + timedelta(days=MAX_LISTING_DAYS)
        raise ValidationFailed(
            "date_to",
            f"a date at most {MAX_LISTING_DAYS} days after date_from",
            message=f"date_to is {(last - first).days} days after date_from; at most {MAX_LISTING_DAYS} are allowed.",
            fix=f"Ask for at most {MAX_LISTING_DAYS} days at a time, e.g. date_to = {latest.isoformat()}.",
        )
    config = wiring.companies().load_config(company_id)
    event_type = resolve_event_type(
        company_id, event_type_id=event_type_id, event_type_slug=event_type_slug, event_type_name=event_type_name,
        event_types=config.event_types,
    )
    window = TimeRange(start_of_local_day(first, tz), start_of_local_day(last + timedelta(days=1), tz))
    snapshot = load_snapshot(config, event_type, window, now)
    return SlotListing(event_type, tz, first, last, nameable(slots(snapshot, window), tz))

