"""Per-key rate limits (contract §1): counted atomically per key and window in DynamoDB."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from scheduling.errors import DomainError
from scheduling.services.auth import Principal
from scheduling.services.rate_limits import enforce_rate_limits, rate_limits, windows_for

NOW = datetime(2026, 12, 1, 9, 15, 40, tzinfo=UTC)


def key(per_minute: int | None = None, per_day: int | None = None, name: str = "k") -> Principal:
    return Principal("company-1", f"hash-{name}", frozenset({"company:read"}), per_minute, per_day)


def refusal(principal: Principal, now: datetime = NOW) -> DomainError | None:
    try:
        enforce_rate_limits(principal, now)
    except DomainError as error:
        return error
    return None


def test_the_request_past_the_per_minute_limit_is_429_with_seconds_until_the_next_minute(aws):
    principal = key(per_minute=3)
    assert [refusal(principal) for _ in range(3)] == [None, None, None]
    error = refusal(principal)
    assert (error.status, error.code) == (429, "RATE_LIMITED")
    assert error.details == {"limit": 3, "window": "minute", "retry_after_seconds": 20}


def test_a_new_minute_starts_a_new_count(aws):
    principal = key(per_minute=1)
    assert refusal(principal) is None
    assert refusal(principal) is not None
    assert refusal(principal, datetime(2026, 12, 1, 9, 16, 0, tzinfo=UTC)) is None


def test_the_per_day_limit_holds_across_minutes_and_retry_after_points_at_utc_midnight(aws):
    principal = key(per_minute=100, per_day=2)
    assert refusal(principal, datetime(2026, 12, 1, 1, 0, tzinfo=UTC)) is None
    assert refusal(principal, datetime(2026, 12, 1, 5, 0, tzinfo=UTC)) is None
    error = refusal(principal, datetime(2026, 12, 1, 23, 59, 0, tzinfo=UTC))
    assert error.details == {"limit": 2, "window": "day", "retry_after_seconds": 60}
    assert refusal(principal, datetime(2026, 12, 2, 0, 0, 1, tzinfo=UTC)) is None


def test_a_request_refused_by_the_day_limit_does_not_use_up_the_minute(aws):
    principal = key(per_minute=2, per_day=1)
    assert refusal(principal) is None
    assert refusal(principal).details["window"] == "day"
    minute = windows_for(principal, NOW)[0]
    assert rate_limits().count(principal.key_hash, minute) == 1


def test_keys_are_counted_separately(aws):
    assert refusal(key(per_minute=1, name="a")) is None
    assert refusal(key(per_minute=1, name="b")) is None
    assert refusal(key(per_minute=1, name="a")) is not None


def test_a_key_without_limits_is_never_refused_and_writes_nothing(aws, monkeypatch):
    def no_dynamodb(*args, **kwargs):
        raise AssertionError("an unlimited key must not touch DynamoDB")

    monkeypatch.setattr(type(rate_limits()), "consume", no_dynamodb)
    assert all(refusal(key()) is None for _ in range(50))


def test_window_items_carry_a_ttl_after_their_window_ends(aws):
    from scheduling import wiring

    enforce_rate_limits(key(per_minute=5, per_day=50), NOW)
    items = wiring.table().scan()["Items"]
    expiry = {i["SK"]: int(i["expires_at_epoch"]) for i in items if i["PK"] == "RATE#hash-k"}
    assert expiry == {
        "MINUTE#2026-12-01T09:15": int(datetime(2026, 12, 1, 10, 16, tzinfo=UTC).timestamp()),
        "DAY#2026-12-01": int(datetime(2026, 12, 4, tzinfo=UTC).timestamp()),
    }


@pytest.mark.parametrize("limit", [1, 5])
def test_ten_concurrent_requests_let_exactly_the_limit_through(aws, limit):
    principal = key(per_minute=limit, name=f"concurrent-{limit}")
    results: list[DomainError | None] = []
    start = threading.Barrier(10)

    def one_request():
        start.wait()
        results.append(refusal(principal))

    threads = [threading.Thread(target=one_request) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r is None for r in results) == limit
    assert all(r.code == "RATE_LIMITED" for r in results if r is not None)


def test_every_deployed_function_behind_auth_is_allowed_to_count_its_rate_limit_windows():
    """Read-only functions get UpdateItem on RATE#* items only; the others already have CRUD on the table."""
    from tools.sam_template import load_template

    resources = load_template()["Resources"]
    counting_roles = {role["!Ref"] for role in resources["RateLimitCountersPolicy"]["Properties"]["Roles"]}
    unauthenticated = {"/v1/health", "/v1/openapi.json", "/{proxy+}"}
    for name, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        events = resource["Properties"].get("Events", {}).values()
        if not any(e["Type"] == "Api" and e["Properties"]["Path"] not in unauthenticated for e in events):
            continue
        policies = resource["Properties"].get("Policies", [])
        has_crud = any(isinstance(p, dict) and "DynamoDBCrudPolicy" in p for p in policies)
        assert has_crud or f"{name}Role" in counting_roles, f"{name} cannot write its RATE# window items"
