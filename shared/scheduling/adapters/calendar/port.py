"""The calendar port: what the services ask of any host calendar, in our vocabulary.

Calendar ids are the host's calendar address (by default their email), busy time is `TimeRange`s
in UTC, an event is a `CalendarEventRequest`. One adapter per provider implements `CalendarPort`
(`google.py`, `microsoft.py`, `local.py`); `hosts.HostCalendars` sends each host's question to
their own provider. This module imports no provider client and no other module of the package.

Event ids are derived from the booking id, so inserting the same booking twice (a retry after a
timeout that had in fact succeeded) cannot create a second event or send a second invitation.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, NamedTuple, Protocol

from scheduling.adapters.errors import ProviderUnavailable
from scheduling.slots.ranges import TimeRange

Provider = Literal["google", "microsoft", "none"]
MeetingProvider = Literal["google_meet", "teams"]
# The meeting each provider makes with its own events (contract §11: location `online`).
NATIVE_MEETING: dict[str, MeetingProvider] = {"google": "google_meet", "microsoft": "teams"}


class CalendarRef(NamedTuple):
    """A host's calendar: which provider, and the calendar's address there."""

    provider: str
    id: str


def meeting_for(location: str, provider: str) -> MeetingProvider | None:
    """The online meeting an event of `location` gets on a `provider` calendar, or None.

    `online` is the provider's own kind; `google_meet`/`teams` only on the provider that makes
    them (a Teams meeting cannot be added to a Google event, nor Meet to an Outlook one).
    """
    native = NATIVE_MEETING.get(provider)
    if location == "online":
        return native
    if location in ("google_meet", "teams") and location == native:
        return native  # type: ignore[return-value]
    return None


class CalendarUnavailable(ProviderUnavailable):
    code, status = "CALENDAR_UNAVAILABLE", 503
    provider = "google_calendar"
    default_fix = "Retry in a few seconds; if it persists, check the host's Google Calendar connection."


class MicrosoftCalendarUnavailable(CalendarUnavailable):
    provider = "microsoft_graph"
    default_fix = "Retry in a few seconds; if it persists, check the Microsoft 365 app registration."


@dataclass(frozen=True, slots=True)
class CalendarEventRequest:
    calendar_id: str  # the host's email
    booking_id: str
    summary: str
    description: str  # holds the management URL
    start: datetime
    end: datetime
    attendees: list[str] = field(default_factory=list)  # booker + attendees, invited by Google
    with_meet: bool = True  # with the provider's own online meeting (Meet on Google, Teams on Microsoft)
    timezone: str = "UTC"  # IANA name shown on the event
    provider: str = "google"  # whose calendar: routes the request in `hosts.HostCalendars`


@dataclass(frozen=True, slots=True)
class CreatedCalendarEvent:
    event_id: str
    meet_link: str | None  # the meeting's join link; None when none was asked for or made yet
    meeting_provider: MeetingProvider | None = None  # set whenever meet_link is

    @property
    def meeting_link(self) -> str | None:
        return self.meet_link


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
    """A valid Google event id (base32hex: 0-9 a-v, 5+ chars) that is stable for one booking
    (Microsoft makes its own ids; the booking id travels there as the transactionId)."""
    try:
        return uuid.UUID(booking_id).hex
    except ValueError:
        return hashlib.sha256(booking_id.encode()).hexdigest()


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
