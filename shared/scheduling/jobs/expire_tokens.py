"""job_expire_tokens (EventBridge `rate(15 minutes)`): clear management tokens past ends_at + 24 h."""

from __future__ import annotations

import logging
from typing import Any

from scheduling.jobs import event_now
from scheduling.services.token_expiry import expire_due_tokens

logger = logging.getLogger("scheduling.jobs.expire_tokens")


def run(event: dict[str, Any]) -> dict[str, int]:
    """Clear what the due index holds up to the event's time; returns {"due", "expired", "already_gone"}.

    Every booking with a token has a due item: created ones from the create hook, seeded ones
    from the seed loader.
    """
    now = event_now(event)
    summary = expire_due_tokens(now)
    logger.info("expire_tokens at %s: %s", now.isoformat(), summary)
    return summary
