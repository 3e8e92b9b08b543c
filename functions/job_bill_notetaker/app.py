"""Scheduled (rate(5 minutes)): bill finished notetaker recordings due at the EventBridge event's time."""

from typing import Any

from scheduling.jobs.bill_notetaker import run


def lambda_handler(event: dict, context: Any) -> dict:
    return run(event)
