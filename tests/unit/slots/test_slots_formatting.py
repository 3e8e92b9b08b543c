"""The contract's human strings, exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from scheduling.formatting import (
    day_name,
    format_date,
    format_instant,
    format_instant_no_year,
    format_time,
    format_voice_day,
)

SYDNEY = ZoneInfo("Australia/Sydney")
NINE_AM_SYDNEY = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # Tuesday 1 December 2026, 09:00 AEDT


def test_an_instant_reads_with_weekday_day_month_year_and_12_hour_time():
    assert format_instant(NINE_AM_SYDNEY, SYDNEY) == "Tuesday, 1 December 2026 at 9:00 AM"


def test_a_nearest_slot_reads_without_the_year():
    half_past = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)
    assert format_instant_no_year(half_past, SYDNEY) == "Tuesday, 1 December at 9:30 AM"


def test_the_same_instant_reads_in_the_callers_zone():
    assert format_instant(NINE_AM_SYDNEY, ZoneInfo("Europe/London")) == "Monday, 30 November 2026 at 10:00 PM"
    assert format_instant(NINE_AM_SYDNEY, ZoneInfo("Australia/Perth")) == "Tuesday, 1 December 2026 at 6:00 AM"


def test_a_date_reads_with_weekday_day_month_and_year():
    assert format_date(date(2026, 12, 1)) == "Tuesday, 1 December 2026"
    assert format_date(date(2027, 1, 31)) == "Sunday, 31 January 2027"
    assert day_name(date(2026, 12, 1)) == "Tuesday"


@pytest.mark.parametrize(
    ("clock", "text"),
    [
        (time(9, 0), "9:00 AM"),
        (time(0, 30), "12:30 AM"),
        (time(0, 0), "12:00 AM"),
        (time(12, 0), "12:00 PM"),
        (time(12, 45), "12:45 PM"),
        (time(13, 5), "1:05 PM"),
        (time(23, 59), "11:59 PM"),
    ],
)
def test_times_use_a_12_hour_clock_without_a_leading_zero(clock, text):
    assert format_time(clock) == text


def test_a_datetime_formats_as_its_time_in_the_given_zone():
    assert format_time(NINE_AM_SYDNEY, SYDNEY) == "9:00 AM"
    with pytest.raises(ValueError):
        format_instant(datetime(2026, 12, 1, 9), SYDNEY)


def test_the_voice_day_heading_is_weekday_and_month_slash_day():
    assert format_voice_day(date(2026, 4, 27)) == "Monday 04/27"
