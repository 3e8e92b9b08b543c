"""The `/scheduling/*` path family (contract §9): its scope rules and its field names, mapped at the edge.

The family's routes sit beside the `/scheduling-bookings` ones in the same route modules and call
the same services; only what the caller sends is translated here (an ISO instant into the date and
time the services take, `working_hours` into `weekly_hours`…). No booking rule lives in this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime

from scheduling.errors import ValidationFailed
from scheduling.timezones import resolve_timezone

# Either family's scope admits a request of this family (contract §9).
READ = ("scheduling:read", "company:read")
WRITE = ("scheduling:write", "company:write")
DELETE = (*WRITE, "scheduling:delete")

# The services' field names as this family calls them, for the errors that name a field.
LIST_FIELDS = {"date_from": "from", "date_to": "to"}
SLOTS_FIELDS = {"date_from": "start_date", "date_to": "end_date"}
# a "YYYY-MM-DD HH:MM" slot is checked as date and time, an instant as the create's start_time
RESCHEDULE_FIELDS = {"date": "slot", "time": "slot", "start_time": "slot"}

INSTANT_EXPECTED = "an ISO 8601 instant with its offset, e.g. 2026-12-01T09:00:00+11:00"
SLOT_EXPECTED = "an ISO 8601 instant with its offset, or 'YYYY-MM-DD HH:MM' in `timezone`"


def parse_instant(value: str, field: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(field, INSTANT_EXPECTED) from None
    if instant.tzinfo is None:
        raise ValidationFailed(field, INSTANT_EXPECTED, message=f"'{field}' has no UTC offset.")
    return instant


def local_date_time(value: str, timezone_name: str | None, field: str) -> tuple[str, str]:
    """The instant as `YYYY-MM-DD`, `HH:MM` in the caller's time zone (the services' default when absent),
    so the booking keeps the same zone as if the flat date/time/timezone had been sent."""
    local = parse_instant(value, field).astimezone(resolve_timezone(timezone_name))
    return local.date().isoformat(), local.strftime("%H:%M")


def local_slot(value: str) -> tuple[str, str] | None:
    """`slot` as sent to reschedule, when it is the local `YYYY-MM-DD HH:MM` of `timezone`: its date
    and time (the service checks both formats); None when it is meant as an ISO instant."""
    text = value.strip()
    if len(text) == 16 and text[10] == " ":
        return text[:10], text[11:]
    return None


@contextmanager
def named_as(names: Mapping[str, str], expected: str | None = None) -> Iterator[None]:
    """A VALIDATION_ERROR about a service field reported under this family's name for it, its
    message, fix and `expected` saying the family's names too (or `expected` when given: several
    service fields are one of this family's), so the caller can fix what they sent."""
    try:
        yield
    except ValidationFailed as error:
        field = error.details.get("field")
        if field not in names:
            raise
        if expected is not None:
            raise ValidationFailed(names[field], expected) from None
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")

        def renamed(text: str) -> str:
            return pattern.sub(lambda m: names[m.group(1)], text)

        raise ValidationFailed(names[field], renamed(str(error.details.get("expected", ""))),
                               message=renamed(error.message), fix=renamed(error.fix), hint=error.hint) from None
