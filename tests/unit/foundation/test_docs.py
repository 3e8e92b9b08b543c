from __future__ import annotations

from pathlib import Path

from scheduling.timezones import TIMEZONE_SHORTHANDS, resolve_timezone

DOC = (Path(__file__).resolve().parents[3] / "docs" / "timezones.md").read_text()


def test_the_timezone_page_lists_every_shorthand_with_the_zone_it_resolves_to():
    for shorthand, zone in TIMEZONE_SHORTHANDS.items():
        assert f"| `{shorthand}` | `{zone}` |" in DOC
        assert resolve_timezone(shorthand.lower()).key == zone
