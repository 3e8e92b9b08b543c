"""`LocalCalendar`: in-memory calendars for `make run` and tests; events go to the local outbox.

One busy map and one event store answer for every provider (contract §11: seeded `calendar_busy`
is the host's busy time whichever the provider); `for_provider` gives the view that records
`provider` and makes that provider's kind of meeting link (Meet for Google, Teams for Microsoft).
"""

from __future__ import annotations

import hashlib
import string
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from scheduling.adapters.calendar.port import (
    NATIVE_MEETING,
    CalendarEventRequest,
    CalendarUnavailable,
    CreatedCalendarEvent,
    event_already_deleted,
    event_id_for_booking,
    unique_emails,
)
from scheduling.adapters.outbox import OUTBOX, LocalOutbox
from scheduling.slots.ranges import TimeRange


def fake_meet_link(booking_id: str) -> str:
    """A realistic-looking, deterministic Meet link (`https://meet.google.com/abc-defg-hij`)."""
    digest = hashlib.sha256(f"meet:{booking_id}".encode()).digest()
    letters = "".join(string.ascii_lowercase[byte % 26] for byte in digest[:10])
    return f"https://meet.google.com/{letters[:3]}-{letters[3:7]}-{letters[7:]}"


def fake_teams_link(booking_id: str) -> str:
    """A deterministic link shaped like a Teams join URL."""
    digest = hashlib.sha256(f"teams:{booking_id}".encode()).hexdigest()
    return f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{digest[:32]}%40thread.v2/0"


_FAKE_LINKS = {"google_meet": fake_meet_link, "teams": fake_teams_link}


@dataclass
class _SharedCalendars:
    lock: threading.Lock = field(default_factory=threading.Lock)
    busy: dict[str, list[TimeRange]] = field(default_factory=dict)
    events: dict[str, CreatedCalendarEvent] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)


class LocalCalendar:
    """Mirrors the real adapters' idempotency: inserting a booking's event twice records it once,
    deleting an event already deleted (or never made) here records nothing, and a deleted
    booking's event cannot be inserted again."""

    def __init__(self, outbox: LocalOutbox = OUTBOX, *, provider: str = "google",
                 _shared: _SharedCalendars | None = None) -> None:
        self._outbox = outbox
        self.provider = provider
        self._state = _shared or _SharedCalendars()

    def for_provider(self, provider: str) -> LocalCalendar:
        """The same calendars, answering as `provider` (its meeting links, its outbox label)."""
        return LocalCalendar(self._outbox, provider=provider, _shared=self._state)

    def add_busy(self, calendar_id: str, ranges: Iterable[TimeRange]) -> None:
        """Mark time busy on a calendar (the seed loader passes each user's `calendar_busy`)."""
        with self._state.lock:
            self._state.busy.setdefault(calendar_id.lower(), []).extend(ranges)

    def reset(self) -> None:
        with self._state.lock:
            self._state.busy.clear()
            self._state.events.clear()
            self._state.deleted.clear()

    def busy(self, calendar_ids: list[str], window: TimeRange) -> dict[str, list[TimeRange]]:
        self._fail_if_asked("calendar.busy", calendar_ids[0] if calendar_ids else "", None)
        with self._state.lock:
            return {calendar_id: sorted(
                TimeRange.utc(max(r.start, window.start), min(r.end, window.end))
                for r in self._state.busy.get(calendar_id.lower(), []) if r.overlaps(window))
                for calendar_id in calendar_ids}

    def insert_event(self, req: CalendarEventRequest) -> CreatedCalendarEvent:
        self._fail_if_asked("calendar.insert", req.calendar_id, req.booking_id)
        event_id = event_id_for_booking(req.booking_id)
        meeting = NATIVE_MEETING.get(self.provider) if req.with_meet else None
        with self._state.lock:
            if event_id in self._state.deleted:
                raise event_already_deleted(req.calendar_id, req.booking_id)
            if event_id in self._state.events:
                return self._state.events[event_id]
            created = CreatedCalendarEvent(event_id, _FAKE_LINKS[meeting](req.booking_id) if meeting else None,
                                           meeting)
            self._state.events[event_id] = created
        self._outbox.record_calendar(
            action="insert", calendar=req.calendar_id, event_id=event_id, booking_id=req.booking_id,
            summary=req.summary, description=req.description, start=req.start, end=req.end,
            attendees=unique_emails(req.attendees), meet_link=created.meet_link, provider=self.provider)
        return created

    def delete_event(self, calendar_id: str, event_id: str, booking_id: str) -> None:
        self._fail_if_asked("calendar.delete", calendar_id, booking_id)
        with self._state.lock:
            if event_id in self._state.deleted or event_id not in self._state.events:
                return  # the providers answer 404/410, which their adapters treat as done
            self._state.deleted.add(event_id)
        self._outbox.record_calendar(action="delete", calendar=calendar_id, event_id=event_id,
                                     booking_id=booking_id, provider=self.provider)

    def _fail_if_asked(self, operation: str, calendar_id: str, booking_id: str | None) -> None:
        if self._outbox.take_failure(operation):
            raise CalendarUnavailable(
                f"Simulated calendar failure ({operation}).", provider_status=503,
                details={"calendar_id": calendar_id, "booking_id": booking_id, "simulated": True})
