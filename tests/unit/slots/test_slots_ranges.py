"""The range operations the engine is built from."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduling.slots.ranges import TimeRange, clip, intersect, merge, merge_widened, subtract
from tests.unit.slots.builders import at, span

NINE, TEN, ELEVEN, NOON = (at(f"2026-12-01T{h}:00:00+11:00") for h in ("09", "10", "11", "12"))


def test_merge_joins_overlapping_and_touching_ranges_and_drops_empty_ones():
    merged = merge([TimeRange(TEN, ELEVEN), TimeRange(NINE, TEN), TimeRange(NOON, NOON), TimeRange(NINE, TEN)])
    assert merged == [TimeRange(NINE, ELEVEN)]


def test_merge_widened_widens_each_range_before_merging():
    widened = merge_widened(
        [TimeRange(NINE, TEN), TimeRange(ELEVEN, NOON)], timedelta(minutes=30), timedelta(minutes=30)
    )
    assert widened == [(NINE - timedelta(minutes=30), NOON + timedelta(minutes=30))]
    assert merge_widened([TimeRange(NINE, NINE)], timedelta(minutes=30), timedelta(minutes=30)) == []


def test_subtract_leaves_the_gaps():
    assert subtract(TimeRange(NINE, NOON), [TimeRange(TEN, ELEVEN)]) == [TimeRange(NINE, TEN), TimeRange(ELEVEN, NOON)]
    assert subtract(TimeRange(TEN, ELEVEN), [TimeRange(NINE, NOON)]) == []
    assert subtract(TimeRange(NINE, TEN), []) == [TimeRange(NINE, TEN)]


def test_intersect_keeps_what_both_cover():
    assert intersect([TimeRange(NINE, ELEVEN)], [TimeRange(TEN, NOON), TimeRange(NINE, NINE)]) == [
        TimeRange(TEN, ELEVEN)
    ]


def test_clip_cuts_ranges_to_bounds_and_drops_those_outside():
    assert clip([TimeRange(NINE, ELEVEN), TimeRange(NOON, NOON + timedelta(hours=1))], TimeRange(TEN, NOON)) == [
        TimeRange(TEN, ELEVEN)
    ]


def test_a_time_range_needs_aware_ordered_ends():
    with pytest.raises(ValueError):
        TimeRange(ELEVEN, TEN)
    with pytest.raises(ValueError):
        TimeRange(NINE.replace(tzinfo=None), TEN)
    assert span("2026-12-01T09:00:00+11:00", "2026-12-01T10:00:00+11:00").start.utcoffset() == timedelta(0)
