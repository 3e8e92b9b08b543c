"""job_expire_tokens (EventBridge `rate(15 minutes)`): clear management tokens past ends_at + 24 h."""

from __future__ import annotations

import logging
from typing import Any

from scheduling.jobs import event_now
from scheduling.services.token_expiry import expire_due_tokens, sweep_company

logger = logging.getLogger("scheduling.jobs.expire_tokens")


def run(event: dict[str, Any]) -> dict[str, int]:
    """Due-index pass; plus a BookingsByStart sweep for any `detail.company_ids` (seeded bookings).

    Returns {"due", "expired", "already_gone", "swept"}.
    """
    now = event_now(event)
    summary = expire_due_tokens(now)
    company_ids = ((event or {}).get("detail") or {}).get("company_ids") or []
    summary["swept"] = sum(sweep_company(str(company_id), now) for company_id in company_ids)
    logger.info("expire_tokens at %s: %s", now.isoformat(), summary)
    return summary
