"""Throttle management-token guessing: failed look-ups are counted per source IP in DynamoDB.

Tokens are UUIDv4 (122 random bits), so guessing is hopeless; counting failures still makes a
scan visible and cheap to stop. Items (same table, TTL attribute `expires_at_epoch`):

    PAGE_GUESS#<sha256(ip)[:32]>   WINDOW#<utc yyyy-mm-ddThh:m0>   count, expires_at_epoch

Windows are fixed 10 minutes. A failure (unknown or malformed token, unknown company on a
management link) adds one with `ADD`, conditioned on `count < LIMIT` so the item never grows past
the limit; every management request first reads its window and is answered 429 once `LIMIT`
failures are recorded there — valid tokens included, so a scan cannot find a hit by luck. The IP
is hashed so the table holds no addresses; items expire an hour after their window ends.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from scheduling import wiring
from scheduling.errors import DomainError

LIMIT = 20
WINDOW = timedelta(minutes=10)
TTL_SLACK_SECONDS = 3600


class TooManyFailures(DomainError):
    code, status = "RATE_LIMITED", 429
    default_fix = "Wait a few minutes, then open the link from your email again."


@dataclass(frozen=True)
class GuessWindow:
    pk: str
    sk: str
    ends_at: datetime


def window_for(source_ip: str, now: datetime) -> GuessWindow:
    now = now.astimezone(UTC)
    start = now.replace(minute=now.minute - now.minute % 10, second=0, microsecond=0)
    digest = hashlib.sha256((source_ip or "unknown").encode("utf-8")).hexdigest()[:32]
    return GuessWindow(f"PAGE_GUESS#{digest}", f"WINDOW#{start.strftime('%Y-%m-%dT%H:%M')}", start + WINDOW)


class GuessCounterRepository:
    def __init__(self, table: Any) -> None:
        self._table = table

    def count(self, window: GuessWindow) -> int:
        item = self._table.get_item(Key={"PK": window.pk, "SK": window.sk}, ConsistentRead=True).get("Item")
        return int(item["count"]) if item else 0

    def add_failure(self, window: GuessWindow, limit: int) -> None:
        from botocore.exceptions import ClientError

        try:
            self._table.update_item(
                Key={"PK": window.pk, "SK": window.sk},
                UpdateExpression="ADD #count :one SET expires_at_epoch = :expires",
                ConditionExpression="attribute_not_exists(#count) OR #count < :limit",
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues={
                    ":one": 1, ":limit": limit, ":expires": int(window.ends_at.timestamp()) + TTL_SLACK_SECONDS,
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise


@wiring.register
@lru_cache(maxsize=1)
def guess_counters() -> GuessCounterRepository:
    return GuessCounterRepository(wiring.table())


def check_not_blocked(source_ip: str, now: datetime) -> None:
    """Raise TooManyFailures (429, details.retry_after_seconds) when this IP failed LIMIT times."""
    window = window_for(source_ip, now)
    if guess_counters().count(window) >= LIMIT:
        retry_after = max(1, math.ceil((window.ends_at - now).total_seconds()))
        raise TooManyFailures(
            "Too many booking links that do not work were opened from your network.",
            details={"retry_after_seconds": retry_after},
        )


def record_failure(source_ip: str, now: datetime) -> None:
    guess_counters().add_failure(window_for(source_ip, now), LIMIT)
