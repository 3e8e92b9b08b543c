"""Slot-engine benchmark on the shared Cal.com peer case (docs/measurements.md, "slot_engine").

    PYTHONPATH=shared .venv/bin/python tools/bench_slots.py

`run()` checks that the engine reproduces `slot-case-expected.json` exactly, then times
`compute_slots` and the brute-force reference (tests/reference) in the same process; machines
are shared and noisy, so the speed-up against the reference is the figure that counts.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR_VARIABLE = "SCHEDULING_SHARED_DIR"
CASE_RELATIVE = Path("bench") / "slot-case.json"


def _main_checkout() -> Path | None:
    """The main checkout of a git worktree (its common .git folder's parent), or None."""
    import subprocess

    try:
        found = subprocess.run(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found.stdout.strip()).parent if found.returncode == 0 and found.stdout.strip() else None


def shared_dir_candidates() -> list[Path]:
    """Where the shared folder may be: $SCHEDULING_SHARED_DIR, then beside the repository (CI clones
    it there, as ../shared), then beside the main checkout when this is a git worktree."""
    candidates = [Path(os.environ[SHARED_DIR_VARIABLE])] if os.environ.get(SHARED_DIR_VARIABLE) else []
    candidates.append(REPO_ROOT.parent / "shared")
    main_checkout = _main_checkout()
    if main_checkout is not None and main_checkout != REPO_ROOT:
        candidates.append(main_checkout.parent / "shared")
    return candidates


def find_case() -> Path | None:
    return next((c / CASE_RELATIVE for c in shared_dir_candidates() if (c / CASE_RELATIVE).exists()), None)


def missing_case_message() -> str:
    looked = ", ".join(str(c / CASE_RELATIVE) for c in shared_dir_candidates())
    return (f"slot-engine bench case not found (looked at {looked}): set {SHARED_DIR_VARIABLE} to the shared "
            "folder (the one holding bench/slot-case.json)")


CASE_PATH = find_case() or REPO_ROOT.parent / "shared" / CASE_RELATIVE
EXPECTED_PATH = CASE_PATH.with_name("slot-case-expected.json")

sys.path[:0] = [p for p in (str(REPO_ROOT / "shared"), str(REPO_ROOT)) if p not in sys.path]

from scheduling.slots.engine import compute_slots  # noqa: E402
from scheduling.slots.inputs import HostAvailability, HostCalendar, SlotRules, WeeklyWindow  # noqa: E402
from scheduling.slots.ranges import TimeRange  # noqa: E402

# The case fixes `now` only in docs/measurements.md, and sets no booking horizon (Cal.com's
# "unlimited" period), so the horizon here is a year: every day of the case is bookable.
NOW = datetime.fromisoformat("2026-11-25T00:00:00Z")
HORIZON_DAYS = 365
PEER_MS = 15.3  # Cal.com's own slot pipeline on this kind of machine (docs/measurements.md)


@dataclass(frozen=True)
class SlotCase:
    now: datetime
    rules: SlotRules
    hosts: tuple[HostCalendar, ...]
    query: TimeRange
    scheduling_type: str
    horizon_tz: ZoneInfo

    def arguments(self) -> tuple[Any, ...]:
        return (self.now, self.rules, list(self.hosts), self.query, self.scheduling_type, self.horizon_tz)


def load_case(case: dict[str, Any]) -> SlotCase:
    """The case JSON → engine inputs: each host gets the case's weekly hours and its own busy."""
    rules, weekly = case["rules"], case["rules"]["weekly"]
    tz = ZoneInfo(weekly["tz"])
    windows = tuple(WeeklyWindow(day, weekly["start"], weekly["end"]) for day in weekly["days"])
    availability = HostAvailability(tz, windows)
    hosts = tuple(
        HostCalendar(
            host_id=str(host["id"]),
            availability=availability,
            calendar_busy=tuple(_range(busy) for busy in host["busy"]),
        )
        for host in case["hosts"]
    )
    assert rules["offsetStart_min"] == 0, "the engine has no start offset"
    return SlotCase(
        now=NOW,
        rules=SlotRules(
            duration_minutes=rules["eventLength_min"],
            interval_minutes=rules["frequency_min"],
            min_notice_minutes=rules["minimumBookingNotice_min"],
            max_advance_days=HORIZON_DAYS,
        ),
        hosts=hosts,
        query=TimeRange.utc(_instant(case["window"]["request_startTime"]), _instant(case["window"]["request_endTime"])),
        scheduling_type=rules["schedulingType"].lower(),
        horizon_tz=ZoneInfo(case["timezone"]),
    )


def slots_by_local_date(starts: list[datetime], tz: ZoneInfo) -> dict[str, list[str]]:
    """Slot starts in the expected file's shape: local date → ["2027-01-31T22:00:00.000Z", …]."""
    by_date: dict[str, list[str]] = {}
    for start in starts:
        key = start.astimezone(tz).date().isoformat()
        by_date.setdefault(key, []).append(start.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    return by_date


def run(case_path: Path = CASE_PATH, engine_runs: int = 300, reference_runs: int = 3) -> dict[str, Any]:
    """Assert the expected answer, then time engine and reference; figures for `make bench`."""
    from tests.reference.brute_force import brute_force_slots

    case = load_case(json.loads(case_path.read_text()))
    expected = json.loads(case_path.with_name(EXPECTED_PATH.name).read_text())
    slots = compute_slots(*case.arguments())
    got = slots_by_local_date([slot.start for slot in slots], case.horizon_tz)
    if got != expected:
        raise AssertionError(f"engine disagrees with {EXPECTED_PATH.name}: {len(slots)} slots")

    for _ in range(20):  # warm caches (zoneinfo, memo-free code paths) before timing
        compute_slots(*case.arguments())
    engine_ms = _median_ms(lambda: compute_slots(*case.arguments()), engine_runs)
    reference = brute_force_slots(*case.arguments())
    if [r[0] for r in reference] != [slot.start for slot in slots]:
        raise AssertionError("the brute-force reference disagrees with the engine on the bench case")
    reference_ms = _median_ms(lambda: brute_force_slots(*case.arguments()), reference_runs)
    return {
        "case": "shared/bench/slot-case.json",
        "median_ms": round(engine_ms, 3),
        "reference_median_ms": round(reference_ms, 1),
        "speedup_vs_reference": round(reference_ms / engine_ms, 1),
        "peer_ms": PEER_MS,
    }


def _median_ms(call: Any, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _range(busy: dict[str, str]) -> TimeRange:
    return TimeRange.utc(_instant(busy["start"]), _instant(busy["end"]))


if __name__ == "__main__":
    if find_case() is None:
        sys.exit(missing_case_message())
    figures = run()
    print(json.dumps(figures, indent=2))
    print(
        f"slot engine: {figures['median_ms']} ms median; "
        f"reference {figures['reference_median_ms']} ms ({figures['speedup_vs_reference']}x); "
        f"Cal.com peer {PEER_MS} ms"
    )
