"""job_bill_notetaker (EventBridge `rate(5 minutes)`): bill finished notetaker recordings, exactly once.

Also retries provider calls the booking hooks could not make (deleting a cancelled booking's bot,
creating a rescheduled booking's bot). See services/notetaker_billing.py and docs/notetaker.md.
"""

from __future__ import annotations

import logging
from typing import Any

from scheduling.jobs import event_now
from scheduling.services.notetaker_billing import bill_due_notetakers

logger = logging.getLogger("scheduling.jobs.bill_notetaker")


def run(event: dict[str, Any]) -> dict[str, int]:
    """Bill what is due at the event's `time`; returns the counts of services.notetaker_billing."""
    now = event_now(event)
    summary = bill_due_notetakers(now)
    logger.info("bill_notetaker at %s: %s", now.isoformat(), summary)
    return summary
