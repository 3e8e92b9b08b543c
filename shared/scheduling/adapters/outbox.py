"""An in-process record of everything the local adapters "sent", served at `GET /_local/outbox`.

The local email, SMS, calendar and notetaker adapters write here instead of talking to the
outside world, so a developer (or an acceptance test) can see what the system did, in order.
Entries are kept as given (datetimes stay datetimes); `snapshot()` renders the contract §6 shape.

Failures on demand: `fail_next("calendar.insert", 2)` makes the next two calendar inserts raise
the adapter's `...Unavailable` error, so the retry job can be exercised without a real outage.
A target is a channel (`email`, `sms`, `calendar`, `notetaker`) or one operation of it
(`email.send`, `sms.send`, `calendar.busy`, `calendar.insert`, `calendar.delete`,
`notetaker.create`, `notetaker.get`, `notetaker.delete`); the most specific armed target is used
first. Failed calls record nothing: the outbox shows what was delivered.
"""

from __future__ import annotations

import copy
import threading
from datetime import datetime
from typing import Any

CHANNELS = ("emails", "sms", "calendar", "notetaker")
FAILURE_CHANNELS = frozenset({"email", "sms", "calendar", "notetaker"})


def _jsonable(value: Any) -> Any:
    """Instants as ISO 8601 strings; containers copied so callers cannot mutate the record."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value


class LocalOutbox:
    """Thread-safe: the local server runs handlers on several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.emails: list[dict[str, Any]] = []
        self.sms: list[dict[str, Any]] = []
        self.calendar: list[dict[str, Any]] = []
        self.notetaker: list[dict[str, Any]] = []
        # target -> remaining failures; None means "until stop_failing".
        self._failures: dict[str, int | None] = {}

    # -- recording -------------------------------------------------------------------------

    def record_email(self, *, kind: str, to: list[str], subject: str, body: str, booking_id: str | None,
                     attachments: list[dict[str, str]] | None = None) -> None:
        """`attachments`: `[{filename, content_type, content}]` with text content (the invitation)."""
        self._append(self.emails, {"kind": kind, "to": list(to), "subject": subject, "body": body,
                                   "booking_id": booking_id, "attachments": list(attachments or [])})

    def record_sms(self, *, kind: str, to: str, body: str, booking_id: str | None) -> None:
        self._append(self.sms, {"kind": kind, "to": to, "body": body, "booking_id": booking_id})

    def record_calendar(
        self,
        *,
        action: str,
        calendar: str,
        event_id: str,
        booking_id: str | None,
        summary: str | None = None,
        description: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        attendees: list[str] | None = None,
        meet_link: str | None = None,
        provider: str = "google",
    ) -> None:
        if action not in ("insert", "delete"):
            raise ValueError(f"calendar action must be insert or delete, not {action!r}")
        self._append(self.calendar, {
            "action": action, "calendar": calendar, "event_id": event_id, "booking_id": booking_id,
            "summary": summary, "description": description, "start": start, "end": end,
            "attendees": list(attendees or []), "meet_link": meet_link,
            "provider": provider, "meeting_link": meet_link,  # contract §11: any provider's link
        })

    def record_notetaker(
        self, *, action: str, bot_id: str, booking_id: str | None, meeting_url: str | None,
        join_at: datetime | None,
    ) -> None:
        if action not in ("create", "delete"):
            raise ValueError(f"notetaker action must be create or delete, not {action!r}")
        self._append(self.notetaker, {"action": action, "bot_id": bot_id, "booking_id": booking_id,
                                      "meeting_url": meeting_url, "join_at": join_at})

    def _append(self, records: list[dict[str, Any]], entry: dict[str, Any]) -> None:
        with self._lock:
            records.append(entry)

    # -- reading ---------------------------------------------------------------------------

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """The `GET /_local/outbox` body: every channel's entries in the order they happened."""
        with self._lock:
            return {name: _jsonable(getattr(self, name)) for name in CHANNELS}

    def for_booking(self, booking_id: str) -> dict[str, list[dict[str, Any]]]:
        """The snapshot narrowed to one booking; handy in tests that share the default outbox."""
        return {name: [entry for entry in entries if entry.get("booking_id") == booking_id]
                for name, entries in self.snapshot().items()}

    def clear(self) -> None:
        """Forget every record and every armed failure."""
        with self._lock:
            for name in CHANNELS:
                getattr(self, name).clear()
            self._failures.clear()

    # -- failures on demand ----------------------------------------------------------------

    def fail_next(self, target: str, times: int | None = 1) -> None:
        """Make the next `times` calls on `target` fail (`None`: every call until `stop_failing`)."""
        if target.split(".", 1)[0] not in FAILURE_CHANNELS:
            raise ValueError(f"unknown failure target {target!r}; channels are {sorted(FAILURE_CHANNELS)}")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for 'until stop_failing')")
        with self._lock:
            self._failures[target] = times

    def stop_failing(self, target: str | None = None) -> None:
        with self._lock:
            if target is None:
                self._failures.clear()
            else:
                self._failures.pop(target, None)

    def take_failure(self, operation: str) -> bool:
        """True when `operation` (e.g. `calendar.insert`) should fail now; consumes one failure."""
        channel = operation.split(".", 1)[0]
        with self._lock:
            for target in (operation, channel):
                if target not in self._failures:
                    continue
                remaining = self._failures[target]
                if remaining is not None:
                    if remaining <= 1:
                        del self._failures[target]
                    else:
                        self._failures[target] = remaining - 1
                return True
            return False

    def copy_records(self) -> dict[str, list[dict[str, Any]]]:
        """Raw entries (datetimes kept), deep-copied: for tests that compare instants exactly."""
        with self._lock:
            return {name: copy.deepcopy(getattr(self, name)) for name in CHANNELS}


OUTBOX = LocalOutbox()
"""The process-wide outbox the local adapters write to by default."""
