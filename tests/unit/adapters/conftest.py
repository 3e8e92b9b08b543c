"""Shared fixtures for the adapter tests: a fresh outbox, fake AWS credentials, a UTC helper."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Helpers beside these tests (adapter_helpers.py, google_http.py) import as top-level modules,
# whatever import mode pytest runs in; their names are unique to avoid clashing with other suites.
sys.path.insert(0, str(Path(__file__).parent))

from scheduling.adapters.outbox import LocalOutbox  # noqa: E402


@pytest.fixture
def outbox() -> LocalOutbox:
    return LocalOutbox()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and a region; no endpoint override, so boto3 talks to mock_aws."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SESV2", "AWS_ENDPOINT_URL_SNS", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
