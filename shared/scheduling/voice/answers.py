"""Domain errors → the sentence a voice agent can say and act on (the voice twin of the JSON envelope).

A `VoiceAnswer` is what a voice route returns: text and an HTTP status. Book, cancel and reschedule
answer 200 even when they fail (Retell reads the body to the model; the first words say it failed).
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.errors import DomainError

SLOT_REASONS = {
    "in_the_past": "That time has already passed",
    "too_soon": "That time is too soon to book; it needs more notice",
    "beyond_horizon": "That time is too far ahead to book",
    "outside_hours": "That time is outside the available hours",
    "date_blocked": "Nobody is available on that day",
    "not_on_grid": "Bookings can only start at the listed slot times",
    "busy": "The host is busy at that time",
    "booked": "That time has just been booked by someone else",
    "held": "That time is being held for someone else for a few minutes",
    "nonexistent_local_time": "That time does not exist on that day because the clocks change",
}


@dataclass(frozen=True)
class VoiceAnswer:
    """`remember=False` marks an answer a retry should not get again (a temporary failure)."""

    text: str
    status: int = 200
    remember: bool = True


def reason_for(error: DomainError) -> str:
    """The speakable reason for a failure: the slot reason when there is one, else the message."""
    if error.code == "SLOT_UNAVAILABLE":
        reason = str(error.details.get("reason") or "")
        return SLOT_REASONS.get(reason, "That time is not available")
    if error.status >= 500:
        return "The booking system is having trouble right now"
    return error.message


def fix_for(error: DomainError) -> str | None:
    """What the agent should do next, in its own terms (never "details.…" of the JSON envelope)."""
    details = error.details
    if error.code == "SLOT_UNAVAILABLE":
        return "Offer the caller one of the times below, or ask the slots tool for more"
    if error.status >= 500:
        return "Apologise, wait a moment and try once more; if it fails again, offer to take a message"
    if error.code == "MISSING_FIELDS" and details.get("fields"):
        return "Ask the caller for " + _join([str(f).replace("_", " ") for f in details["fields"]]) + \
            ", then send " + _join([f"'{f}'" for f in details["fields"]])
    if error.code == "VALIDATION_ERROR" and details.get("field"):
        return f"Send '{details['field']}' as {details.get('expected', 'described in the tool')}"
    if error.code in ("INVALID_EMAIL", "INVALID_ATTENDEE_EMAIL"):
        return "Ask the caller to spell the email address again, then send it"
    if error.code == "HOLD_EXPIRED":
        return "The hold is gone: book the slot again without hold_id, or offer another time if it is taken"
    if error.code == "HOLD_MISMATCH":
        return "Book the slot the hold was made for, or book without hold_id"
    if error.code == "EVENT_TYPE_NOT_FOUND":
        names = [str(e.get("name")) for e in details.get("available", []) if isinstance(e, dict)]
        return ("The tool is set up with an event type that cannot be booked; bookable ones are "
                + _join(names)) if names else "The tool is set up with an event type that cannot be booked"
    if "details." in (error.fix or ""):
        return None
    return error.fix


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""
