"""Fault injection for the reliability tests: DynamoDB errors inside botocore's retry loop, no sleeps.

These tests run on the embedded moto, not DynamoDB Local: they make DynamoDB throttle, fail with 5xx or
cancel a transaction on demand, which a real engine cannot be made to do (tests/README.md).

`dynamo_faults.fail("GetItem", "ProvisionedThroughputExceededException", times=2)` makes the next
two GetItem requests answer as DynamoDB does when throttling. The error is returned at moto's HTTP
layer (botocore's `before-send`), so botocore's retry handler sees it exactly as a real throttle,
and the failed request never reaches moto (a throttled write changes nothing, as on AWS).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

STATUS = {"InternalServerError": 500, "ServiceUnavailable": 503}
PREFIX = {"ThrottlingException": "com.amazon.coral.availability#"}


@dataclass
class DynamoFaults:
    plans: dict[str, list[tuple[str, int | None, list[str] | None]]] = field(default_factory=dict)
    attempts: Counter[str] = field(default_factory=Counter)  # every request that reached the wire, by operation

    def fail(self, operation: str, code: str, times: int | None = None, reasons: list[str] | None = None) -> None:
        """The next `times` `operation` requests (None: all of them) fail with `code`; for
        TransactionCanceledException, `reasons` are the CancellationReasons codes."""
        self.plans.setdefault(operation, []).append((code, times, reasons))

    def stop(self) -> None:
        self.plans.clear()

    def answer(self, operation: str) -> tuple[int, bytes] | None:
        self.attempts[operation] += 1
        plan = self.plans.get(operation)
        if not plan:
            return None
        code, times, reasons = plan[0]
        if times is not None:
            if times <= 1:
                plan.pop(0)
            else:
                plan[0] = (code, times - 1, reasons)
        body: dict[str, Any] = {"__type": PREFIX.get(code, "com.amazonaws.dynamodb.v20120810#") + code,
                                "message": f"injected {code}"}
        if reasons is not None:
            body["CancellationReasons"] = [{"Code": r} if r != "None" else {"Code": "None"} for r in reasons]
        return STATUS.get(code, 400), json.dumps(body).encode()


@pytest.fixture
def aws(_local_aws_session):
    """An empty moto table for this test (the shared `aws` fixture's DynamoDB Local is switched back to
    by the next test that asks for it)."""
    from scheduling.api import app as api_app
    from tools import local_aws

    local_aws.start("moto")
    local_aws.reset()
    api_app.reset_authenticator()
    yield


@pytest.fixture
def dynamo_faults(aws, monkeypatch) -> Iterator[DynamoFaults]:
    from botocore.awsrequest import AWSResponse
    from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse

    faults = DynamoFaults()
    original = BotocoreStubber.__call__

    def call(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else str(target)
        if target.startswith("DynamoDB_"):
            injected = faults.answer(target.split(".", 1)[1])
            if injected is not None:
                status, body = injected
                return AWSResponse(request.url, status, {"Content-Type": "application/x-amz-json-1.0"},
                                   MockRawResponse(body))
        return original(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", call)
    yield faults


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """botocore's backoff sleeps, recorded instead of slept."""
    import botocore.endpoint

    recorded: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", recorded.append)
    return recorded
