"""Shared fixtures: one DynamoDB Local per test process (pytest-xdist worker), its table emptied between
tests that use it. TEST_DB=moto runs them on the embedded moto instead (a machine without Java).
tests/README.md says which tests run where and why."""

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


TEST_DATABASE = os.environ.get("TEST_DB") or "dynamodb-local"


def dynamodb_endpoint() -> str | None:
    """This worker's DynamoDB Local (started on first use), or None when the tests run on moto."""
    if TEST_DATABASE == "moto":
        return None
    from tools import local_aws

    return local_aws.dynamodb_local_endpoint()


@pytest.fixture(scope="session")
def _local_aws_session():
    from tools import local_aws

    local_aws.start(TEST_DATABASE, endpoint=dynamodb_endpoint())
    yield


@pytest.fixture
def aws(_local_aws_session):
    """An empty table for this test."""
    from scheduling.api import app as api_app
    from tools import local_aws

    if local_aws.backend()["database"] != TEST_DATABASE:  # a moto-only test ran before in this worker
        local_aws.start(TEST_DATABASE, endpoint=dynamodb_endpoint())
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
