"""Domain errors as the sentences a booker reads on a page (the code stays visible as data)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from scheduling.errors import DomainError

FIELD_LABELS = {
    "fullName": "your name", "email": "your email address", "phone": "your phone number",
    "date": "a day", "time": "a time", "timezone": "a time zone", "cancellation_reason": "the reason",
}

SLOT_REASONS = {
    "in_the_past": "That time has already passed.",
    "too_soon": "That time is too soon to book.",
    "beyond_horizon": "That day is too far ahead to book yet.",
    "outside_hours": "That time is outside our opening hours.",
    "date_blocked": "We are not available on that day.",
    "not_on_grid": "Appointments start at set times, and that is not one of them.",
    "busy": "That time is no longer free.",
    "booked": "Someone has just booked that time.",
    "held": "Someone is booking that time right now; it may be free again in a few minutes.",
    "nonexistent_local_time": "That time does not exist on that day (the clocks go forward).",
}


@dataclass(frozen=True)
class Notice:
    """One message box on a page: `code` is the API's error code, `field` the input it is about."""

    text: str
    code: str = ""
    field: str | None = None
    alternatives: list[dict[str, Any]] = dataclass_field(default_factory=list)


def notice_for(error: DomainError) -> Notice:
    code, details = error.code, error.details or {}
    if code == "SLOT_UNAVAILABLE":
        reason = SLOT_REASONS.get(str(details.get("reason")), "That time cannot be booked.")
        options = [a for a in details.get("alternatives") or [] if a]
        suffix = " Here are the closest free times:" if options else " Please choose another day."
        return Notice(reason + suffix, code, "time", options)
    if code == "MISSING_FIELDS":
        names = [FIELD_LABELS.get(f, f) for f in details.get("fields") or []]
        first = (details.get("fields") or [None])[0]
        return Notice("Please fill in " + " and ".join(names) + ".", code, first)
    if code in ("INVALID_EMAIL", "INVALID_ATTENDEE_EMAIL"):
        return Notice("Please enter a full email address, such as name@example.com.", code, "email")
    if code == "VALIDATION_ERROR":
        name = str(details.get("field") or "")
        if name == "phone":
            return Notice("Please enter a phone number such as 0412 345 678 or +61 412 345 678.", code, "phone")
        if name == "cancellation_reason":
            return Notice("Please keep the reason under 1,000 characters.", code, "reason")
        return Notice(f"Please check {FIELD_LABELS.get(name, name or 'the form')}: {details.get('expected', '')}.",
                      code, name or None)
    if code == "INVALID_TIMEZONE":
        return Notice("We do not recognise that time zone; please pick one from the list.", code, "tz")
    if code in ("EVENT_TYPE_NOT_FOUND", "NOT_FOUND"):
        return Notice("This appointment type cannot be booked online any more.", code)
    if code == "INVALID_STATUS_TRANSITION":
        return Notice("This booking can no longer be changed online.", code)
    if code == "CSRF_FAILED":
        return Notice("For your security this form has expired. Please try again.", code)
    if error.status == 503:
        return Notice("We could not check the calendar just now. Please try again in a minute.", code)
    if error.status >= 500:
        return Notice("Something went wrong on our side. Please try again.", code)
    return Notice(error.message, code)
