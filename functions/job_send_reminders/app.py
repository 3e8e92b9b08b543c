"""Scheduled (rate(1 minute)): send the reminders due at the EventBridge event's time."""

from typing import Any

from scheduling.jobs.send_reminders import run


def lambda_handler(event: dict, context: Any) -> dict:
    return run(event)
