"""Which event type a request means (contract §3 intro): by id, else slug, else name.

Only event types that offer slots count — active, bookable, with at least one host. A name is
matched exactly (case-insensitive) first, then fuzzily: every word of the request is the start
of a word of the name or slug ("free consult"), one contains the other, or the spellings are
close (difflib ratio ≥ 0.8, "Free Consultaton"). One fuzzy match wins; several are
`EVENT_TYPE_AMBIGUOUS`; none is `EVENT_TYPE_NOT_FOUND`, listing what can be booked.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from scheduling import wiring
from scheduling.domain.models import EventType
from scheduling.errors import DomainError, MissingFields, NotFound

FUZZY_RATIO = 0.8
_WORD = re.compile(r"[a-z0-9]+")


def resolve_event_type(
    company_id: str,
    *,
    event_type_id: str | None = None,
    event_type_slug: str | None = None,
    event_type_name: str | None = None,
    event_types: Sequence[EventType] | None = None,
) -> EventType:
    """The bookable event type the identifiers name, checked in the order id, slug, name.

    `event_types`: the company's event types when the caller already has them
    (`CompanyConfig.event_types`); otherwise they are read (one GetItem by id, else one Query).
    The first identifier given (non-blank) decides; later ones are not a fallback. Raises
    `MissingFields` (none given), `NotFound` code EVENT_TYPE_NOT_FOUND (details.available) or
    `DomainError` 400 EVENT_TYPE_AMBIGUOUS (details.candidates).
    """
    event_type_id, event_type_slug, event_type_name = (
        _given(event_type_id), _given(event_type_slug), _given(event_type_name)
    )
    require_identifier(event_type_id, event_type_slug, event_type_name)
    if event_type_id is not None:
        if event_types is None:
            found = wiring.companies().get_event_type(company_id, event_type_id)
        else:
            found = next((e for e in event_types if e.id == event_type_id), None)
        if found is not None and found.offers_slots:
            return found
        raise _not_found(f"No bookable event type with id '{event_type_id}'.", _bookable(company_id, event_types))

    bookable = _bookable(company_id, event_types)
    if event_type_slug is not None:
        for event_type in bookable:
            if event_type.slug.lower() == event_type_slug.lower():
                return event_type
        raise _not_found(f"No bookable event type with slug '{event_type_slug}'.", bookable)

    assert event_type_name is not None
    wanted = event_type_name.lower()
    exact = [e for e in bookable if e.name.strip().lower() == wanted]
    matches = exact or [e for e in bookable if _close(event_type_name, e)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise DomainError(
            f"'{event_type_name}' matches {len(matches)} event types.",
            code="EVENT_TYPE_AMBIGUOUS",
            status=400,
            fix="Send event_type_id (or the exact name) of one of details.candidates.",
            details={"candidates": [summary(e) for e in matches]},
        )
    raise _not_found(f"No bookable event type named '{event_type_name}'.", bookable)


def require_identifier(event_type_id: Any, event_type_slug: Any, event_type_name: Any) -> None:
    """Raise MISSING_FIELDS (fields: ["event_type_id"]) unless one identifier is given.

    Callers check this with the body's shape, before the time zone and the lookup itself.
    """
    if all(_given(value) is None for value in (event_type_id, event_type_slug, event_type_name)):
        raise MissingFields(
            "Say which event type: event_type_id, event_type_slug or event_type_name.",
            fix="Add event_type_id (or event_type_slug, or event_type_name).",
            details={"fields": ["event_type_id"]},
        )


def summary(event_type: EventType) -> dict[str, str]:
    """{id, slug, name}: how candidates and available event types are listed in errors."""
    return {"id": event_type.id, "slug": event_type.slug, "name": event_type.name}


def _given(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _bookable(company_id: str, event_types: Sequence[EventType] | None = None) -> list[EventType]:
    if event_types is None:
        event_types = wiring.companies().list_event_types(company_id)
    return [e for e in event_types if e.offers_slots]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _close(asked: str, event_type: EventType) -> bool:
    asked_words = _words(asked)
    if not asked_words:
        return False
    asked_text = " ".join(asked_words)
    loose = len(asked_text) >= 3  # "a" or "fr" would match too much by prefix or substring
    for label in (event_type.name, event_type.slug):
        words = _words(label)
        text = " ".join(words)
        if asked_text == text:
            return True
        if loose and (asked_text in text or (len(text) >= 3 and text in asked_text)):
            return True
        if loose and all(any(word.startswith(a) for word in words) for a in asked_words):
            return True
        if difflib.SequenceMatcher(None, asked_text, text).ratio() >= FUZZY_RATIO:
            return True
    return False


def _not_found(message: str, bookable: list[EventType]) -> NotFound:
    available = [summary(e) for e in bookable]
    hint = None
    if available:
        hint = "Bookable event types: " + ", ".join(f"{e['name']} ({e['slug']})" for e in available) + "."
    return NotFound(
        message,
        code="EVENT_TYPE_NOT_FOUND",
        fix="Send the event_type_id, event_type_slug or event_type_name of one of details.available.",
        hint=hint,
        details={"available": available},
    )
