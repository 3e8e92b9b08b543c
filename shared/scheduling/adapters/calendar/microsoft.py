"""`CalendarPort` for Microsoft 365 hosts: Microsoft Graph v1.0 over plain HTTP, app-only auth.

Three Graph calls (msgraph-sdk is ~380 MB installed and slow to import; these need none of it):

* free/busy: `POST /users/{id}/calendar/getSchedule`, at most 20 schedules and a window under
  62 days per call, so hosts are batched by 20 and long windows split into 61-day pieces;
* the booking's event: `POST /users/{calendar}/events` with a Teams meeting (`isOnlineMeeting`,
  `onlineMeetingProvider: teamsForBusiness`; the link is `onlineMeeting.joinUrl`). The booking id
  is the event's `transactionId`, so Graph drops a repeated create. A mailbox that cannot make
  Teams meetings still gets the event, without a link;
* cancelling it: `POST /users/{calendar}/events/{id}/cancel`, which emails the attendees.

Busy time from getSchedule's `scheduleItems`: `busy`, `tentative`, `oof` and `unknown` block
slots (a tentative meeting usually happens; out of office is not bookable; unknown fails closed);
`free` and `workingElsewhere` (working, only not at the office) do not.

Tokens: msal's `ConfidentialClientApplication.acquire_token_for_client` against the tenant's
authority, one application object per adapter (one per container, `wiring` caches it), so msal's
in-memory cache hands out the token until shortly before it expires. A 401 from Graph drops the
cached token and tries once more with a new one. msal talks to Entra ID through our transport, so
`requests` is never imported; msal itself is imported on the first call, not at import time.

Throttling and outages behave as Google's do: 429/5xx/timeouts raise a retryable
`CalendarUnavailable` (slots fail closed with 503, side effects are retried by the job). A
429 whose `Retry-After` is at most `max_inline_wait` seconds is waited out once in the request.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from scheduling.adapters.calendar.port import (
    CalendarEventRequest,
    CreatedCalendarEvent,
    MicrosoftCalendarUnavailable,
    unique_emails,
)
from scheduling.adapters.http import HttpRequest, HttpResponse, Transport, urllib_transport
from scheduling.slots.ranges import TimeRange

GRAPH_BASE = "https://graph.microsoft.com/v1.0"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
AUTHORITY_HOST = "https://login.microsoftonline.com"
SCHEDULES_PER_CALL = 20  # getSchedule's limit
WINDOW_PER_CALL = timedelta(days=61)  # getSchedule refuses windows of 62 days or more
BUSY_STATUSES = frozenset({"busy", "tentative", "oof", "unknown"})
GONE_STATUSES = (404, 410)
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


def _graph_time(instant: datetime) -> dict[str, str]:
    return {"dateTime": instant.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
            "timeZone": "UTC"}


def _parse_graph_time(value: dict[str, Any]) -> datetime:
    """Graph writes `2026-12-01T09:00:00.0000000` (seven fraction digits) in the asked zone (UTC)."""
    text = str(value["dateTime"])
    whole, _, fraction = text.partition(".")
    parsed = datetime.fromisoformat(whole + (f".{fraction[:6]}" if fraction else ""))
    if value.get("timeZone", "UTC") not in ("UTC", "Etc/UTC", "Coordinated Universal Time"):
        raise ValueError(f"unexpected Graph time zone {value.get('timeZone')!r}")
    return parsed.replace(tzinfo=UTC)


def _windows(window: TimeRange) -> list[TimeRange]:
    pieces, start = [], window.start
    while start < window.end:
        end = min(start + WINDOW_PER_CALL, window.end)
        pieces.append(TimeRange(start, end))
        start = end
    return pieces


class _MsalTransport:
    """msal's minimal HTTP client interface (`post`/`get` → `status_code`, `text`, `headers`) over
    our transport, so token requests are replayed in tests like Graph's and `requests` stays unused."""

    def __init__(self, transport: Transport, timeout: float) -> None:
        self._transport, self._timeout = transport, timeout

    def post(self, url: str, params: Any = None, data: Any = None, headers: Any = None, **_: Any) -> Any:
        body = urllib.parse.urlencode(data) if isinstance(data, dict) else (data or "")
        sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return self._send("POST", url, params, sent, body.encode() if isinstance(body, str) else body)

    def get(self, url: str, params: Any = None, headers: Any = None, **_: Any) -> Any:
        return self._send("GET", url, params, dict(headers or {}), None)

    def close(self) -> None:
        return None

    def _send(self, method: str, url: str, params: Any, headers: dict[str, str], body: bytes | None) -> Any:
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
        return _MsalResponse(self._transport(HttpRequest(method, url, headers, body), self._timeout))


class _MsalResponse:
    def __init__(self, response: HttpResponse) -> None:
        self.status_code = response.status
        self.text = response.body.decode("utf-8", "replace")
        self.headers = dict(response.headers)

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise OSError(f"HTTP {self.status_code} from the Microsoft identity platform")


class GraphCalendar:
    """Microsoft Graph calendars of one tenant, acting as the app (application permission
    `Calendars.ReadWrite`; docs/calendars.md)."""

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        *,
        transport: Transport = urllib_transport,
        timeout_seconds: float = 10.0,
        max_inline_wait: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        authority_host: str = AUTHORITY_HOST,
    ) -> None:
        self._tenant_id, self._client_id, self._client_secret = tenant_id, client_id, client_secret
        self._transport = transport
        self._timeout = timeout_seconds
        self._max_inline_wait = max_inline_wait
        self._sleep = sleep
        self._authority = f"{authority_host.rstrip('/')}/{tenant_id}"
        self._app: Any = None
        self._app_lock = threading.Lock()

    # -- CalendarPort ----------------------------------------------------------------------

    def busy(self, calendar_ids: list[str], window: TimeRange) -> dict[str, list[TimeRange]]:
        wanted = list(dict.fromkeys(calendar_ids))
        result: dict[str, list[TimeRange]] = {calendar_id: [] for calendar_id in wanted}
        if not wanted or window.start >= window.end:
            return result
        by_lower = {calendar_id.lower(): calendar_id for calendar_id in wanted}
        for first in range(0, len(wanted), SCHEDULES_PER_CALL):
            batch = wanted[first:first + SCHEDULES_PER_CALL]
            for piece in _windows(window):
                answer = self._call("POST", f"/users/{_quote(batch[0])}/calendar/getSchedule", batch[0], "free/busy",
                                    None, body={"schedules": batch, "startTime": _graph_time(piece.start),
                                                "endTime": _graph_time(piece.end), "availabilityViewInterval": 15})
                seen = set()
                for schedule in answer.get("value", []):
                    calendar_id = by_lower.get(str(schedule.get("scheduleId", "")).lower())
                    if calendar_id is None:
                        continue
                    if schedule.get("error"):
                        raise self._refused(calendar_id, schedule["error"])
                    seen.add(calendar_id)
                    result[calendar_id].extend(
                        TimeRange(_parse_graph_time(item["start"]), _parse_graph_time(item["end"]))
                        for item in schedule.get("scheduleItems", [])
                        if str(item.get("status", "unknown")) in BUSY_STATUSES)
                for calendar_id in batch:
                    if calendar_id not in seen:  # an unread calendar is not a free one
                        raise self._refused(calendar_id, {"responseCode": "missing"})
        return {calendar_id: sorted(ranges) for calendar_id, ranges in result.items()}

    def insert_event(self, req: CalendarEventRequest) -> CreatedCalendarEvent:
        body: dict[str, Any] = {
            "subject": req.summary,
            "body": {"contentType": "text", "content": req.description},
            "start": _graph_time(req.start),
            "end": _graph_time(req.end),
            "attendees": [{"emailAddress": {"address": email}, "type": "required"}
                          for email in unique_emails(req.attendees)],
            "transactionId": req.booking_id,  # Graph drops a second create with the same id
            "allowNewTimeProposals": False,
        }
        if req.with_meet:
            body.update(isOnlineMeeting=True, onlineMeetingProvider="teamsForBusiness")
        path = f"/users/{_quote(req.calendar_id)}/events"
        try:
            created = self._call("POST", path, req.calendar_id, "create event", req.booking_id, body=body)
        except MicrosoftCalendarUnavailable as error:
            if not (req.with_meet and error.provider_status == 400 and _about_online_meetings(error)):
                raise
            # This mailbox cannot host Teams meetings (no Teams licence, or not allowed): the
            # booking still gets its event, without a link, rather than none at all.
            body.pop("isOnlineMeeting")
            body.pop("onlineMeetingProvider")
            created = self._call("POST", path, req.calendar_id, "create event", req.booking_id, body=body)
        link = _join_url(created)
        if req.with_meet and link is None and created.get("isOnlineMeeting") and created.get("id"):
            # The meeting is made just after the event; one read usually finds its link.
            again = self._call("GET", f"{path}/{_quote(created['id'])}?$select=onlineMeeting,isOnlineMeeting",
                               req.calendar_id, "read event", req.booking_id)
            link = _join_url(again)
        return CreatedCalendarEvent(event_id=str(created["id"]), meet_link=link,
                                    meeting_provider="teams" if link else None)

    def delete_event(self, calendar_id: str, event_id: str, booking_id: str) -> None:
        path = f"/users/{_quote(calendar_id)}/events/{_quote(event_id)}/cancel"
        try:
            self._call("POST", path, calendar_id, "cancel event", booking_id,
                       body={"comment": "This booking has been cancelled."})
        except MicrosoftCalendarUnavailable as error:
            if error.provider_status not in GONE_STATUSES:
                raise

    # -- plumbing --------------------------------------------------------------------------

    def _call(self, method: str, path: str, calendar_id: str, what: str, booking_id: str | None, *,
              body: dict[str, Any] | None = None) -> dict[str, Any]:
        details = {"calendar_id": calendar_id, "booking_id": booking_id}
        fresh_token = False
        waited = False
        while True:
            request = HttpRequest(method, GRAPH_BASE + path, {
                "Authorization": f"Bearer {self._token(details, force_refresh=fresh_token)}",
                "Content-Type": "application/json",
                "Prefer": 'outlook.timezone="UTC"',
            }, None if body is None else json.dumps(body).encode())
            try:
                response = self._transport(request, self._timeout)
            except OSError as error:  # timeouts and refused connections
                raise MicrosoftCalendarUnavailable(
                    f"Microsoft Graph could not be reached for the {what} request.",
                    provider_status=type(error).__name__, details=details) from error
            if response.status == 401 and not fresh_token:
                fresh_token = True  # revoked or rotated early: one more try with a new token
                continue
            wait = _retry_after(response)
            if response.status == 429 and not waited and wait is not None and wait <= self._max_inline_wait:
                waited = True
                self._sleep(wait)
                continue
            if response.status >= 400:
                raise self._http_error(response, what, details, wait)
            return json.loads(response.body) if response.body.strip() else {}

    def _token(self, details: dict[str, Any], *, force_refresh: bool) -> str:
        app = self._application(details)
        if force_refresh:
            app.remove_tokens_for_client()
        try:
            answer = app.acquire_token_for_client(scopes=[GRAPH_SCOPE])
        except (OSError, ValueError) as error:
            raise MicrosoftCalendarUnavailable(
                "The Microsoft identity platform could not be reached for a Graph token.",
                provider_status="auth", details=details) from error
        if "access_token" not in answer:
            # invalid_client / unauthorized_client will not fix themselves; anything else might.
            code = str(answer.get("error", "unknown"))
            raise MicrosoftCalendarUnavailable(
                f"Microsoft did not issue a Graph token ({code}).",
                retryable=code not in ("invalid_client", "unauthorized_client", "invalid_request"),
                provider_status="auth", details=details,
                fix="Check the Microsoft credentials secret (tenant_id, client_id, client_secret) and "
                    "the app's admin consent (docs/calendars.md).")
        return str(answer["access_token"])

    def _application(self, details: dict[str, Any]) -> Any:
        with self._app_lock:
            if self._app is None:
                import msal

                try:
                    self._app = msal.ConfidentialClientApplication(
                        self._client_id, client_credential=self._client_secret, authority=self._authority,
                        http_client=_MsalTransport(self._transport, self._timeout),
                        # The authority is Microsoft's own host: no alias lookup at /common per token.
                        instance_discovery=False)
                except (OSError, ValueError) as error:  # the tenant's discovery document was not read
                    raise MicrosoftCalendarUnavailable(
                        "The Microsoft tenant's sign-in configuration could not be read.",
                        provider_status="auth", details=details) from error
            return self._app

    def _http_error(self, response: HttpResponse, what: str, details: dict[str, Any],
                    retry_after: float | None) -> MicrosoftCalendarUnavailable:
        code = _graph_error_code(response)
        extra = {"graph_error": code} if code else {}
        if retry_after is not None:
            extra["retry_after_seconds"] = retry_after
        return MicrosoftCalendarUnavailable(
            f"Microsoft Graph refused the {what} request (HTTP {response.status}).",
            retryable=response.status in RETRYABLE_STATUSES, provider_status=response.status,
            details={**details, **extra})

    def _refused(self, calendar_id: str, error: dict[str, Any]) -> MicrosoftCalendarUnavailable:
        # Treating an unreadable calendar as free would offer slots the host cannot take.
        return MicrosoftCalendarUnavailable(
            f"Microsoft Graph did not share free/busy time for {calendar_id}.",
            retryable=False, provider_status=str(error.get("responseCode", "unknown")),
            details={"calendar_id": calendar_id})


def _quote(value: str) -> str:
    return urllib.parse.quote(value, safe="@")


def _join_url(event: dict[str, Any]) -> str | None:
    meeting = event.get("onlineMeeting") or {}
    url = meeting.get("joinUrl")
    return str(url) if url else None


def _retry_after(response: HttpResponse) -> float | None:
    value = response.header("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _graph_error_code(response: HttpResponse) -> str | None:
    try:
        error = json.loads(response.body).get("error") or {}
    except (ValueError, AttributeError):
        return None
    return str(error.get("code")) if error.get("code") else None


def _about_online_meetings(error: MicrosoftCalendarUnavailable) -> bool:
    code = str(error.details.get("graph_error", ""))
    return "OnlineMeeting" in code or code in ("ErrorInvalidRequest", "BadRequest")


def graph_calendar_from_secret(secret_value: str, **options: Any) -> GraphCalendar:
    """A `GraphCalendar` for the Microsoft secret's JSON text:
    `{"tenant_id": "...", "client_id": "...", "client_secret": "..."}`. Raises ValueError on a bad
    secret, never quoting it (the message reaches the logs at cold start)."""
    from scheduling.adapters.secrets import json_object_secret

    info = json_object_secret(secret_value, "Microsoft credentials")
    missing = [key for key in ("tenant_id", "client_id", "client_secret") if not info.get(key)]
    if missing:
        raise ValueError(f"The Microsoft credentials secret lacks {', '.join(missing)}.")
    if info.get("authority_host"):
        options.setdefault("authority_host", str(info["authority_host"]))
    return GraphCalendar(str(info["tenant_id"]), str(info["client_id"]), str(info["client_secret"]), **options)


from_secret = graph_calendar_from_secret  # the name wiring's provider factory calls
