"""Fixtures of the booker page handler tests (helpers in page_browser.py, beside this file)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from page_browser import PageBrowser  # noqa: E402


@pytest.fixture
def browser() -> PageBrowser:
    return PageBrowser()
