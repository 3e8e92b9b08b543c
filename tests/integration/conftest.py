"""Fixtures of the webhook tests: local receivers allowed (as `make run` does) and a loopback receiver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.webhook_receiver import Receiver


@pytest.fixture
def local_receivers(monkeypatch) -> Iterator[None]:
    from scheduling.settings import get_settings

    monkeypatch.setenv("WEBHOOKS_LOCAL_RECEIVERS", "on")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def receiver(workspace, local_receivers) -> Iterator[Receiver]:
    from scheduling.services import webhooks

    server = Receiver()
    yield server
    webhooks.wait_for_deliveries()
    server.close()
