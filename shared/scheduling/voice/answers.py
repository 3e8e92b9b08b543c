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
    "nonexistent_local_time": "That time does not exist on that day because the clocks change",
}


@dataclass(frozen=True)
class VoiceAnswer:
    text: str
    status: int = 200


def reason_for(error: DomainError) -> str:
    """The speakable reason for a failure: the slot reason when there is one, else the message."""
    if error.code == "SLOT_UNAVAILABLE":
        reason = str(error.details.get("reason") or "")
        if reason in SLOT_REASONS:
            return SLOT_REASONS[reason]
        return "That time is not available"
    if error.status >= 500:
        return "The booking system is having trouble right now; nothing was changed"
    return error.message


def fix_for(error: DomainError) -> str | None:
    """What the agent should do next, when it is more than "pick another time"."""
    if error.code == "SLOT_UNAVAILABLE":
        return "Offer the caller one of the times below, or ask the slots tool again"
    if error.status >= 500:
        return "Apologise, wait a moment and try once more; if it fails again, offer to take a message"
    return error.fix
