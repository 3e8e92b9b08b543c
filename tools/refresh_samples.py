"""Move the sample events' and the demo seed's dates forward by whole weeks (`make refresh-samples`).

events/*.json and tools/demo-seed.json are literal (`sam local invoke` reads the files as they
are), so their dates age: once the sample create's day has passed it answers 409 and `make bench`
says so. This shifts every date in the next year (dates further out are left alone: a sample may
mean a date that far on purpose) by the same number of weeks, so weekdays, working hours and the ties
between samples and seed (the seeded booking a sample reads, the day a sample books) still hold.
The earliest date lands at least LEAD days ahead. The seed's `date_overrides` are calendar facts
(Christmas Day) and stay where they are.

Instants with an offset (the /scheduling/* family's and MCP's `start_time`, `slot`:
`2026-12-17T10:00:00+11:00`) keep their wall-clock time in the samples' zone (the demo seed
company's), so one moved across a daylight-saving change gets that zone's new offset (+10:00 in
winter) instead of turning into 9:00 local, outside the seeded hours. Instants in another offset
(UTC job times) keep it.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
EVENTS = sorted((ROOT / "events").glob("*.json"))
DEMO_SEED = ROOT / "tools" / "demo-seed.json"
KEPT = "date_overrides"
ISO_DATE = re.compile(r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)(?!\d)")  # also inside 2026-12-09T14:00
LEAD = timedelta(days=7)
NEAR = timedelta(days=365)


def weeks_needed(dates: list[date], today: date) -> int:
    """Whole weeks that put the earliest near date at least LEAD ahead of today (0 if it is)."""
    near = [d for d in dates if d < today + NEAR]
    if not near or min(near) >= today + LEAD:
        return 0
    return -(-(today + LEAD - min(near)).days // 7)


@cache
def samples_zone() -> ZoneInfo:
    return ZoneInfo(json.loads(DEMO_SEED.read_text())["companies"][0]["timezone"])


def shift(text: str, weeks: int, today: date, zone: ZoneInfo | None = None) -> str:
    """`text` with its near dates `weeks` later; instants in `zone` keep their local time there."""
    zone = zone or samples_zone()

    def moved(match: re.Match[str]) -> str:
        if match.group("instant") is None:
            day = date(*map(int, match.group("y", "m", "d")))
            return (day + timedelta(weeks=weeks)).isoformat() if day < today + NEAR else match.group(0)
        day_text, clock, offset = match.group("day", "clock", "offset")
        if date.fromisoformat(day_text) >= today + NEAR:
            return match.group(0)
        local = datetime.fromisoformat(f"{day_text}T{clock}")
        later = local + timedelta(weeks=weeks)
        if _offset(local.replace(tzinfo=zone)) == offset:  # the samples' zone: its offset on the new day
            offset = _offset(later.replace(tzinfo=zone))
        return f"{later.date().isoformat()}T{clock}{offset}"

    return _DATE_OR_INSTANT.sub(moved, text)


_DATE_OR_INSTANT = re.compile(
    r"(?P<instant>(?<!\d)(?P<day>20\d\d-\d\d-\d\d)T(?P<clock>\d\d:\d\d(?::\d\d(?:\.\d+)?)?)"
    r"(?P<offset>[+-]\d\d:\d\d)(?![\d:]))"
    r"|(?<!\d)(?P<y>20\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?!\d)")


def _offset(instant: datetime) -> str:
    text = instant.strftime("%z")  # +1100
    return f"{text[:3]}:{text[3:]}"


def shift_seed(value: Any, weeks: int, today: date) -> Any:
    """The seed with its dates moved, except under `date_overrides`."""
    if isinstance(value, dict):
        return {k: v if k == KEPT else shift_seed(v, weeks, today) for k, v in value.items()}
    if isinstance(value, list):
        return [shift_seed(v, weeks, today) for v in value]
    return shift(value, weeks, today) if isinstance(value, str) else value


def _dates(text: str) -> list[date]:
    return [date(*map(int, m.groups())) for m in ISO_DATE.finditer(text)]


def _movable_seed_text(seed: Any) -> str:
    """The seed's text without its `date_overrides`: the dates that move."""
    def without_kept(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: without_kept(v) for k, v in value.items() if k != KEPT}
        if isinstance(value, list):
            return [without_kept(v) for v in value]
        return value

    return json.dumps(without_kept(seed))


def main(today: date | None = None) -> int:
    today = today or datetime.now(UTC).date()
    events = {path: path.read_text() for path in EVENTS}
    seed_text = DEMO_SEED.read_text()
    seed = json.loads(seed_text)
    weeks = weeks_needed([d for text in [*events.values(), _movable_seed_text(seed)] for d in _dates(text)], today)
    if weeks == 0:
        print("sample dates are already at least a week ahead: nothing to do")
        return 0
    for path, text in events.items():
        path.write_text(shift(text, weeks, today))
    ending = "\n" if seed_text.endswith("\n") else ""
    DEMO_SEED.write_text(json.dumps(shift_seed(seed, weeks, today), indent=2, ensure_ascii=False) + ending)
    print(f"moved the dates of {len(events)} sample events and the demo seed forward by {weeks} week(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
