"""Daylight saving, half-hour and 45-minute zones, and hosts far from the booker.

Windows are the real elapsed time between their local start and end, and the grid counts
elapsed time from the window's start, so no slot ever starts at a local time that does not exist.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from scheduling.slots.engine import compute_slots
from tests.unit.slots.builders import (
    KATHMANDU,
    LONDON,
    LORD_HOWE,
    PERTH,
    SYDNEY,
    at,
    host,
    hours,
    rules,
    span,
    starts_in,
)

NOW = at("2026-11-25T09:00:00+11:00")


def sunday_slots(tz, start, end, day, slot_rules):
    availability = hours(tz, start, end, days=(0,))
    query = span(f"{day}T00:00:00+14:00", f"{day}T23:59:00-12:00")  # that date in every zone
    slots = compute_slots(NOW, slot_rules, [host(availability=availability)], query, "round_robin", tz)
    return starts_in(slots, tz)


def test_on_sydneys_fall_back_night_the_repeated_hour_is_offered_twice_in_elapsed_time():
    # 4 April 2027: 03:00 AEDT becomes 02:00 AEST, so 01:00-04:00 lasts four hours.
    assert sunday_slots(SYDNEY, "01:00", "04:00", "2027-04-04", rules(60, max_advance_days=365)) == [
        "2027-04-04T01:00:00+11:00",
        "2027-04-04T02:00:00+11:00",
        "2027-04-04T02:00:00+10:00",
        "2027-04-04T03:00:00+10:00",
    ]


def test_a_normal_working_day_after_sydneys_fall_back_uses_standard_time():
    assert sunday_slots(SYDNEY, "09:00", "12:00", "2027-04-04", rules(60, max_advance_days=365)) == [
        "2027-04-04T09:00:00+10:00",
        "2027-04-04T10:00:00+10:00",
        "2027-04-04T11:00:00+10:00",
    ]


def test_on_sydneys_spring_forward_night_the_missing_hour_is_never_offered():
    # 3 October 2027: 02:00 AEST becomes 03:00 AEDT, so 01:00-05:00 lasts three hours.
    assert sunday_slots(SYDNEY, "01:00", "05:00", "2027-10-03", rules(60, max_advance_days=365)) == [
        "2027-10-03T01:00:00+10:00",
        "2027-10-03T03:00:00+11:00",
        "2027-10-03T04:00:00+11:00",
    ]


def test_a_window_that_starts_inside_the_gap_opens_when_the_clocks_jump():
    assert sunday_slots(SYDNEY, "02:30", "05:00", "2027-10-03", rules(60, max_advance_days=365)) == [
        "2027-10-03T03:00:00+11:00",
        "2027-10-03T04:00:00+11:00",
    ]


def test_lord_howes_half_hour_spring_forward_shifts_the_wall_clock_labels_after_the_jump():
    # 02:00 LHST (+10:30) becomes 02:30 LHDT (+11:00); the hourly grid keeps counting elapsed time.
    assert sunday_slots(LORD_HOWE, "00:00", "06:00", "2027-10-03", rules(60, max_advance_days=365)) == [
        "2027-10-03T00:00:00+10:30",
        "2027-10-03T01:00:00+10:30",
        "2027-10-03T02:30:00+11:00",
        "2027-10-03T03:30:00+11:00",
        "2027-10-03T04:30:00+11:00",
    ]


def test_lord_howes_half_hour_fall_back_repeats_half_an_hour():
    # 02:00 LHDT (+11:00) becomes 01:30 LHST (+10:30): 00:00-03:00 lasts three and a half hours.
    assert sunday_slots(LORD_HOWE, "00:00", "03:00", "2027-04-04", rules(30, max_advance_days=365)) == [
        "2027-04-04T00:00:00+11:00",
        "2027-04-04T00:30:00+11:00",
        "2027-04-04T01:00:00+11:00",
        "2027-04-04T01:30:00+11:00",
        "2027-04-04T01:30:00+10:30",
        "2027-04-04T02:00:00+10:30",
        "2027-04-04T02:30:00+10:30",
    ]


def test_kathmandus_quarter_hour_offset_keeps_slots_on_the_local_hour():
    monday = span("2027-03-01T00:00:00+05:45", "2027-03-02T00:00:00+05:45")
    slots = compute_slots(
        NOW, rules(60, max_advance_days=365), [host(availability=hours(KATHMANDU, "09:00", "12:00"))],
        monday, "round_robin", KATHMANDU,
    )  # fmt: skip
    assert starts_in(slots, KATHMANDU) == [
        "2027-03-01T09:00:00+05:45",
        "2027-03-01T10:00:00+05:45",
        "2027-03-01T11:00:00+05:45",
    ]
    assert slots[0].start == at("2027-03-01T03:15:00+00:00")


def test_a_london_host_seen_from_perth_fills_the_perth_evening_and_the_previous_london_afternoon():
    # Tuesday 2 March 2027 in Perth (UTC+8) runs from Monday 16:00 to Tuesday 16:00 in London (UTC+0).
    perth_tuesday = span("2027-03-02T00:00:00+08:00", "2027-03-03T00:00:00+08:00")
    slots = compute_slots(
        NOW, rules(60, max_advance_days=365), [host(availability=hours(LONDON))], perth_tuesday, "round_robin", PERTH
    )
    assert starts_in(slots, PERTH) == [
        "2027-03-02T00:00:00+08:00",
        "2027-03-02T17:00:00+08:00",
        "2027-03-02T18:00:00+08:00",
        "2027-03-02T19:00:00+08:00",
        "2027-03-02T20:00:00+08:00",
        "2027-03-02T21:00:00+08:00",
        "2027-03-02T22:00:00+08:00",
        "2027-03-02T23:00:00+08:00",
    ]


def test_a_london_hosts_hours_follow_british_summer_time():
    # From 28 March 2027 London is UTC+1: 09:00 BST is 16:00 in Perth.
    perth_monday = span("2027-03-29T00:00:00+08:00", "2027-03-30T00:00:00+08:00")
    availability = hours(LONDON, "09:00", "11:00")
    slots = compute_slots(
        NOW, rules(60, max_advance_days=365), [host(availability=availability)], perth_monday, "round_robin", PERTH
    )
    assert starts_in(slots, PERTH) == ["2027-03-29T16:00:00+08:00", "2027-03-29T17:00:00+08:00"]


def test_a_47_hour_local_day_still_offers_every_grid_point():
    # Alaska moved across the date line in 1867: Juneau lived Saturday 19 October for 47 hours.
    juneau = ZoneInfo("America/Juneau")
    saturday = span("1867-10-19T00:00:00+15:02:19", "1867-10-19T23:00:00-08:57:41")
    slots = compute_slots(
        at("1867-10-01T00:00:00+00:00"), rules(60), [host(availability=hours(juneau, "00:00", "23:00", days=(6,)))],
        saturday, "round_robin", juneau,
    )  # fmt: skip
    assert len(slots) == 47
    assert starts_in(slots[:1] + slots[-1:], juneau) == ["1867-10-19T00:00:00+15:02:19", "1867-10-19T22:00:00-08:57:41"]
