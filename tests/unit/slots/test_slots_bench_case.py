"""The shared Cal.com peer case (docs/measurements.md): the engine reproduces its answer exactly."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from scheduling.slots.engine import compute_slots
from scheduling.slots.windows import window_spans
from tools.bench_slots import CASE_PATH, EXPECTED_PATH, load_case, missing_case_message, slots_by_local_date

pytestmark = pytest.mark.skipif(
    not (CASE_PATH.exists() and EXPECTED_PATH.exists()), reason=missing_case_message()
)


@pytest.fixture(scope="module")
def raw_case():
    return json.loads(CASE_PATH.read_text())


def test_the_engine_reproduces_the_92_expected_slots_of_the_bench_case(raw_case):
    case = load_case(raw_case)
    slots = compute_slots(*case.arguments())
    expected = json.loads(EXPECTED_PATH.read_text())
    assert len(slots) == 92 == sum(len(day) for day in expected.values())
    assert slots_by_local_date([slot.start for slot in slots], case.horizon_tz) == expected


def test_the_weekly_hours_give_the_working_ranges_the_case_lists(raw_case):
    first_host = load_case(raw_case).hosts[0]
    spans = window_spans(first_host.availability, date(2027, 2, 1), date(2027, 3, 2))
    listed = [(r["start"], r["end"]) for r in raw_case["hosts"][0]["working_ranges"]]
    assert [(_z(start), _z(end)) for start, end in spans] == listed


def _z(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%S.000Z")
