"""`make refresh-samples` keeps the literal sample events and demo seed bookable as time passes."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tools import refresh_samples
from tools.refresh_samples import ROOT, shift, weeks_needed

TODAY = date(2026, 12, 20)  # a Sunday after the samples' 2026-12-10 create


def test_dates_already_a_week_ahead_are_left_alone() -> None:
    assert weeks_needed([date(2026, 12, 28), date(2030, 1, 7)], TODAY) == 0


def test_the_earliest_near_date_moves_at_least_a_week_ahead_by_whole_weeks() -> None:
    weeks = weeks_needed([date(2026, 12, 1), date(2026, 12, 10), date(2030, 1, 7)], TODAY)
    assert weeks == 4  # 2026-12-01 + 4 weeks = 2026-12-29 ≥ 2026-12-27
    moved = date(2026, 12, 1).toordinal() + 7 * weeks
    assert date.fromordinal(moved) >= date(2026, 12, 27)


def test_shifting_keeps_weekdays_and_leaves_far_dates_and_other_text_alone() -> None:
    text = ('{"body": "{\\"date\\": \\"2026-12-10\\", \\"time\\": \\"10:00\\"}", "starts_at": "2026-12-09T14:00:00+11:00",'
            ' "voice": "2030-01-07", "slot": "slot=2026-12-01+09%3A00", "id": "9a8b7c6d-5e4f-4a3b"}')
    shifted = shift(text, 2, TODAY)
    assert '\\"date\\": \\"2026-12-24\\"' in shifted  # a Thursday stays a Thursday
    assert '"starts_at": "2026-12-23T14:00:00+11:00"' in shifted
    assert '"voice": "2030-01-07"' in shifted
    assert "slot=2026-12-15+09%3A00" in shifted
    assert '"id": "9a8b7c6d-5e4f-4a3b"' in shifted


def test_an_instant_moved_across_daylight_saving_keeps_its_sydney_wall_time() -> None:
    text = ('"start_time": "2026-12-17T10:00:00+11:00", "slot": "2026-12-08T09:00:00+11:00", '
            '"at": "2026-12-08T09:00:00Z", "created": "2026-12-05T16:07:37.495401+00:00"')

    shifted = shift(text, 20, TODAY, ZoneInfo("Australia/Sydney"))

    assert '"start_time": "2027-05-06T10:00:00+10:00"' in shifted  # AEST in May: still 10:00 in Sydney
    assert '"slot": "2027-04-27T09:00:00+10:00"' in shifted
    assert '"at": "2027-04-27T09:00:00Z"' in shifted  # UTC times have no daylight saving
    assert '"created": "2027-04-24T16:07:37.495401+00:00"' in shifted


def test_main_moves_the_family_mcp_and_holds_samples_and_keeps_them_bookable(tmp_path, monkeypatch) -> None:
    events = tmp_path / "events"
    events.mkdir()
    names = ["create_booking.scheduling.json", "reschedule_booking.scheduling.json", "check_availability.scheduling.json",
             "list_bookings.scheduling.json", "list_available_slots.scheduling.json", "mcp.json", "create_hold.json"]
    for name in names:
        (events / name).write_text((ROOT / "events" / name).read_text())
    seed = tmp_path / "demo-seed.json"
    seed.write_text(refresh_samples.DEMO_SEED.read_text())
    monkeypatch.setattr(refresh_samples, "EVENTS", sorted(events.glob("*.json")))
    monkeypatch.setattr(refresh_samples, "DEMO_SEED", seed)
    sydney = ZoneInfo("Australia/Sydney")
    before = {name: _instants_and_dates((events / name).read_text()) for name in names}
    today = max(d for found in before.values() for d in found[1]) + timedelta(days=150)  # into the next winter

    refresh_samples.main(today)

    for name in names:
        old_instants, old_dates = before[name]
        new_instants, new_dates = _instants_and_dates((events / name).read_text())
        assert old_dates and all(d >= today for d in new_dates), name  # every date moved ahead of today
        assert [i.astimezone(sydney).time() for i in new_instants] == \
               [i.astimezone(sydney).time() for i in old_instants], name  # the same local time of day
        assert [i.astimezone(sydney).weekday() for i in new_instants] == \
               [i.astimezone(sydney).weekday() for i in old_instants], name


def _instants_and_dates(event_text: str) -> tuple[list[datetime], list[date]]:
    event = json.loads(event_text)
    text = json.dumps(event.get("queryStringParameters")) + (event.get("body") or "")
    instants = [datetime.fromisoformat(m) for m in re.findall(r"20\d\d-\d\d-\d\dT[\d:]+[+-]\d\d:\d\d", text)]
    dates = [date.fromisoformat(m) for m in re.findall(r"20\d\d-\d\d-\d\d", text)]
    return instants, dates
