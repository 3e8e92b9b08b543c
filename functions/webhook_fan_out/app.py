"""DynamoDB Stream of the table, filtered to new WEBHOOK_EVENT items (template.yaml): the first
attempt of each webhook event right after its change commits, off every request's path
(services/webhooks.py, docs/webhooks.md)."""

from typing import Any

from scheduling.services.webhooks import fan_out_new_events

# Returned this long before Lambda's timeout, so the summary is logged; unfinished attempts go to the job.
MARGIN_SECONDS = 5.0
DEFAULT_BUDGET_SECONDS = 55.0


def lambda_handler(event: dict, context: Any) -> dict:
    remaining = context.get_remaining_time_in_millis() / 1000 if context is not None else DEFAULT_BUDGET_SECONDS
    return fan_out_new_events(event.get("Records") or [], budget_seconds=max(1.0, remaining - MARGIN_SECONDS))
