"""A small fixed-date workspace for the voice tools, so their texts can be compared whole.

Wednesday 22 April 2026, 10:00 in Sydney. Harbour Physio (AU), Jane Smith works weekdays 9–17
Sydney; Sam Lee Tuesdays 8–16 Perth. "Night Check" (Nina) works Sundays 00:00–06:00 Sydney, to
look at the daylight-saving days. The caller +61412340000 has two upcoming bookings.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from voice_fixtures import load, voice_seed  # noqa: E402


@pytest.fixture
def voice_workspace(aws):
    load(voice_seed())
