"""job_retry_side_effects (EventBridge `rate(1 minute)`): finish calendar and email work that is due.

Each due item is claimed with a conditional update before it is performed, so overlapping runs
(or a run overlapping the request that recorded it) do each item once; see services/side_effects.
"""

from __future__ import annotations

import logging
from typing import Any

from scheduling.jobs import event_now
from scheduling.services.side_effects import run_due

logger = logging.getLogger("scheduling.jobs.retry_side_effects")


def run(event: dict[str, Any]) -> dict[str, int]:
    """Counts: due, claimed, skipped (taken by another run), done, retrying, failed, lost."""
    now = event_now(event)
    summary = run_due(now)
    logger.info("retry_side_effects at %s: %s", now.isoformat(), summary)
    return summary
