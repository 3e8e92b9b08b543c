"""job_send_reminders (EventBridge `rate(1 minute)`): send every reminder due at the event's time."""

from __future__ import annotations

import logging
from typing import Any

from scheduling.jobs import event_now
from scheduling.services.reminders import send_due_reminders

logger = logging.getLogger("scheduling.jobs.send_reminders")


def run(event: dict[str, Any]) -> dict[str, int]:
    """Returns the counts of `send_due_reminders` (due, sent, messages, retry_later, …)."""
    now = event_now(event)
    summary = send_due_reminders(now)
    logger.info("send_reminders at %s: %s", now.isoformat(), summary)
    return summary
