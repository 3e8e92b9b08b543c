"""Shared fixtures: one embedded moto per test process, emptied between tests that use it."""

from __future__ import annotations

import os
import sys
from datetime import UTC
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
for path in (str(ROOT / "shared"), str(ROOT)):
    if path not in sys.path:
        sys.path.insert(0, path)

from tools.local_aws import LOCAL_ENV  # noqa: E402 - importable only once the paths above are set

for _key, _value in LOCAL_ENV.items():
    os.environ[_key] = _value
os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"


@pytest.fixture(scope="session")
def _moto_session():
    from tools import local_aws

    local_aws.start()
    yield


@pytest.fixture
def aws(_moto_session):
    """An empty table (and empty mocked SES/SNS) for this test."""
    from scheduling.api import app as api_app
    from tools import local_aws

    local_aws.reset()
    api_app.reset_authenticator()
    yield


@pytest.fixture
def workspace(aws):
    """The workspace of tests/support/seeds.py loaded into the table; returns the SeedPlan."""
    from datetime import datetime

    from scheduling import wiring
    from scheduling.seed import apply_seed, plan_seed
    from tests.support.seeds import standard_seed

    plan = plan_seed(standard_seed(), datetime.now(UTC))
    apply_seed(plan, wiring.companies(), wiring.bookings())
    return plan
