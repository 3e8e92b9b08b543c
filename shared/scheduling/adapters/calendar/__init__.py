"""Host calendars: busy time for the slot engine, and one event (with a meeting link) per booking.

| module                | what                                                                  |
|-----------------------|-----------------------------------------------------------------------|
| `port.py`             | `CalendarPort`, requests/results, `CalendarRef`, `CalendarUnavailable` |
| `hosts.py`            | `HostCalendars`: routes each host to their provider's adapter          |
| `google.py`           | Google Calendar v3 (+ `google_credentials.py`: the secret's shapes)    |
| `microsoft.py`        | Microsoft Graph: getSchedule, events with Teams, cancel (msal auth)    |
| `local.py`            | `LocalCalendar`: in-memory, records in the local outbox               |

Every provider module imports only `port` (never each other, never `hosts`); `hosts` imports only
`port` and builds providers through factories given by `wiring`. A third provider (CalDAV) is one
new module implementing `CalendarPort` plus its factory in `wiring.calendar()`.

This `__init__` re-exports the port (cheap: stdlib only); everything else is reached on demand
(`calendar.GoogleCalendar` imports `google.py` when first asked for), so no caller of the port
pays for a provider client, or the router and local adapter, at import time.
"""

from __future__ import annotations

from typing import Any

from scheduling.adapters.calendar.port import (
    NATIVE_MEETING,
    CalendarEventRequest,
    CalendarPort,
    CalendarRef,
    CalendarUnavailable,
    CreatedCalendarEvent,
    MeetingProvider,
    MicrosoftCalendarUnavailable,
    Provider,
    event_already_deleted,
    event_id_for_booking,
    meeting_for,
    unique_emails,
)

__all__ = [
    "NATIVE_MEETING", "CalendarEventRequest", "CalendarPort", "CalendarRef", "CalendarUnavailable",
    "CreatedCalendarEvent", "HostCalendars", "LocalCalendar", "MeetingProvider", "MicrosoftCalendarUnavailable",
    "Provider", "event_already_deleted", "event_id_for_booking", "fake_meet_link", "fake_teams_link",
    "meeting_for", "unique_emails",
]

_ON_DEMAND = {
    "HostCalendars": "hosts", "LocalCalendar": "local", "fake_meet_link": "local", "fake_teams_link": "local",
    "GoogleCalendar": "google", "google_calendar_from_secret": "google",
    "GraphCalendar": "microsoft", "graph_calendar_from_secret": "microsoft",
}


def __getattr__(name: str) -> Any:
    # PEP 562: a provider module (and its client library) loads only when someone asks for it.
    if name in _ON_DEMAND:
        from importlib import import_module

        return getattr(import_module(f"scheduling.adapters.calendar.{_ON_DEMAND[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
