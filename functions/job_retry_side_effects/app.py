"""Scheduled (rate(1 minute)): retry the calendar and email work due at the EventBridge event's time."""

from typing import Any

from scheduling.jobs.retry_side_effects import run


def lambda_handler(event: dict, context: Any) -> dict:
    return run(event)
