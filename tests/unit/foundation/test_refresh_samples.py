"""`make refresh-samples` keeps the literal sample events and demo seed bookable as time passes."""

from __future__ import annotations

from datetime import date

from tools.refresh_samples import shift, weeks_needed

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
