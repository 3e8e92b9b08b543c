"""Headless Chromium (Debian `chromium` + `chromium-driver`, driven by Selenium) against one local server.

No browser is ever downloaded: the binaries must be /usr/bin/chromium and /usr/bin/chromedriver
(`make browser-deps` installs them). When they are missing the tests FAIL with that message —
they never skip silently. Screenshots go to test-artifacts/browser/ (git-ignored) for review.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.acceptance.conftest import LocalApi, start_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=414,1400",
)


def _require_browser() -> Any:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"Browser tests need Debian's chromium and chromium-driver; missing {', '.join(missing)}. "
                    "Run `make browser-deps` (apt-get install chromium chromium-driver).", pytrace=False)
    try:
        from selenium import webdriver
    except ImportError:
        pytest.fail("Browser tests need selenium: pip install -r requirements-dev.txt", pytrace=False)
    return webdriver


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> LocalApi:
    from tests.support.seeds import standard_seed

    seed_path = tmp_path_factory.mktemp("seed") / "seed.json"
    seed_path.write_text(json.dumps(standard_seed()))
    process, api = start_server(seed_path)
    yield api
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def driver() -> Any:
    webdriver = _require_browser()
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    browser.set_page_load_timeout(30)
    yield browser
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def screenshot(driver: Any, request: pytest.FixtureRequest) -> Any:
    """screenshot("step") saves test-artifacts/browser/<test>--<step>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}--{step}.png"
        driver.save_screenshot(str(path))
        return path

    return take
