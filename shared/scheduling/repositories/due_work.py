"""The DueWorkByTime index: what a background job has to do by `now` (a Query, never a Scan).

Every kind of scheduled work (reminders, side effects, token expiry, notetaker billing) writes
`keys.due_work(kind, due_at, id)` on its item and removes it when done, so the index holds only
work still to do, oldest first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scheduling.repositories import keys
from scheduling.repositories.conditions import Key


def due_items(table: Any, kind: str, now: datetime, limit: int) -> list[dict[str, Any]]:
    """Items of `kind` due at or before `now`, oldest first, at most `limit`."""
    condition = Key("DueWorkByTimePK").eq(f"DUE#{kind}") & Key("DueWorkByTimeSK").lte(f"{keys.utc_iso(now)}#~")
    kwargs: dict[str, Any] = {"IndexName": "DueWorkByTime", "KeyConditionExpression": condition, "Limit": limit}
    found: list[dict[str, Any]] = []
    while len(found) < limit:
        page = table.query(**kwargs)
        found.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return found[:limit]
