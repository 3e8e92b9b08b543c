"""By-day: a host's local working hours → UTC spans, one local day at a time.

Each window's bounds are converted on its own local date with `wall_clock_instant`, so a window
that spans a daylight-saving change is the real elapsed time between its local start and end:
09:00-17:00 is 8 hours on most days, 02:00-05:00 is 2 hours on Sydney's spring-forward day
(it starts at the jump, 03:00 AEDT) and 4 hours on its fall-back day (02:00-03:00 happens twice).
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from scheduling.slots.inputs import HostAvailability, Hours
from scheduling.slots.ranges import Span
from scheduling.timezones import wall_clock_instant

ONE_DAY = timedelta(days=1)

# Per request: (zone, local date, hours) → that day's windows as UTC spans. Colleagues usually
# share zone and hours, so each day is converted once per request instead of once per host.
DayMemo = dict[tuple[ZoneInfo, date, Hours], list[Span]]


def local_dates(first: date, last: date) -> list[date]:
    """Every date from `first` to `last`, both included."""
    return [date.fromordinal(ordinal) for ordinal in range(first.toordinal(), last.toordinal() + 1)]


def day_window_spans(hours: Hours, day: date, tz: ZoneInfo) -> list[Span]:
    """One local day's windows as UTC spans (empty ones, collapsed in a DST gap, left out)."""
    spans = []
    for start, end in hours:
        span = (wall_clock_instant(day, start, tz), wall_clock_instant(day, end, tz))
        if span[0] < span[1]:
            spans.append(span)
    return spans


def host_day_spans(availability: HostAvailability, day: date, memo: DayMemo | None = None) -> list[Span]:
    """The host's windows on local `day`, after overrides, as UTC spans in start order."""
    hours = availability.hours_on(day)
    if not hours:
        return []
    if memo is None:
        return day_window_spans(hours, day, availability.timezone)
    key = (availability.timezone, day, hours)
    spans = memo.get(key)
    if spans is None:
        spans = memo[key] = day_window_spans(hours, day, availability.timezone)
    return spans


def window_spans(availability: HostAvailability, first: date, last: date, memo: DayMemo | None = None) -> list[Span]:
    """The host's windows on local dates `first`..`last`, as UTC spans in start order."""
    return [span for day in local_dates(first, last) for span in host_day_spans(availability, day, memo)]


class WindowMemo:
    """One request's converted windows, shared by its hosts.

    Colleagues usually have equal hours (often the company's), so a host whose availability
    equals an earlier host's reuses its whole window list; others still share converted days
    with any host in the same zone and hours that day.
    """

    def __init__(self) -> None:
        self.days: DayMemo = {}
        self._by_availability: dict[tuple[HostAvailability, date, date], list[Span]] = {}

    def windows(self, availability: HostAvailability, first: date, last: date) -> list[Span]:
        """`window_spans(availability, first, last)`, computed once per request."""
        key = (availability, first, last)
        spans = self._by_availability.get(key)
        if spans is None:
            spans = self._by_availability[key] = window_spans(availability, first, last, self.days)
        return spans
