"""Host calendars: busy time for the slot engine, and one event (with a Meet link) per booking.

`CalendarPort` speaks our vocabulary: calendar ids are host emails, busy time is `TimeRange`s in
UTC, an event is a `CalendarEventRequest`. `GoogleCalendar` (in `google_calendar.py`, also
reachable from here) implements it on the Calendar v3 API; `LocalCalendar` answers from an
in-memory busy map and records events in the local outbox.

Event ids are derived from the booking id, so inserting the same booking twice (a retry after a
timeout that had in fact succeeded) cannot create a second event or send a second invitation.
"""

from __future__ import annotations

import hashlib
import string
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from scheduling.adapters.errors import ProviderUnavailable
from scheduling.adapters.outbox import OUTBOX, LocalOutbox
from scheduling.slots.ranges import TimeRange


class CalendarUnavailable(ProviderUnavailable):
    code, status = "CALENDAR_UNAVAILABLE", 503
    provider = "google_calendar"
    default_fix = "Retry in a few seconds; if it persists, check the host's Google Calendar connection."


@dataclass(frozen=True, slots=True)
class CalendarEventRequest:
    calendar_id: str  # the host's email
    booking_id: str
    summary: str
    description: str  # holds the management URL
    start: datetime
    end: datetime
    attendees: list[str] = field(default_factory=list)  # booker + attendees, invited by Google
    with_meet: bool = True
    timezone: str = "UTC"  # IANA name shown on the event


@dataclass(frozen=True, slots=True)
class CreatedCalendarEvent:
    event_id: str
    meet_link: str | None  # None when no Meet was asked for, or Google has not made it yet


class CalendarPort(Protocol):
    def busy(self, calendar_ids: list[str], window: TimeRange) -> dict[str, list[TimeRange]]:
        """Busy ranges per calendar id (every asked id is a key), sorted, in UTC."""
        ...

    def insert_event(self, req: CalendarEventRequest) -> CreatedCalendarEvent:
        """Create the booking's event, inviting attendees; idempotent per booking id."""
        ...

    def delete_event(self, calendar_id: str, event_id: str, booking_id: str) -> None:
        """Delete the event and notify attendees; an event already gone is not an error."""
        ...


def event_id_for_booking(booking_id: str) -> str:
    """A valid Google event id (base32hex: 0-9 a-v, 5+ chars) that is stable for one booking."""
    try:
        return uuid.UUID(booking_id).hex
    except ValueError:
        return hashlib.sha256(booking_id.encode()).hexdigest()


def fake_meet_link(booking_id: str) -> str:
    """A realistic-looking, deterministic Meet link (`https://meet.google.com/abc-defg-hij`)."""
    digest = hashlib.sha256(f"meet:{booking_id}".encode()).digest()
    letters = "".join(string.ascii_lowercase[byte % 26] for byte in digest[:10])
    return f"https://meet.google.com/{letters[:3]}-{letters[3:7]}-{letters[7:]}"

def event_already_deleted(calendar_id: str, booking_id: str) -> CalendarUnavailable:
    """Google keeps a deleted event's id: the booking's event cannot be created again."""
    return CalendarUnavailable(
        "This booking's calendar event was deleted and cannot be created again.",
        retryable=False, provider_status="event_deleted",
        details={"calendar_id": calendar_id, "booking_id": booking_id},
        fix="Create a new booking instead of re-adding the cancelled one to the calendar.")


def unique_emails(emails: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for email in emails:
        seen.setdefault(email.strip().lower(), email.strip())
    return list(seen.values())

class LocalCalendar:
    """In-memory calendars for local runs and tests; events go to the outbox.

    Mirrors `GoogleCalendar`'s idempotency: inserting a booking's event twice records it once,
    deleting an event already deleted (or never made) here records nothing, and a deleted
    booking's event cannot be inserted again.
    """

    def __init__(self, outbox: LocalOutbox = OUTBOX) -> None:
        self._outbox = outbox
        self._lock = threading.Lock()
        self._busy: dict[str, list[TimeRange]] = {}
        self._events: dict[str, CreatedCalendarEvent] = {}
        self._deleted: set[str] = set()

    def add_busy(self, calendar_id: str, ranges: Iterable[TimeRange]) -> None:
        """Mark time busy on a calendar (the seed loader passes each user's `calendar_busy`)."""
        with self._lock:
            self._busy.setdefault(calendar_id.lower(), []).extend(ranges)

    def reset(self) -> None:
        with self._lock:
            self._busy.clear()
            self._events.clear()
            self._deleted.clear()

    def busy(self, calendar_ids: list[str], window: TimeRange) -> dict[str, list[TimeRange]]:
        self._fail_if_asked("calendar.busy", calendar_ids[0] if calendar_ids else "", None)
        with self._lock:
            return {calendar_id: sorted(
                TimeRange.utc(max(r.start, window.start), min(r.end, window.end))
                for r in self._busy.get(calendar_id.lower(), []) if r.overlaps(window))
                for calendar_id in calendar_ids}

    def insert_event(self, req: CalendarEventRequest) -> CreatedCalendarEvent:
        self._fail_if_asked("calendar.insert", req.calendar_id, req.booking_id)
        event_id = event_id_for_booking(req.booking_id)
        with self._lock:
            if event_id in self._deleted:
                raise event_already_deleted(req.calendar_id, req.booking_id)
            if event_id in self._events:
                return self._events[event_id]
            created = CreatedCalendarEvent(event_id, fake_meet_link(req.booking_id) if req.with_meet else None)
            self._events[event_id] = created
        self._outbox.record_calendar(
            action="insert", calendar=req.calendar_id, event_id=event_id, booking_id=req.booking_id,
            summary=req.summary, description=req.description, start=req.start, end=req.end,
            attendees=unique_emails(req.attendees), meet_link=created.meet_link)
        return created

    def delete_event(self, calendar_id: str, event_id: str, booking_id: str) -> None:
        self._fail_if_asked("calendar.delete", calendar_id, booking_id)
        with self._lock:
            if event_id in self._deleted or event_id not in self._events:
                return  # Google answers 404/410, which GoogleCalendar treats as done
            self._deleted.add(event_id)
        self._outbox.record_calendar(action="delete", calendar=calendar_id, event_id=event_id,
                                     booking_id=booking_id)

    def _fail_if_asked(self, operation: str, calendar_id: str, booking_id: str | None) -> None:
        if self._outbox.take_failure(operation):
            raise CalendarUnavailable(
                f"Simulated Google Calendar failure ({operation}).", provider_status=503,
                details={"calendar_id": calendar_id, "booking_id": booking_id, "simulated": True})


def __getattr__(name: str) -> Any:
    # `calendar.GoogleCalendar` works without importing the Google adapter for every caller of
    # the port: the import happens only when someone asks for it (PEP 562).
    if name in ("GoogleCalendar", "google_calendar_from_secret"):
        from scheduling.adapters import google_calendar

        return getattr(google_calendar, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
