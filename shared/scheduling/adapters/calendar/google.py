"""`CalendarPort` for Google hosts: Calendar v3 (google-api-python-client), acting as each host in turn.

googleapiclient and google-auth are imported on first use, not at import time (~150 ms).
Credentials come from `google_credentials.credentials_from_secret`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from scheduling.adapters.calendar.google_credentials import credentials_from_secret
from scheduling.adapters.calendar.port import (
    CalendarEventRequest,
    CalendarUnavailable,
    CreatedCalendarEvent,
    event_already_deleted,
    event_id_for_booking,
    unique_emails,
)
from scheduling.slots.ranges import TimeRange

FREEBUSY_MAX_CALENDARS = 50  # Google's per-request limit for freebusy items
GONE_STATUSES = (404, 410)  # deleting an event that no longer exists is the outcome we wanted


def _rfc3339(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _meet_link_of(event: dict[str, Any]) -> str | None:
    if event.get("hangoutLink"):
        return str(event["hangoutLink"])
    for entry in event.get("conferenceData", {}).get("entryPoints", []):
        if entry.get("entryPointType") == "video" and entry.get("uri"):
            return str(entry["uri"])
    return None


class GoogleCalendar:
    """Calendar v3 through google-api-python-client, acting as each host in turn.

    `credentials_for(calendar_id)` returns google-auth credentials able to act on that calendar
    (see `google_credentials.credentials_from_secret`). `transport_factory()` returns the bare
    httplib2-like transport (tests pass an `HttpMockSequence`). Not thread-safe, like the httplib2
    transports underneath: one instance per Lambda container, which runs one request at a time.
    """

    def __init__(
        self,
        credentials_for: Callable[[str], Any],
        *,
        transport_factory: Callable[[], Any] | None = None,
        timeout_seconds: float = 10.0,
    ) -> None:
        if transport_factory is None:
            import httplib2

            def transport_factory() -> Any:
                return httplib2.Http(timeout=timeout_seconds)

        self._credentials_for = credentials_for
        self._transport_factory = transport_factory
        self._service: Any = None
        self._authorized_http: dict[str, Any] = {}  # keeps each host's access token warm

    # -- CalendarPort ----------------------------------------------------------------------

    def busy(self, calendar_ids: list[str], window: TimeRange) -> dict[str, list[TimeRange]]:
        wanted = list(dict.fromkeys(calendar_ids))
        result: dict[str, list[TimeRange]] = {calendar_id: [] for calendar_id in wanted}
        if not wanted or window.start >= window.end:
            return result
        for first in range(0, len(wanted), FREEBUSY_MAX_CALENDARS):
            chunk = wanted[first:first + FREEBUSY_MAX_CALENDARS]
            # One request per chunk, acting as its first host: in one Workspace domain a host
            # sees colleagues' free/busy. Calendars it cannot see are asked again as themselves
            # (per-host OAuth tokens only see their own calendar).
            answered, refused = self._freebusy(chunk, window, acting_as=chunk[0])
            result.update(answered)
            for calendar_id in refused:
                if calendar_id == chunk[0]:
                    raise self._refused(calendar_id, refused[calendar_id])
                own, still_refused = self._freebusy([calendar_id], window, acting_as=calendar_id)
                if still_refused:
                    raise self._refused(calendar_id, still_refused[calendar_id])
                result.update(own)
        return result

    def insert_event(self, req: CalendarEventRequest) -> CreatedCalendarEvent:
        event_id = event_id_for_booking(req.booking_id)
        body: dict[str, Any] = {
            "id": event_id,
            "summary": req.summary,
            "description": req.description,
            "start": {"dateTime": _rfc3339(req.start), "timeZone": req.timezone},
            "end": {"dateTime": _rfc3339(req.end), "timeZone": req.timezone},
            "attendees": [{"email": email} for email in unique_emails(req.attendees)],
            "extendedProperties": {"private": {"booking_id": req.booking_id}},
        }
        if req.with_meet:
            body["conferenceData"] = {"createRequest": {
                "requestId": req.booking_id,  # Google dedupes conference creation by this id
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }}
        events = self._calendar_service().events()
        request = events.insert(calendarId=req.calendar_id, body=body, conferenceDataVersion=1,
                                sendUpdates="all")
        try:
            created = self._execute(request, req.calendar_id, "insert event", req.booking_id)
        except CalendarUnavailable as error:
            if error.provider_status != 409:
                raise
            # Our own earlier attempt got through: read it back instead of inviting twice.
            created = self._execute(events.get(calendarId=req.calendar_id, eventId=event_id),
                                    req.calendar_id, "read event", req.booking_id)
            if created.get("status") == "cancelled":
                raise event_already_deleted(req.calendar_id, req.booking_id) from error
        link = _meet_link_of(created)
        return CreatedCalendarEvent(event_id=str(created.get("id", event_id)), meet_link=link,
                                    meeting_provider="google_meet" if link else None)

    def delete_event(self, calendar_id: str, event_id: str, booking_id: str) -> None:
        request = self._calendar_service().events().delete(
            calendarId=calendar_id, eventId=event_id, sendUpdates="all")
        try:
            self._execute(request, calendar_id, "delete event", booking_id)
        except CalendarUnavailable as error:
            if error.provider_status not in GONE_STATUSES:
                raise

    # -- plumbing --------------------------------------------------------------------------

    def _freebusy(
        self, calendar_ids: list[str], window: TimeRange, *, acting_as: str,
    ) -> tuple[dict[str, list[TimeRange]], dict[str, str]]:
        body = {"timeMin": _rfc3339(window.start), "timeMax": _rfc3339(window.end),
                "timeZone": "UTC", "items": [{"id": calendar_id} for calendar_id in calendar_ids]}
        request = self._calendar_service().freebusy().query(body=body)
        calendars = self._execute(request, acting_as, "free/busy", None).get("calendars", {})
        answered: dict[str, list[TimeRange]] = {}
        refused: dict[str, str] = {}
        for calendar_id in calendar_ids:
            entry = calendars.get(calendar_id)
            if entry is None or entry.get("errors"):
                errors = (entry or {}).get("errors") or [{"reason": "missing"}]
                refused[calendar_id] = str(errors[0].get("reason", "unknown"))
                continue
            answered[calendar_id] = sorted(
                TimeRange(_parse_instant(b["start"]), _parse_instant(b["end"]))
                for b in entry.get("busy", []))
        return answered, refused

    def _refused(self, calendar_id: str, reason: str) -> CalendarUnavailable:
        # Treating an unreadable calendar as free would offer slots the host cannot take.
        return CalendarUnavailable(
            f"Google Calendar did not share free/busy time for {calendar_id}.",
            retryable=reason in ("backendError", "internalError"),
            provider_status=reason, details={"calendar_id": calendar_id})

    def _calendar_service(self) -> Any:
        if self._service is None:
            from googleapiclient.discovery import build

            # Static discovery: the API description ships with the client, so no network here.
            self._service = build("calendar", "v3", http=self._transport_factory(),
                                  static_discovery=True, cache_discovery=False)
        return self._service

    def _http_for(self, calendar_id: str) -> Any:
        if calendar_id not in self._authorized_http:
            from google_auth_httplib2 import AuthorizedHttp

            self._authorized_http[calendar_id] = AuthorizedHttp(
                self._credentials_for(calendar_id), http=self._transport_factory())
        return self._authorized_http[calendar_id]

    def _execute(self, request: Any, calendar_id: str, what: str, booking_id: str | None) -> Any:
        from google.auth.exceptions import GoogleAuthError, RefreshError
        from googleapiclient.errors import HttpError
        from httplib2 import HttpLib2Error

        details = {"calendar_id": calendar_id, "booking_id": booking_id}
        try:
            return request.execute(http=self._http_for(calendar_id))
        except HttpError as error:
            status = int(error.resp.status)
            raise CalendarUnavailable(
                f"Google Calendar refused the {what} request (HTTP {status}).",
                retryable=status >= 500 or status == 429 or _is_rate_limit(error),
                provider_status=status, details=details) from error
        except RefreshError as error:
            # A revoked or wrong credential will not fix itself; a flaky token endpoint may.
            raise CalendarUnavailable(
                f"Google did not authorise the {what} request for {calendar_id}.",
                retryable=bool(getattr(error, "retryable", False)),
                provider_status="auth", details=details) from error
        except (GoogleAuthError, HttpLib2Error, OSError) as error:  # OSError covers timeouts
            raise CalendarUnavailable(
                f"Google Calendar could not be reached for the {what} request.",
                provider_status=type(error).__name__, details=details) from error


def _is_rate_limit(error: Any) -> bool:
    content = error.content.decode("utf-8", "replace") if isinstance(error.content, bytes) else str(error.content)
    return any(reason in content for reason in ("rateLimitExceeded", "RateLimitExceeded", "quotaExceeded"))


def google_calendar_from_secret(secret_value: str, **options: Any) -> GoogleCalendar:
    """A `GoogleCalendar` for the Google secret's JSON text (shapes: `google_credentials.py`).

    `options` go to the constructor (e.g. `timeout_seconds`). Raises ValueError on a bad secret.
    """
    return GoogleCalendar(credentials_from_secret(secret_value), **options)


from_secret = google_calendar_from_secret  # the name wiring's provider factory calls
