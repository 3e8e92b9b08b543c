"""compute_slots on small literal cases: one rule of contract §2 per test."""

from __future__ import annotations

import pytest

from scheduling.slots.engine import bookable_range, compute_slots, find_slot, pick_round_robin_host
from scheduling.slots.inputs import DateOverride, Slot, WeeklyWindow
from tests.unit.slots.builders import LONDON, PERTH, SYDNEY, at, host, hours, rules, span, starts_in

NOW = at("2026-11-25T09:00:00+11:00")  # a Wednesday; 1 December 2026 is the next Tuesday
TUESDAY = span("2026-12-01T00:00:00+11:00", "2026-12-02T00:00:00+11:00")


def sydney_slots(slot_rules, hosts, query=TUESDAY, scheduling_type="round_robin", now=NOW):
    return compute_slots(now, slot_rules, hosts, query, scheduling_type, SYDNEY)


def test_a_working_day_offers_every_hour_up_to_the_last_one_that_ends_by_closing():
    slots = sydney_slots(rules(60), [host()])
    assert starts_in(slots, SYDNEY) == [
        "2026-12-01T09:00:00+11:00",
        "2026-12-01T10:00:00+11:00",
        "2026-12-01T11:00:00+11:00",
        "2026-12-01T12:00:00+11:00",
        "2026-12-01T13:00:00+11:00",
        "2026-12-01T14:00:00+11:00",
        "2026-12-01T15:00:00+11:00",
        "2026-12-01T16:00:00+11:00",
    ]
    assert slots[-1] == Slot(at("2026-12-01T05:00:00+00:00"), at("2026-12-01T06:00:00+00:00"), ("jane",))


def test_the_last_slot_of_the_day_is_the_last_grid_point_whose_slot_still_ends_by_closing():
    # 45-minute meetings every 30 minutes until 11:00: 10:30 would end at 11:15.
    slots = sydney_slots(rules(45, 30), [host(availability=hours(SYDNEY, "09:00", "11:00"))])
    assert starts_in(slots, SYDNEY) == [
        "2026-12-01T09:00:00+11:00",
        "2026-12-01T09:30:00+11:00",
        "2026-12-01T10:00:00+11:00",
    ]


def test_an_interval_that_does_not_divide_the_hour_steps_from_the_window_start():
    slots = sydney_slots(rules(30, 45), [host(availability=hours(SYDNEY, "09:00", "12:00"))])
    assert starts_in(slots, SYDNEY) == [
        "2026-12-01T09:00:00+11:00",
        "2026-12-01T09:45:00+11:00",
        "2026-12-01T10:30:00+11:00",
        "2026-12-01T11:15:00+11:00",
    ]


def test_buffers_keep_a_gap_before_and_after_busy_time():
    # [s − 15 min, s + 30 min + 10 min) must miss the 11:00-12:00 meeting.
    jane = host(
        availability=hours(SYDNEY, "09:00", "14:00"),
        busy=[span("2026-12-01T11:00:00+11:00", "2026-12-01T12:00:00+11:00")],
    )
    slots = sydney_slots(rules(30, 15, buffer_before_minutes=15, buffer_after_minutes=10), [jane])
    assert starts_in(slots, SYDNEY) == [
        "2026-12-01T09:00:00+11:00",
        "2026-12-01T09:15:00+11:00",
        "2026-12-01T09:30:00+11:00",
        "2026-12-01T09:45:00+11:00",
        "2026-12-01T10:00:00+11:00",
        "2026-12-01T10:15:00+11:00",  # its after-buffer ends at 10:55
        "2026-12-01T12:15:00+11:00",  # its before-buffer starts at 12:00, as the meeting ends
        "2026-12-01T12:30:00+11:00",
        "2026-12-01T12:45:00+11:00",
        "2026-12-01T13:00:00+11:00",
        "2026-12-01T13:15:00+11:00",
        "2026-12-01T13:30:00+11:00",
    ]


def test_buffers_may_reach_outside_working_hours():
    slots = sydney_slots(
        rules(60, buffer_before_minutes=30, buffer_after_minutes=30),
        [host(availability=hours(SYDNEY, "09:00", "11:00"))],
    )
    assert starts_in(slots, SYDNEY) == ["2026-12-01T09:00:00+11:00", "2026-12-01T10:00:00+11:00"]


def test_existing_bookings_block_their_widened_span_like_busy_time():
    jane = host(
        availability=hours(SYDNEY, "09:00", "12:00"),
        booked=[span("2026-12-01T09:45:00+11:00", "2026-12-01T10:15:00+11:00")],
    )
    assert starts_in(sydney_slots(rules(30), [jane]), SYDNEY) == [
        "2026-12-01T09:00:00+11:00",
        "2026-12-01T10:30:00+11:00",
        "2026-12-01T11:00:00+11:00",
        "2026-12-01T11:30:00+11:00",
    ]


def test_minimum_notice_hides_starts_too_close_to_now():
    now = at("2026-12-01T09:10:00+11:00")
    slots = sydney_slots(
        rules(30, min_notice_minutes=60), [host(availability=hours(SYDNEY, "09:00", "12:00"))], now=now
    )
    assert starts_in(slots, SYDNEY) == [
        "2026-12-01T10:30:00+11:00",
        "2026-12-01T11:00:00+11:00",
        "2026-12-01T11:30:00+11:00",
    ]


def test_the_horizon_ends_after_max_advance_days_local_days():
    now = at("2026-12-01T08:00:00+11:00")
    week = span("2026-12-01T00:00:00+11:00", "2026-12-05T00:00:00+11:00")
    jane = host(availability=hours(SYDNEY, "09:00", "10:00"))
    assert starts_in(sydney_slots(rules(60, max_advance_days=1), [jane], query=week, now=now), SYDNEY) == [
        "2026-12-01T09:00:00+11:00",
        "2026-12-02T09:00:00+11:00",
    ]


def test_the_horizon_is_counted_in_the_horizon_timezone_not_the_hosts():
    # 08:00 Tuesday in Sydney is still Monday in London; a zero-day horizon ends at Sydney's
    # midnight, 13:00 UTC, so the London host's 13:00 and later are beyond it.
    now = at("2026-12-01T08:00:00+11:00")
    london = host(availability=hours(LONDON))
    query = span("2026-12-01T00:00:00+00:00", "2026-12-02T00:00:00+00:00")
    slots = compute_slots(now, rules(60, max_advance_days=0), [london], query, "round_robin", SYDNEY)
    assert starts_in(slots, LONDON) == [
        "2026-12-01T09:00:00+00:00",
        "2026-12-01T10:00:00+00:00",
        "2026-12-01T11:00:00+00:00",
        "2026-12-01T12:00:00+00:00",
    ]


def test_a_blocked_date_has_no_slots():
    two_days = span("2026-12-01T00:00:00+11:00", "2026-12-03T00:00:00+11:00")
    jane = host(availability=hours(SYDNEY, "09:00", "10:00", overrides=[DateOverride("2026-12-02", "blocked")]))
    assert starts_in(sydney_slots(rules(60), [jane], query=two_days), SYDNEY) == ["2026-12-01T09:00:00+11:00"]


def test_custom_hours_replace_that_days_weekly_hours_with_their_own_grid():
    custom = [DateOverride("2026-12-01", "custom", "13:15", "15:00")]
    jane = host(availability=hours(SYDNEY, "09:00", "17:00", overrides=custom))
    assert starts_in(sydney_slots(rules(60, 30), [jane]), SYDNEY) == [
        "2026-12-01T13:15:00+11:00",
        "2026-12-01T13:45:00+11:00",
    ]


def test_custom_hours_open_a_day_without_weekly_hours():
    saturday = span("2026-12-05T00:00:00+11:00", "2026-12-06T00:00:00+11:00")
    custom = [DateOverride("2026-12-05", "custom", "10:00", "12:00")]
    jane = host(availability=hours(SYDNEY, overrides=custom))
    assert starts_in(sydney_slots(rules(60), [jane], query=saturday), SYDNEY) == [
        "2026-12-05T10:00:00+11:00",
        "2026-12-05T11:00:00+11:00",
    ]


def test_several_windows_a_day_each_have_their_own_grid():
    availability = hours(SYDNEY, "09:00", "11:00")
    split_day = type(availability)(
        SYDNEY, (*availability.weekly, WeeklyWindow(2, "13:30", "16:00")), availability.overrides
    )
    assert starts_in(sydney_slots(rules(60), [host(availability=split_day)]), SYDNEY) == [
        "2026-12-01T09:00:00+11:00",
        "2026-12-01T10:00:00+11:00",
        "2026-12-01T13:30:00+11:00",
        "2026-12-01T14:30:00+11:00",
    ]


def test_only_starts_inside_the_query_are_returned_and_its_end_is_exclusive():
    query = span("2026-12-01T09:30:00+11:00", "2026-12-01T11:00:00+11:00")
    assert starts_in(sydney_slots(rules(60), [host()], query=query), SYDNEY) == ["2026-12-01T10:00:00+11:00"]


MORNING = hours(SYDNEY, "09:00", "12:00")
JANE = host("jane", MORNING, busy=[span("2026-12-01T09:00:00+11:00", "2026-12-01T10:00:00+11:00")])
SAM = host("sam", MORNING, busy=[span("2026-12-01T10:00:00+11:00", "2026-12-01T11:00:00+11:00")])


def test_round_robin_offers_a_time_when_any_host_is_free_and_lists_the_free_ones_in_order():
    slots = sydney_slots(rules(60), [JANE, SAM])
    assert [(slot.start.astimezone(SYDNEY).isoformat(), slot.host_ids) for slot in slots] == [
        ("2026-12-01T09:00:00+11:00", ("sam",)),
        ("2026-12-01T10:00:00+11:00", ("jane",)),
        ("2026-12-01T11:00:00+11:00", ("jane", "sam")),
    ]
    assert [slot.host_ids for slot in sydney_slots(rules(60), [SAM, JANE])][-1] == ("sam", "jane")


def test_collective_offers_a_time_only_when_every_host_is_free():
    slots = sydney_slots(rules(60), [JANE, SAM], scheduling_type="collective")
    assert [(slot.start.astimezone(SYDNEY).isoformat(), slot.host_ids) for slot in slots] == [
        ("2026-12-01T11:00:00+11:00", ("jane", "sam")),
    ]


def test_collective_hosts_in_different_zones_meet_where_their_hours_overlap():
    # Perth is 3 hours behind Sydney in December: 09:00-12:00 Perth is 12:00-15:00 Sydney.
    perth = host("pat", hours(PERTH, "09:00", "12:00"))
    sydney = host("jane", hours(SYDNEY, "09:00", "14:00"))
    slots = sydney_slots(rules(60), [sydney, perth], scheduling_type="collective")
    assert starts_in(slots, SYDNEY) == ["2026-12-01T12:00:00+11:00", "2026-12-01T13:00:00+11:00"]


def test_no_hosts_means_no_slots_and_an_unknown_scheduling_type_is_refused():
    assert sydney_slots(rules(60), []) == []
    with pytest.raises(ValueError, match="scheduling_type"):
        sydney_slots(rules(60), [host()], scheduling_type="first_come")


def test_find_slot_returns_the_slot_at_that_instant_with_its_free_hosts():
    found = find_slot(NOW, rules(60), [JANE, SAM], at("2026-12-01T10:00:00+11:00"), "round_robin", SYDNEY)
    assert found == Slot(at("2026-12-01T10:00:00+11:00"), at("2026-12-01T11:00:00+11:00"), ("jane",))
    assert find_slot(NOW, rules(60), [JANE], at("2026-12-01T10:30:00+11:00"), "round_robin", SYDNEY) is None


def test_the_bookable_range_runs_from_min_notice_to_the_end_of_the_horizons_last_local_day():
    bookable = bookable_range(at("2026-12-01T08:00:00+11:00"), rules(60, min_notice_minutes=120), SYDNEY)
    assert bookable.start == at("2026-12-01T10:00:00+11:00")
    assert bookable.end == at("2027-01-31T00:00:00+11:00")  # today + 60 days, whole day


def test_round_robin_picks_the_free_host_with_fewest_bookings_that_week_then_assigned_order():
    order = ["jane", "sam", "alex"]
    assert pick_round_robin_host(["sam", "alex"], {"jane": 0, "sam": 3, "alex": 1}, order) == "alex"
    assert pick_round_robin_host(["alex", "sam"], {"sam": 1, "alex": 1}, order) == "sam"
    assert pick_round_robin_host(["alex", "jane"], {}, order) == "jane"
    with pytest.raises(ValueError):
        pick_round_robin_host([], {}, order)
