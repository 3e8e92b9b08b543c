"""Hypothesis: the engine against the brute-force minute scan, and its invariants.

Random hosts in zones with awkward offsets and DST (dates picked near transitions), random
weekly hours (overlapping windows allowed), overrides, busy times, bookings, rules and queries.
Everything is minute-aligned, as the reference requires.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.slots.engine import compute_slots, find_slot
from scheduling.slots.explain import explain_unavailable
from scheduling.slots.inputs import DateOverride, HostAvailability, HostCalendar, SlotRules, WeeklyWindow
from scheduling.slots.ranges import TimeRange
from scheduling.slots.windows import window_spans
from tests.reference.brute_force import brute_force_slots

ZONES = [
    ZoneInfo(name)
    for name in (
        "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kathmandu", "Europe/London", "Australia/Perth",
        "UTC", "America/New_York", "Australia/Adelaide",
    )
]  # fmt: skip
# Days just before DST changes in those zones, and a quiet one.
BASE_DAYS = [
    date(2027, 4, 3),
    date(2027, 10, 2),
    date(2027, 3, 27),
    date(2027, 10, 30),
    date(2027, 3, 13),
    date(2027, 6, 15),
]
CASE_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

zones = st.sampled_from(ZONES)


@st.composite
def local_windows(draw):
    # Hypothesis favours the first choices, so those are the typical ones: office hours.
    start = draw(st.sampled_from([9 * 60, *range(0, 23 * 60, 15)]))
    length = draw(st.sampled_from([480, 180, 60, 15, 45, 90, 120, 240, 360, 600]))
    end = min(start + length, 23 * 60 + 45)
    return time(start // 60, start % 60), time(end // 60, end % 60)


@st.composite
def availabilities(draw, base: date):
    # Mostly the weekdays the queries cover (base − 1 … base + 3), so that most cases offer slots.
    nearby_days = [(base.weekday() + 1 + offset) % 7 for offset in (0, 1, 2, -1, 3)]
    weekly = []
    for _ in range(draw(st.integers(1, 5))):
        start, end = draw(local_windows())
        weekly.append(WeeklyWindow(draw(st.sampled_from(nearby_days) | st.integers(0, 6)), start, end))
    overrides = []
    for _ in range(draw(st.integers(0, 2))):
        day = base + timedelta(days=draw(st.integers(-1, 3)))
        if draw(st.booleans()):
            overrides.append(DateOverride(day, "blocked"))
        else:
            start, end = draw(local_windows())
            overrides.append(DateOverride(day, "custom", start, end))
    return HostAvailability(draw(zones), tuple(weekly), tuple(overrides))


@st.composite
def ranges_near(draw, origin: datetime, count: int):
    found = []
    for _ in range(draw(st.integers(0, count))):
        start = origin + timedelta(minutes=5 * draw(st.integers(-12 * 24, 12 * 24 * 4)))
        found.append(TimeRange(start, start + timedelta(minutes=5 * draw(st.integers(0, 48)))))
    return tuple(found)


@st.composite
def cases(draw):
    base = draw(st.sampled_from(BASE_DAYS))
    origin = datetime.combine(base, time(0), UTC)
    hosts = [
        HostCalendar(
            f"host-{index}",
            draw(availabilities(base)),
            draw(ranges_near(origin, 8)),
            draw(ranges_near(origin, 3)),
            draw(ranges_near(origin, 2)),  # live slot holds
        )
        for index in range(draw(st.integers(1, 3)))
    ]
    rules = SlotRules(
        duration_minutes=draw(st.sampled_from([15, 30, 45, 60, 90])),
        interval_minutes=draw(st.sampled_from([10, 15, 20, 30, 45, 60])),
        buffer_before_minutes=draw(st.sampled_from([0, 0, 5, 15])),
        buffer_after_minutes=draw(st.sampled_from([0, 0, 10, 30])),
        min_notice_minutes=draw(st.sampled_from([0, 0, 30, 120, 1440])),
        max_advance_days=draw(st.sampled_from([30, 0, 1, 2, 3])),
    )
    now = origin + timedelta(minutes=5 * draw(st.integers(-12 * 24, 12 * 12)))
    query_start = now + timedelta(minutes=draw(st.integers(-6 * 60, 36 * 60)))
    length = draw(st.sampled_from([2880, 60, 360, 720, 1440, 4320]))
    query = TimeRange(query_start, query_start + timedelta(minutes=length))
    return now, rules, hosts, query, draw(st.sampled_from(["round_robin", "collective"])), draw(zones)


@CASE_SETTINGS
@given(cases())
def test_the_engine_finds_exactly_the_slots_the_minute_scan_finds(case):
    expected = brute_force_slots(*case)
    got = [(slot.start, slot.end, slot.host_ids) for slot in compute_slots(*case)]
    assert got == expected


@CASE_SETTINGS
@given(cases())
def test_slots_are_sorted_unique_inside_hours_and_clear_of_busy_time(case):
    now, rules, hosts, query, scheduling_type, horizon_tz = case
    slots = compute_slots(*case)
    starts = [slot.start for slot in slots]
    assert starts == sorted(set(starts))
    by_id = {host.host_id: host for host in hosts}
    before, after = timedelta(minutes=rules.buffer_before_minutes), timedelta(minutes=rules.buffer_after_minutes)
    for slot in slots:
        assert query.start <= slot.start < query.end
        assert slot.start >= now + timedelta(minutes=rules.min_notice_minutes)
        assert slot.end - slot.start == timedelta(minutes=rules.duration_minutes)
        assert slot.host_ids
        if scheduling_type == "collective":
            assert slot.host_ids == tuple(by_id)
        guarded = TimeRange(slot.start - before, slot.end + after)
        for host_id in slot.host_ids:
            host = by_id[host_id]
            assert not any(guarded.overlaps(r) for r in (*host.calendar_busy, *host.booked, *host.held)
                           if r.start < r.end)
            tz = host.availability.timezone
            day = slot.start.astimezone(tz).date()
            windows = window_spans(host.availability, day - timedelta(days=1), day + timedelta(days=1))
            assert any(start <= slot.start and slot.end <= end for start, end in windows)


@CASE_SETTINGS
@given(cases(), st.data())
def test_explain_says_none_exactly_for_the_instants_the_engine_offers(case, data):
    now, rules, hosts, query, scheduling_type, horizon_tz = case
    offered = compute_slots(*case)
    probes = [slot.start for slot in offered[:5]]
    probes += [query.start + timedelta(minutes=5 * data.draw(st.integers(0, 12 * 24 * 3))) for _ in range(10)]
    for instant in probes:
        reason = explain_unavailable(now, rules, hosts, instant, scheduling_type, horizon_tz)
        slot = find_slot(now, rules, hosts, instant, scheduling_type, horizon_tz)
        assert (reason is None) == (slot is not None), (instant, reason)
