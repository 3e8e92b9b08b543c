"""Per-key request counters: one item per key and window, counted atomically in DynamoDB.

Items (same table; key builders here because only this module reads or writes them):
    RATE#<key sha256>   MINUTE#<yyyy-mm-ddThh:mm>   count, expires_at_epoch   (UTC minute)
    RATE#<key sha256>   DAY#<yyyy-mm-dd>            count, expires_at_epoch   (UTC day)

`consume` adds one to every window of a request in one TransactWriteItems, each update
conditioned on `count < limit`. DynamoDB serialises writes to an item, so parallel Lambdas can
never push a window past its limit; and because the updates are one transaction, a request
refused by one window is not counted in the other. Items expire through the table's TTL
attribute an hour (minute windows) or two days (day windows) after their window ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

RATE_TTL_SLACK_SECONDS = {"minute": 3600, "day": 2 * 86400}


@dataclass(frozen=True)
class Window:
    """One counting window of one key: `kind` minute|day, `label` its UTC start, `ends_at`."""

    kind: str
    label: str
    limit: int
    ends_at: datetime


def rate_pk(key_hash: str) -> str:
    return f"RATE#{key_hash}"


def window_sk(window: Window) -> str:
    return f"{window.kind.upper()}#{window.label}"


class RateLimitRepository:
    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client

    def consume(self, key_hash: str, windows: list[Window]) -> Window | None:
        """Count one request in every window, or in none: returns the first full window, else None."""
        if not windows:
            return None
        writes = [{"Update": self._increment(key_hash, window)} for window in windows]
        try:
            self._client.transact_write_items(TransactItems=writes)
        except self._client.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons") or []
            for window, reason in zip(windows, reasons, strict=False):
                if reason.get("Code") == "ConditionalCheckFailed":
                    return window
            raise
        return None

    def count(self, key_hash: str, window: Window) -> int:
        item = self._table.get_item(
            Key={"PK": rate_pk(key_hash), "SK": window_sk(window)}, ConsistentRead=True
        ).get("Item")
        return int(item["count"]) if item else 0

    def _increment(self, key_hash: str, window: Window) -> dict[str, Any]:
        expires = int(window.ends_at.timestamp()) + RATE_TTL_SLACK_SECONDS[window.kind]
        return {
            "TableName": self._table.name,
            "Key": {"PK": rate_pk(key_hash), "SK": window_sk(window)},
            "UpdateExpression": "ADD #count :one SET expires_at_epoch = :expires",
            "ConditionExpression": "attribute_not_exists(#count) OR #count < :limit",
            "ExpressionAttributeNames": {"#count": "count"},
            "ExpressionAttributeValues": {":one": 1, ":limit": window.limit, ":expires": expires},
        }
