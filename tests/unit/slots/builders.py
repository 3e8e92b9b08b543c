"""Small builders for slot-engine tests: literal instants in, engine inputs out."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from scheduling.slots.inputs import DateOverride, HostAvailability, HostCalendar, Slot, SlotRules, WeeklyWindow
from scheduling.slots.ranges import TimeRange

SYDNEY = ZoneInfo("Australia/Sydney")
PERTH = ZoneInfo("Australia/Perth")
LONDON = ZoneInfo("Europe/London")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
KATHMANDU = ZoneInfo("Asia/Kathmandu")

WEEKDAYS = (1, 2, 3, 4, 5)  # contract day numbers: 0 = Sunday


def at(text: str) -> datetime:
    """An instant from ISO text with its offset, e.g. "2026-12-01T09:00:00+11:00"."""
    instant = datetime.fromisoformat(text)
    assert instant.tzinfo is not None, "write instants with their offset"
    return instant


def span(start: str, end: str) -> TimeRange:
    return TimeRange.utc(at(start), at(end))


def hours(tz: ZoneInfo, start: str = "09:00", end: str = "17:00", days=WEEKDAYS, overrides=()) -> HostAvailability:
    return HostAvailability(tz, tuple(WeeklyWindow(day, start, end) for day in days), tuple(overrides))


def host(host_id: str = "jane", availability: HostAvailability | None = None, busy=(), booked=(),
         held=()) -> HostCalendar:
    return HostCalendar(host_id, availability or hours(SYDNEY), tuple(busy), tuple(booked), tuple(held))


def rules(duration: int = 60, interval: int | None = None, **kwargs) -> SlotRules:
    return SlotRules(duration_minutes=duration, interval_minutes=interval or duration, **kwargs)


def starts_in(slots: list[Slot], tz: ZoneInfo) -> list[str]:
    """Slot starts as ISO text with tz's offset: the literal form the tests compare against."""
    return [slot.start.astimezone(tz).isoformat() for slot in slots]


__all__ = ["DateOverride", "at", "host", "hours", "rules", "span", "starts_in"]
