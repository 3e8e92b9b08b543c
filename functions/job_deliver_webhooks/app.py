"""Scheduled (rate(1 minute)): deliver the webhooks due at the EventBridge event's time."""

from typing import Any

from scheduling.jobs.deliver_webhooks import run


def lambda_handler(event: dict, context: Any) -> dict:
    return run(event)
