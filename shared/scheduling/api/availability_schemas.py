"""Bodies and responses of the two availability endpoints, and how their answers look in JSON.

Bodies keep loose `str` types (formats are checked by the service, so the contract's order of
errors holds); responses document the `data` of contract §3 items 5 and 6.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from scheduling.api.schemas import DocModel
from scheduling.formatting import day_name, format_date, format_instant, format_instant_no_year, format_time
from scheduling.services.availability_queries import AvailabilityCheck, SlotListing
from scheduling.slots.inputs import Slot


class EventTypeRef(BaseModel):
    model_config = ConfigDict(extra="ignore")

    event_type_id: str | None = Field(default=None, max_length=200, description="Wins over slug and name.")
    event_type_slug: str | None = Field(default=None, max_length=200, description="Used when no id is sent.")
    event_type_name: str | None = Field(
        default=None, max_length=200, description="Exact (any case), else a unique close match."
    )
    timezone: str | None = Field(
        default=None,
        max_length=200,
        description="IANA name or shorthand (NSW, WA, AEST, UTC…); default Australia/Sydney.",
    )


class CheckAvailabilityBody(EventTypeRef):
    date: str = Field(max_length=40, description="YYYY-MM-DD, in `timezone`.", examples=["2026-12-01"])
    time: str = Field(max_length=40, description="HH:MM 24 h, in `timezone`.", examples=["09:00"])


class AvailableSlotsBody(EventTypeRef):
    date_from: str | None = Field(default=None, max_length=40, description="YYYY-MM-DD; default today in `timezone`.")
    date_to: str | None = Field(
        default=None, max_length=40, description="YYYY-MM-DD inclusive; default date_from + 14 days, at most + 30."
    )


# ── responses ────────────────────────────────────────────────────────────────────────────────


class NearestSlotOut(DocModel):
    date: str = Field(examples=["2026-12-01"])
    time: str = Field(examples=["09:30"])
    formatted: str = Field(examples=["Tuesday, 1 December at 9:30 AM"])


class AskedSlotOut(DocModel):
    date: str
    time: str
    formatted: str = Field(examples=["Tuesday, 1 December 2026 at 9:00 AM"])
    duration_minutes: int


class CheckAvailabilityData(DocModel):
    available: bool
    slot: AskedSlotOut
    reason: str | None = Field(
        default=None,
        description="Only when unavailable: in_the_past, too_soon, beyond_horizon, outside_hours, date_blocked, "
        "not_on_grid, busy, booked or nonexistent_local_time.",
    )
    nearest_before: NearestSlotOut | None
    nearest_after: NearestSlotOut | None
    hint: str


class CheckAvailabilityResponse(DocModel):
    data: CheckAvailabilityData


class SlotTimeOut(DocModel):
    time: str = Field(examples=["09:00"])
    formatted: str = Field(examples=["9:00 AM"])


class SlotDateOut(DocModel):
    date: str
    day_name: str
    formatted: str = Field(examples=["Tuesday, 1 December 2026"])
    slots: list[SlotTimeOut]


class NextAvailableOut(DocModel):
    date: str
    time: str
    formatted: str = Field(examples=["Tuesday, 1 December 2026 at 9:00 AM"])


class AvailabilityOut(DocModel):
    timezone: str = Field(examples=["Australia/Perth"])
    total_available_slots: int
    next_available: NextAvailableOut | None
    dates: list[SlotDateOut]


class EventTypeOut(DocModel):
    id: str
    name: str
    duration_minutes: int


class AvailableSlotsData(DocModel):
    success: bool
    event_type: EventTypeOut
    availability: AvailabilityOut


class AvailableSlotsResponse(DocModel):
    data: AvailableSlotsData


# ── presenters ───────────────────────────────────────────────────────────────────────────────

_REASON_TEXT = {
    "in_the_past": "That time has already passed.",
    "too_soon": "That time is too soon: this event type needs more notice.",
    "beyond_horizon": "That date is further ahead than this event type can be booked.",
    "outside_hours": "That time is outside the hosts' working hours (or the meeting would run past them).",
    "date_blocked": "The hosts are not available on that date.",
    "not_on_grid": "Meetings start on a fixed grid and that time is not on it.",
    "busy": "The hosts' calendars are busy then.",
    "booked": "That time is already booked.",
    "nonexistent_local_time": "That local time does not exist: the clocks jump forward then (daylight saving).",
}


def nearest_json(slot: Slot | None, tz: ZoneInfo) -> dict[str, str] | None:
    if slot is None:
        return None
    local = slot.start.astimezone(tz)
    return {
        "date": local.date().isoformat(),
        "time": f"{local:%H:%M}",
        "formatted": format_instant_no_year(slot.start, tz),
    }


def check_json(check: AvailabilityCheck) -> dict[str, Any]:
    asked, tz = check.asked, check.asked.tz
    formatted = f"{format_date(asked.day)} at {format_time(asked.at)}"
    data: dict[str, Any] = {
        "available": check.available,
        "slot": {
            "date": asked.day.isoformat(),
            "time": f"{asked.at:%H:%M}",
            "formatted": formatted,
            "duration_minutes": check.event_type.default_duration_minutes,
        },
    }
    if not check.available:
        data["reason"] = check.reason
    before, after = nearest_json(check.nearest_before, tz), nearest_json(check.nearest_after, tz)
    data["nearest_before"], data["nearest_after"] = before, after
    data["hint"] = _hint(check, formatted, before, after)
    return data


def _hint(check: AvailabilityCheck, formatted: str, before: dict | None, after: dict | None) -> str:
    if check.available:
        return f"{formatted} is free for {check.event_type.name}; book it with POST /v1/scheduling-bookings."
    nearby = [s["formatted"] for s in (before, after) if s]
    text = _REASON_TEXT.get(str(check.reason), "That time is not available.")
    if not nearby:
        return f"{text} There are no free times near it; try POST /v1/scheduling-bookings/available-slots."
    return f"{text} The nearest free {'times are' if len(nearby) == 2 else 'time is'} {' and '.join(nearby)}."


def listing_json(listing: SlotListing) -> dict[str, Any]:
    tz = listing.tz
    dates = []
    for day, group in groupby(listing.slots, key=lambda s: s.start.astimezone(tz).date()):
        dates.append({
            "date": day.isoformat(),
            "day_name": day_name(day),
            "formatted": format_date(day),
            "slots": [
                {"time": f"{s.start.astimezone(tz):%H:%M}", "formatted": format_time(s.start, tz)} for s in group
            ],
        })
    first = listing.slots[0] if listing.slots else None
    next_available = None
    if first is not None:
        local = first.start.astimezone(tz)
        next_available = {"date": local.date().isoformat(), "time": f"{local:%H:%M}",
                          "formatted": format_instant(first.start, tz)}
    event_type = listing.event_type
    return {
        "success": True,
        "event_type": {
            "id": event_type.id,
            "name": event_type.name,
            "duration_minutes": event_type.default_duration_minutes,
        },
        "availability": {
            "timezone": tz.key,
            "total_available_slots": len(listing.slots),
            "next_available": next_available,
            "dates": dates,
        },
    }
