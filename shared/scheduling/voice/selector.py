"""Which of the caller's upcoming bookings `booking_selector` means (contract §5 items 13–14).

The caller's upcoming bookings are numbered 1, 2, … by start time, and the numbers never change
within a list, so "2" means the second line the agent read out even when a narrower list was shown.
A selector is one of:
    a number        "2", "#2", "number 2", "the second", "2nd"
    an id prefix    the start of a booking id (at least 4 characters), as read from a confirmation
    words           every word starts a word of "<event type> on <day, date at time>":
                    "consultation", "assessment tuesday", "28 april"
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from scheduling.domain.models import Booking
from scheduling.formatting import format_instant

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_NUMBER = re.compile(
    r"(?:the\s+)?(?:#|no\.?\s*|number\s+|option\s+|booking\s+)?([0-9]{1,3})(?:st|nd|rd|th)?(?:\s+one)?"
)
_ID_PREFIX = re.compile(r"[0-9a-f][0-9a-f-]{3,35}")
_FILLER = frozenset({"the", "my", "one", "booking", "appointment", "meeting", "session", "on", "at", "for", "a", "an",
                     "of", "in", "please", "cancel", "reschedule", "move", "that", "this", "with"})


@dataclass(frozen=True)
class Selection:
    """Exactly one of: `booking` chosen; `candidates` to ask about; `unmatched` (nothing fits)."""

    booking: Booking | None = None
    candidates: list[tuple[int, Booking]] = field(default_factory=list)
    unmatched: bool = False


def numbered(upcoming: Sequence[Booking]) -> list[tuple[int, Booking]]:
    return list(enumerate(upcoming, start=1))


def select_booking(upcoming: Sequence[Booking], selector: str | None) -> Selection:
    """`upcoming` sorted by start; see the module docstring for what a selector may be."""
    listed = numbered(upcoming)
    if not selector or not selector.strip():
        return Selection(booking=upcoming[0]) if len(upcoming) == 1 else Selection(candidates=listed)
    text = " ".join(selector.lower().replace(",", " ").split())
    number = _number(text)
    if number is not None:
        if 1 <= number <= len(listed):
            return Selection(booking=listed[number - 1][1])
        return Selection(candidates=listed, unmatched=True)
    if _ID_PREFIX.fullmatch(text):
        by_id = [(n, b) for n, b in listed if b.id.lower().startswith(text)]
        if by_id:
            return _one_or_ask(by_id)
    by_words = [(n, b) for n, b in listed if _words_match(text, b)]
    if by_words:
        return _one_or_ask(by_words)
    return Selection(candidates=listed, unmatched=True)


def _one_or_ask(matches: list[tuple[int, Booking]]) -> Selection:
    return Selection(booking=matches[0][1]) if len(matches) == 1 else Selection(candidates=matches)


def _number(text: str) -> int | None:
    match = _NUMBER.fullmatch(text)
    if match:
        return int(match[1])
    words = [w for w in text.split() if w not in ("the", "one", "booking", "option", "number")]
    if len(words) == 1 and words[0] in _ORDINALS:
        return _ORDINALS[words[0]]
    return None


def _words_match(text: str, booking: Booking) -> bool:
    wanted = [w for w in re.findall(r"[a-z0-9]+", text) if w not in _FILLER]
    if not wanted:
        return False
    label = f"{booking.event_type_name} {format_instant(booking.starts_at, ZoneInfo(booking.timezone))}"
    words = re.findall(r"[a-z0-9]+", label.lower())
    return all(any(word.startswith(w) for word in words) for w in wanted)
