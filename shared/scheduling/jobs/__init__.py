"""Scheduled job entry logic: each job reads "now" from the EventBridge event's `time`.

`event_now(event)` is the one place that turns a scheduled event into the instant a job runs
for, so a job can be run for any instant in tests and locally (`POST /_local/jobs/{job}`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def event_now(event: dict[str, Any]) -> datetime:
    """The event's `time` (`2026-12-01T09:00:00Z`) as an aware UTC instant.

    A scheduled event always carries `time`; an event without one (a hand-made test event)
    raises ValueError rather than silently using the wall clock.
    """
    raw = (event or {}).get("time")
    if not raw:
        raise ValueError("a scheduled event needs a 'time' (ISO 8601 instant)")
    instant = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)
