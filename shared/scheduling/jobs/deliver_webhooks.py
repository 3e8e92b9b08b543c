"""job_deliver_webhooks (EventBridge `rate(1 minute)`): fan out events whose request died, retry due
deliveries on the §8 schedule. Every item is claimed conditionally, so overlapping runs send once
(services/webhooks.py, docs/webhooks.md)."""

from __future__ import annotations

import logging
from typing import Any

from scheduling.jobs import event_now
from scheduling.services.webhooks import run_due

logger = logging.getLogger("scheduling.jobs.deliver_webhooks")


def run(event: dict[str, Any]) -> dict[str, int]:
    """Counts: events fanned out, deliveries attempted, delivered, retrying, failed, skipped."""
    now = event_now(event)
    summary = run_due(now)
    logger.info("deliver_webhooks at %s: %s", now.isoformat(), summary)
    return summary
