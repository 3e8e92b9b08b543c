"""explain_unavailable: each contract reason, in order; and the slots nearest an instant."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduling.slots.engine import compute_slots
from scheduling.slots.explain import alternative_slots, explain_unavailable, nearest_slots, slot_at
from scheduling.slots.inputs import DateOverride
from tests.unit.slots.builders import PERTH, SYDNEY, at, host, hours, rules, span, starts_in

NOW = at("2026-12-01T08:00:00+11:00")  # Tuesday
RULES = rules(60, min_notice_minutes=60, max_advance_days=7, buffer_before_minutes=15)
FREE = host("jane")
BLOCKED_WEDNESDAY = host("jane", hours(SYDNEY, overrides=[DateOverride("2026-12-02", "blocked")]))
BUSY_AT_TEN = host("jane", busy=[span("2026-12-02T10:00:00+11:00", "2026-12-02T11:00:00+11:00")])
BOOKED_AT_TEN = host("jane", booked=[span("2026-12-02T10:00:00+11:00", "2026-12-02T11:00:00+11:00")])
HELD_AT_TEN = host("jane", held=[span("2026-12-02T10:00:00+11:00", "2026-12-02T11:00:00+11:00")])


def why(start: str, hosts=(FREE,), scheduling_type="round_robin", slot_rules=RULES):
    return explain_unavailable(NOW, slot_rules, list(hosts), at(start), scheduling_type, SYDNEY)


@pytest.mark.parametrize(
    ("start", "hosts", "reason"),
    [
        ("2026-12-01T07:00:00+11:00", [FREE], "in_the_past"),
        ("2026-12-01T08:30:00+11:00", [FREE], "too_soon"),
        ("2026-12-09T09:00:00+11:00", [FREE], "beyond_horizon"),  # today + 7 is the 8th
        ("2026-12-02T09:00:00+11:00", [BLOCKED_WEDNESDAY], "date_blocked"),
        ("2026-12-02T08:00:00+11:00", [FREE], "outside_hours"),
        ("2026-12-02T16:30:00+11:00", [FREE], "outside_hours"),  # would end after 17:00
        ("2026-12-05T10:00:00+11:00", [FREE], "outside_hours"),  # Saturday
        ("2026-12-02T09:15:00+11:00", [FREE], "not_on_grid"),
        ("2026-12-02T10:00:00+11:00", [BUSY_AT_TEN], "busy"),
        ("2026-12-02T11:00:00+11:00", [BUSY_AT_TEN], "busy"),  # inside the 15-minute buffer before
        ("2026-12-02T10:00:00+11:00", [BOOKED_AT_TEN], "booked"),
        ("2026-12-02T12:00:00+11:00", [BOOKED_AT_TEN], None),
        ("2026-12-02T10:00:00+11:00", [HELD_AT_TEN], "held"),
        ("2026-12-02T11:00:00+11:00", [HELD_AT_TEN], "held"),  # inside the 15-minute buffer before
        ("2026-12-02T12:00:00+11:00", [HELD_AT_TEN], None),
        ("2026-12-08T16:00:00+11:00", [FREE], None),  # the last slot inside the horizon
    ],
)
def test_each_unavailable_instant_gets_the_contract_reason(start, hosts, reason):
    assert why(start, hosts) == reason


def test_the_checks_run_in_contract_order():
    # Past, off-grid and outside hours at once: the earliest check names it.
    assert why("2026-11-30T03:10:00+11:00") == "in_the_past"
    # Beyond the horizon and on a blocked date: the horizon comes first.
    blocked_far = host("jane", hours(SYDNEY, overrides=[DateOverride("2026-12-10", "blocked")]))
    assert why("2026-12-10T09:00:00+11:00", [blocked_far]) == "beyond_horizon"
    # Busy and booked at once: busy comes first.
    both = host("jane", busy=BUSY_AT_TEN.calendar_busy, booked=BOOKED_AT_TEN.booked)
    assert why("2026-12-02T10:00:00+11:00", [both]) == "busy"
    # Booked and held at once: booked comes first.
    booked_and_held = host("jane", booked=BOOKED_AT_TEN.booked, held=HELD_AT_TEN.held)
    assert why("2026-12-02T10:00:00+11:00", [booked_and_held]) == "booked"


def test_round_robin_explains_with_the_host_that_came_closest_to_free():
    sam_busy = host("sam", busy=BUSY_AT_TEN.calendar_busy)
    sam_booked = host("sam", booked=BOOKED_AT_TEN.booked)
    jane_blocked = host("jane", BLOCKED_WEDNESDAY.availability)
    assert why("2026-12-02T10:00:00+11:00", [jane_blocked, sam_busy]) == "busy"
    assert why("2026-12-02T10:00:00+11:00", [jane_blocked, host("sam", BLOCKED_WEDNESDAY.availability)]) == (
        "date_blocked"
    )
    assert why("2026-12-02T10:00:00+11:00", [host("jane", busy=BUSY_AT_TEN.calendar_busy), sam_booked]) == "booked"
    assert why("2026-12-02T10:00:00+11:00", [jane_blocked, FREE]) is None
    # A hold takes only its own host: the other host's free time still makes the slot.
    assert why("2026-12-02T10:00:00+11:00", [HELD_AT_TEN, FREE]) is None
    assert why("2026-12-02T10:00:00+11:00", [HELD_AT_TEN, sam_booked]) == "held"


def test_the_engine_offers_no_slot_a_hold_covers_and_explain_agrees():
    day = span("2026-12-02T00:00:00+11:00", "2026-12-03T00:00:00+11:00")
    offered = [s.start for s in compute_slots(NOW, RULES, [HELD_AT_TEN], day, "round_robin", SYDNEY)]
    assert at("2026-12-02T10:00:00+11:00") not in offered and at("2026-12-02T12:00:00+11:00") in offered
    assert all(why(s.isoformat(), [HELD_AT_TEN]) is None for s in offered)


def test_collective_explains_with_the_first_check_any_host_fails():
    perth = host("pat", hours(PERTH))  # 09:00 Sydney is 06:00 in Perth
    sam_busy = host("sam", busy=BUSY_AT_TEN.calendar_busy)
    assert why("2026-12-02T09:00:00+11:00", [sam_busy, perth], "collective") == "outside_hours"
    assert why("2026-12-02T10:00:00+11:00", [FREE, sam_busy], "collective") == "busy"
    assert why("2026-12-02T12:00:00+11:00", [FREE, perth], "collective") is None


def test_explain_agrees_with_compute_slots_across_a_day():
    hosts = [BUSY_AT_TEN, host("sam", booked=[span("2026-12-02T13:00:00+11:00", "2026-12-02T14:30:00+11:00")])]
    wednesday = span("2026-12-02T00:00:00+11:00", "2026-12-03T00:00:00+11:00")
    for scheduling_type in ("round_robin", "collective"):
        offered = {slot.start for slot in compute_slots(NOW, RULES, hosts, wednesday, scheduling_type, SYDNEY)}
        instant = wednesday.start
        while instant < wednesday.end:
            reason = explain_unavailable(NOW, RULES, hosts, instant, scheduling_type, SYDNEY)
            assert (reason is None) == (instant in offered), (instant, reason)
            instant += timedelta(minutes=15)


# ── nearest, alternatives, slot_at ─────────────────────────────────────────────────────────

SLOTS = compute_slots(
    NOW, rules(60), [host(availability=hours(SYDNEY, "09:00", "12:00"))],
    span("2026-12-02T00:00:00+11:00", "2026-12-04T00:00:00+11:00"), "round_robin", SYDNEY,
)  # fmt: skip


def test_the_slot_list_for_the_nearest_tests_is_two_mornings():
    assert starts_in(SLOTS, SYDNEY) == [
        "2026-12-02T09:00:00+11:00",
        "2026-12-02T10:00:00+11:00",
        "2026-12-02T11:00:00+11:00",
        "2026-12-03T09:00:00+11:00",
        "2026-12-03T10:00:00+11:00",
        "2026-12-03T11:00:00+11:00",
    ]


def test_nearest_slots_are_strictly_before_and_strictly_after():
    before, after = nearest_slots(SLOTS, at("2026-12-02T10:00:00+11:00"))
    assert (before, after) == (SLOTS[0], SLOTS[2])
    before, after = nearest_slots(SLOTS, at("2026-12-02T14:00:00+11:00"))
    assert (before, after) == (SLOTS[2], SLOTS[3])
    assert nearest_slots(SLOTS, at("2026-12-02T08:00:00+11:00")) == (None, SLOTS[0])
    assert nearest_slots(SLOTS, at("2026-12-03T11:00:00+11:00")) == (SLOTS[4], None)
    assert nearest_slots([], at("2026-12-03T11:00:00+11:00")) == (None, None)


def test_alternatives_are_the_closest_slots_in_time_order():
    picked = alternative_slots(SLOTS, at("2026-12-02T11:30:00+11:00"), limit=3)
    assert starts_in(picked, SYDNEY) == [
        "2026-12-02T09:00:00+11:00",
        "2026-12-02T10:00:00+11:00",
        "2026-12-02T11:00:00+11:00",
    ]
    around_ten = alternative_slots(SLOTS, at("2026-12-02T10:00:00+11:00"), limit=2)
    assert starts_in(around_ten, SYDNEY) == ["2026-12-02T09:00:00+11:00", "2026-12-02T11:00:00+11:00"]
    assert len(alternative_slots(SLOTS, at("2026-12-02T10:00:00+11:00"))) == 5


def test_slot_at_finds_only_an_exact_start():
    assert slot_at(SLOTS, at("2026-12-02T10:00:00+11:00")) == SLOTS[1]
    assert slot_at(SLOTS, at("2026-12-02T10:30:00+11:00")) is None
