"""`HostCalendars`: each host's calendar question goes to that host's own provider.

The services talk to this one object (`wiring.calendar()`): free/busy for a set of hosts that may
mix providers (one call per provider), and events on the provider named in the request. Provider
adapters are built on first use, so a stack whose hosts are all on Google never reads the
Microsoft secret nor imports msal. A host whose provider has no adapter here (credentials not
configured) gets `CalendarUnavailable`, not "free": slots fail closed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from scheduling.adapters.calendar.port import (
    CalendarEventRequest,
    CalendarPort,
    CalendarRef,
    CalendarUnavailable,
    CreatedCalendarEvent,
)
from scheduling.adapters.outbox import OUTBOX, LocalOutbox
from scheduling.slots.ranges import TimeRange

NO_CALENDAR = "none"  # a host who keeps no calendar with us: never busy, no events


class HostCalendars:
    def __init__(self, factories: Mapping[str, Callable[[], CalendarPort]]) -> None:
        self._factories = dict(factories)
        self._adapters: dict[str, CalendarPort] = {}
        self._local: Any = None

    @classmethod
    def local(cls, outbox: LocalOutbox = OUTBOX) -> HostCalendars:
        """One `LocalCalendar` answering for every provider (contract §11)."""
        from scheduling.adapters.calendar.local import LocalCalendar

        shared = LocalCalendar(outbox)
        calendars = cls({name: (lambda name=name: shared.for_provider(name)) for name in ("google", "microsoft")})
        calendars._local = shared
        return calendars

    def adapter(self, provider: str) -> CalendarPort:
        if provider not in self._adapters:
            factory = self._factories.get(provider)
            if factory is None:
                raise CalendarUnavailable(
                    f"No {provider} calendar credentials are configured for this service.",
                    retryable=False, provider_status="not_configured", details={"calendar_provider": provider},
                    fix=f"Configure the {provider} calendar credentials (docs/calendars.md), or change the "
                        "host's calendar provider.")
            self._adapters[provider] = factory()
        return self._adapters[provider]

    def add_busy(self, calendar_id: str, ranges: Iterable[TimeRange]) -> None:
        """Local runs only: seeded busy time (whatever the host's provider)."""
        if self._local is None:
            raise TypeError("busy time can only be added to the local calendars")
        self._local.add_busy(calendar_id, ranges)

    # -- what the services ask ---------------------------------------------------------------

    def busy(self, calendars: Iterable[CalendarRef], window: TimeRange) -> dict[CalendarRef, list[TimeRange]]:
        """Busy ranges per asked calendar (every one is a key): ONE call per provider."""
        result: dict[CalendarRef, list[TimeRange]] = {}
        by_provider: dict[str, list[str]] = {}
        for ref in dict.fromkeys(calendars):
            result[ref] = []
            if ref.provider != NO_CALENDAR:
                by_provider.setdefault(ref.provider, []).append(ref.id)
        for provider, ids in by_provider.items():
            answer = self.adapter(provider).busy(ids, window)
            for calendar_id in ids:
                result[CalendarRef(provider, calendar_id)] = list(answer.get(calendar_id, []))
        return result

    def insert_event(self, req: CalendarEventRequest) -> CreatedCalendarEvent:
        return self.adapter(req.provider).insert_event(req)

    def delete_event(self, calendar_id: str, event_id: str, booking_id: str, provider: str = "google") -> None:
        self.adapter(provider).delete_event(calendar_id, event_id, booking_id)
