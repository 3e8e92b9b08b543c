"""Time zone names, local wall clock ↔ instant, and the strict date/time parsers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from scheduling.errors import DomainError, InvalidTimezone
from scheduling.timezones import (
    TIMEZONE_SHORTHANDS,
    NonexistentLocalTime,
    is_repeated_second_pass,
    local_date,
    local_to_instant,
    local_week_bounds,
    parse_date,
    parse_hhmm,
    resolve_timezone,
    start_of_local_day,
    wall_clock_instant,
)

SYDNEY = ZoneInfo("Australia/Sydney")


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("NSW", "Australia/Sydney"),
        ("ACT", "Australia/Sydney"),
        ("VIC", "Australia/Melbourne"),
        ("TAS", "Australia/Hobart"),
        ("QLD", "Australia/Brisbane"),
        ("SA", "Australia/Adelaide"),
        ("NT", "Australia/Darwin"),
        ("WA", "Australia/Perth"),
        ("Canberra", "Australia/Sydney"),
        ("Darwin", "Australia/Darwin"),
        ("AEST", "Australia/Sydney"),
        ("AEDT", "Australia/Sydney"),
        ("ACST", "Australia/Adelaide"),
        ("ACDT", "Australia/Adelaide"),
        ("AWST", "Australia/Perth"),
        ("UTC", "UTC"),
        ("GMT", "UTC"),
        ("Z", "UTC"),
        ("NZ", "Pacific/Auckland"),
        ("NZDT", "Pacific/Auckland"),
        ("Wellington", "Pacific/Auckland"),
        ("London", "Europe/London"),
        ("BST", "Europe/London"),
        ("EST", "America/New_York"),
        ("CDT", "America/Chicago"),
        ("MST", "America/Denver"),
        ("PST", "America/Los_Angeles"),
    ],
)
def test_shorthands_resolve_to_the_documented_iana_zone(name, zone):
    assert resolve_timezone(name).key == zone


@pytest.mark.parametrize("name", sorted(TIMEZONE_SHORTHANDS))
def test_every_shorthand_in_the_published_table_resolves_in_any_case(name):
    assert resolve_timezone(name.lower()).key == TIMEZONE_SHORTHANDS[name]
    assert resolve_timezone(f"  {name.upper()} ").key == TIMEZONE_SHORTHANDS[name]


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("Australia/Sydney", "Australia/Sydney"),
        ("australia/lord_howe", "Australia/Lord_Howe"),
        ("ASIA/KATHMANDU", "Asia/Kathmandu"),
        ("america/port-au-prince", "America/Port-au-Prince"),
        ("etc/gmt+10", "Etc/GMT+10"),
        ("new_york", "America/New_York"),
        ("los angeles", "America/Los_Angeles"),
    ],
)
def test_iana_names_resolve_case_insensitively_to_their_canonical_spelling(name, zone):
    assert resolve_timezone(name).key == zone


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_no_timezone_means_sydney(empty):
    assert resolve_timezone(empty).key == "Australia/Sydney"


@pytest.mark.parametrize(
    "bad", ["Mars/Olympus", "Australia", "../etc/passwd", "localtime", "posix/Australia/Sydney", "+10:00", "Sydny"]
)
def test_an_unknown_timezone_is_invalid_timezone_naming_the_value(bad):
    with pytest.raises(InvalidTimezone) as raised:
        resolve_timezone(bad)
    error = raised.value
    assert error.code == "INVALID_TIMEZONE" and error.status == 400
    assert f"'{bad}'" in error.message
    assert error.details == {"timezone": bad}
    assert "Australia/Sydney" in error.fix and "NSW" in error.fix


def test_a_near_miss_gets_a_did_you_mean_hint_and_a_non_string_is_refused():
    with pytest.raises(InvalidTimezone) as raised:
        resolve_timezone("Sydny")
    assert raised.value.hint == "Did you mean Sydney?"
    with pytest.raises(InvalidTimezone):
        resolve_timezone(10)  # type: ignore[arg-type]


def test_a_local_time_becomes_its_utc_instant():
    instant = local_to_instant(date(2026, 12, 1), time(9), SYDNEY)
    assert instant == datetime(2026, 11, 30, 22, tzinfo=UTC)
    assert instant.tzinfo is UTC


def test_a_local_time_inside_the_spring_forward_gap_does_not_exist():
    with pytest.raises(NonexistentLocalTime) as raised:
        local_to_instant(date(2027, 10, 3), time(2, 30), SYDNEY)
    assert isinstance(raised.value, ValueError) and not isinstance(raised.value, DomainError)
    assert "2027-10-03 02:30" in str(raised.value) and "Australia/Sydney" in str(raised.value)


def test_a_repeated_local_time_means_its_first_occurrence():
    assert local_to_instant(date(2027, 4, 4), time(2, 30), SYDNEY).isoformat() == "2027-04-03T15:30:00+00:00"
    assert local_to_instant(date(2027, 4, 4), time(2, 30), SYDNEY).astimezone(SYDNEY).isoformat() == (
        "2027-04-04T02:30:00+11:00"
    )


def test_a_wall_clock_bound_inside_a_gap_is_the_moment_the_clocks_jump():
    assert wall_clock_instant(date(2027, 10, 3), time(2, 30), SYDNEY).astimezone(SYDNEY).isoformat() == (
        "2027-10-03T03:00:00+11:00"
    )
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    assert wall_clock_instant(date(2027, 10, 3), time(2, 15), lord_howe).astimezone(lord_howe).isoformat() == (
        "2027-10-03T02:30:00+11:00"
    )
    assert wall_clock_instant(date(2027, 4, 4), time(2, 30), SYDNEY) == local_to_instant(
        date(2027, 4, 4), time(2, 30), SYDNEY
    )


def test_a_day_that_starts_with_a_skipped_midnight_starts_at_the_jump():
    # Santiago moves its clocks from 00:00 to 01:00 on the first Sunday of September.
    santiago = ZoneInfo("America/Santiago")
    assert start_of_local_day(date(2027, 9, 5), santiago).astimezone(santiago).isoformat() == (
        "2027-09-05T01:00:00-03:00"
    )


def test_local_dates_weeks_and_second_passes():
    instant = datetime(2026, 11, 30, 22, tzinfo=UTC)
    assert local_date(instant, SYDNEY) == date(2026, 12, 1)
    monday, next_monday = local_week_bounds(instant, SYDNEY)
    assert (monday.astimezone(SYDNEY).isoformat(), next_monday.astimezone(SYDNEY).isoformat()) == (
        "2026-11-30T00:00:00+11:00",
        "2026-12-07T00:00:00+11:00",
    )
    assert not is_repeated_second_pass(datetime(2027, 4, 3, 15, 30, tzinfo=UTC), SYDNEY)
    assert is_repeated_second_pass(datetime(2027, 4, 3, 16, 30, tzinfo=UTC), SYDNEY)
    with pytest.raises(ValueError):
        local_date(datetime(2026, 12, 1), SYDNEY)


def test_dates_and_times_parse_only_in_the_contract_shapes():
    assert parse_date("2026-12-01") == date(2026, 12, 1)
    assert parse_hhmm("09:30") == time(9, 30)
    assert parse_hhmm("23:59") == time(23, 59)
    for bad_date in ["2026-02-30", "20261201", "2026-12-1", " 2026-12-01", "２０２６-12-01", None]:
        with pytest.raises(ValueError):
            parse_date(bad_date)  # type: ignore[arg-type]
    for bad_time in ["9:30", "24:00", "12:60", "09:30:00", "0930", "", "０９:30", None]:
        with pytest.raises(ValueError):
            parse_hhmm(bad_time)  # type: ignore[arg-type]
