"""By-day: a host's local working hours → UTC spans, one local day at a time.

Each window's bounds are converted on its own local date with `wall_clock_instant`, so a window
that spans a daylight-saving change is the real elapsed time between its local start and end:
09:00-17:00 is 8 hours on most days, 02:00-05:00 is 2 hours on Sydney's spring-forward day
(it starts at the jump, 03:00 AEDT) and 4 hours on its fall-back day (02:00-03:00 happens twice).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduling.slots.inputs import HostAvailability
from scheduling.slots.ranges import Span
from scheduling.timezones import wall_clock_instant

ONE_DAY = timedelta(days=1)

# Shared by the hosts of one request: colleagues usually have the same zone and hours, so each
# (zone, date, wall time) is converted once per request instead of once per host.
InstantMemo = dict[tuple[ZoneInfo, date, time], datetime]


def local_dates(first: date, last: date) -> list[date]:
    """Every date from `first` to `last`, both included."""
    return [first + ONE_DAY * offset for offset in range((last - first).days + 1)]


def window_spans(
    availability: HostAvailability, first: date, last: date, memo: InstantMemo | None = None
) -> list[Span]:
    """UTC spans of the host's windows on local dates `first`..`last`, in time order.

    A window whose bounds collapse (both inside one DST gap) is left out.
    """
    memo = {} if memo is None else memo
    tz = availability.timezone
    spans: list[Span] = []
    for day in local_dates(first, last):
        for start, end in availability.hours_on(day):
            span = (_instant(memo, tz, day, start), _instant(memo, tz, day, end))
            if span[0] < span[1]:
                spans.append(span)
    return spans


def _instant(memo: InstantMemo, tz: ZoneInfo, day: date, at: time) -> datetime:
    key = (tz, day, at)
    instant = memo.get(key)
    if instant is None:
        instant = memo[key] = wall_clock_instant(day, at, tz)
    return instant
