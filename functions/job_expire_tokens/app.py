"""Scheduled (rate(15 minutes)): clear management tokens whose ends_at + 24 h has passed."""

from typing import Any

from scheduling.jobs.expire_tokens import run


def lambda_handler(event: dict, context: Any) -> dict:
    return run(event)
