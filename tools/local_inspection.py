"""Seeding and the /_local inspection views of the local server (contract §6)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EMPTY_OUTBOX = {"emails": [], "sms": [], "calendar": [], "notetaker": []}
EMPTY_CRM = {"contacts": [], "customers": [], "opportunities": [], "activities": []}

_seeded_company_ids: list[str] = []


def seed_workspace(path: Path) -> list[str]:
    """Load a seed file into the local table and the local calendar; return lines to print."""
    from scheduling import wiring
    from scheduling.seed import apply_seed, load_seed_file

    plan = load_seed_file(path, datetime.now(UTC))
    apply_seed(plan, wiring.companies(), wiring.bookings())
    _register_calendar_busy(plan.calendar_busy)
    lines = []
    for seeded in plan.companies:
        _seeded_company_ids.append(seeded.company.id)
        lines.append(f"Company {seeded.company.name} ({seeded.company.slug}) id {seeded.company.id}")
        for key in seeded.api_keys:
            lines.append(f"  API key {key.key}  scopes {' '.join(key.scopes)}")
        for event_type in seeded.event_types:
            lines.append(f"  Event type {event_type.id}  {event_type.slug}  ({event_type.name})")
    return lines


def _register_calendar_busy(busy: dict[str, list[Any]]) -> None:
    try:
        from scheduling import wiring

        calendar = wiring.calendar()
    except (ImportError, AttributeError):
        return
    if hasattr(calendar, "add_busy"):
        for calendar_id, ranges in busy.items():
            calendar.add_busy(calendar_id, ranges)


def outbox() -> dict[str, Any]:
    try:
        from scheduling.adapters.outbox import OUTBOX
    except ImportError:
        return dict(EMPTY_OUTBOX)
    return OUTBOX.snapshot()


def crm() -> dict[str, Any]:
    try:
        from scheduling import wiring
        from scheduling.services import crm as _crm  # noqa: F401 - provides wiring.crm()

        records = wiring.crm()
    except (ImportError, AttributeError):
        return dict(EMPTY_CRM)
    return records.snapshot(_seeded_company_ids)
