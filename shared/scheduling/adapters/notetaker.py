"""The notetaker provider: a bot that joins a booking's Meet, records it, and reports how long.

`HttpNotetaker` speaks a Recall.ai-style REST API (`POST /bot/`, `GET /bot/{id}/`,
`DELETE /bot/{id}/`, `Authorization: Token <key>`). Its transport is a plain function
`(HttpRequest, timeout) -> HttpResponse`, so tests replay recorded JSON offline; the default one
uses urllib (no extra dependency in the layer). `LocalNotetaker` records bots in the outbox and
reports a finished recording as long as the meeting, so the billing job can run locally.
"""

from __future__ import annotations

import json
import math
import threading
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from scheduling.adapters.errors import ProviderUnavailable
from scheduling.adapters.http import HttpRequest, Transport, urllib_transport
from scheduling.adapters.outbox import OUTBOX, LocalOutbox

# Bot states after which nothing more will be recorded (Recall's status codes).
FINISHED_STATUSES = frozenset({"done", "fatal", "analysis_done", "analysis_failed", "media_expired"})
LOCAL_BOT_NAMESPACE = uuid.UUID("6f1c1d56-3a0e-4d4b-9a51-0d6c2b7f9e10")


class NotetakerUnavailable(ProviderUnavailable):
    code, status = "NOTETAKER_PROVIDER_ERROR", 502
    provider = "notetaker"
    default_fix = "Retry in a minute; if it persists, the notetaker provider may be down."


@dataclass(frozen=True, slots=True)
class BotStatus:
    status: str  # the provider's latest status code, e.g. "joining_call", "done", "fatal"
    recording_seconds: int | None  # total recorded time, once a recording has completed
    transcript_url: str | None
    done: bool  # True when the bot has finished for good: safe to bill from recording_seconds


class NotetakerPort(Protocol):
    def create_bot(self, meeting_url: str, join_at: datetime, booking_id: str, *,
                   expected_duration: timedelta | None = None) -> str:
        """Schedule a bot to join `meeting_url` at `join_at`; returns the bot id.

        `expected_duration` (the meeting's length) is only used by the local adapter.
        """
        ...

    def get_bot(self, bot_id: str) -> BotStatus: ...

    def delete_bot(self, bot_id: str, *, booking_id: str | None = None) -> None:
        """Cancel a scheduled bot; a bot already gone is not an error.

        `booking_id` only labels the local outbox entry and error details.
        """
        ...


def _utc_iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _seconds_recorded(recordings: list[dict[str, Any]]) -> int | None:
    spans = [(r.get("started_at"), r.get("completed_at")) for r in recordings]
    finished = [(start, end) for start, end in spans if start and end]
    if not finished:
        return None
    total = sum((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
                for start, end in finished)
    return math.ceil(total)  # whole seconds, never rounding a recording down


def _transcript_url(recordings: list[dict[str, Any]]) -> str | None:
    for recording in recordings:
        transcript = (recording.get("media_shortcuts") or {}).get("transcript") or {}
        url = (transcript.get("data") or {}).get("download_url")
        if url:
            return str(url)
    return None


def _latest_status(bot: dict[str, Any]) -> str:
    changes = bot.get("status_changes") or []
    if changes:
        return str(changes[-1].get("code", "unknown"))
    status = bot.get("status")
    if isinstance(status, dict):
        return str(status.get("code", "unknown"))
    return str(status or "unknown")


class HttpNotetaker:
    def __init__(self, base_url: str, api_key: str, *, transport: Transport = urllib_transport,
                 timeout_seconds: float = 10.0, bot_name: str | None = None) -> None:
        self._base_url = base_url.rstrip("/")  # e.g. https://us-east-1.recall.ai/api/v1
        self._api_key = api_key
        self._transport = transport
        self._timeout = timeout_seconds
        self._bot_name = bot_name

    def create_bot(self, meeting_url: str, join_at: datetime, booking_id: str, *,
                   expected_duration: timedelta | None = None) -> str:
        payload: dict[str, Any] = {"meeting_url": meeting_url, "join_at": _utc_iso(join_at),
                                   "metadata": {"booking_id": booking_id}}
        if self._bot_name:
            payload["bot_name"] = self._bot_name
        bot = self._call("POST", "/bot/", payload, booking_id=booking_id)
        if not bot.get("id"):
            raise NotetakerUnavailable("The notetaker provider answered without a bot id.",
                                       provider_status="no_id", details={"booking_id": booking_id})
        return str(bot["id"])

    def get_bot(self, bot_id: str) -> BotStatus:
        bot = self._call("GET", f"/bot/{urllib.parse.quote(bot_id, safe='')}/", None, bot_id=bot_id)
        status = _latest_status(bot)
        recordings = bot.get("recordings") or []
        return BotStatus(status=status, recording_seconds=_seconds_recorded(recordings),
                         transcript_url=_transcript_url(recordings), done=status in FINISHED_STATUSES)

    def delete_bot(self, bot_id: str, *, booking_id: str | None = None) -> None:
        context = {"bot_id": bot_id, **({"booking_id": booking_id} if booking_id else {})}
        try:
            self._call("DELETE", f"/bot/{urllib.parse.quote(bot_id, safe='')}/", None, **context)
        except NotetakerUnavailable as error:
            if error.provider_status != 404:
                raise

    def _call(self, method: str, path: str, payload: dict[str, Any] | None, **context: str) -> dict[str, Any]:
        headers = {"Authorization": f"Token {self._api_key}", "Accept": "application/json"}
        body = None
        if payload is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(payload).encode()
        request = HttpRequest(method, self._base_url + path, headers, body)
        try:
            response = self._transport(request, self._timeout)
        except OSError as error:  # URLError, timeouts, refused connections
            raise NotetakerUnavailable("The notetaker provider could not be reached.",
                                       provider_status=type(error).__name__, details=context) from error
        if response.status >= 400:
            # The provider's body is not quoted: it may echo the request, API key hints included.
            raise NotetakerUnavailable(
                f"The notetaker provider refused the request (HTTP {response.status}).",
                retryable=response.status >= 500 or response.status == 429,
                provider_status=response.status, details=context)
        if not response.body:
            return {}
        try:
            decoded = json.loads(response.body)
        except ValueError as error:
            raise NotetakerUnavailable("The notetaker provider answered with something other than JSON.",
                                       provider_status="bad_json", details=context) from error
        return decoded if isinstance(decoded, dict) else {}


@dataclass
class _LocalBot:
    booking_id: str
    meeting_url: str
    join_at: datetime
    expected_duration: timedelta | None
    deleted: bool = False


class LocalNotetaker:
    """Bots recorded in the outbox; every bot reports a finished recording of the meeting's length.

    `set_status(bot_id, BotStatus(...))` overrides what one bot reports (a failed bot, a longer
    meeting); `outbox.fail_next("notetaker.create")` makes the provider fail on demand.
    """

    def __init__(self, outbox: LocalOutbox = OUTBOX, *,
                 default_duration: timedelta = timedelta(minutes=30)) -> None:
        self._outbox = outbox
        self._default_duration = default_duration
        self._lock = threading.Lock()
        self._bots: dict[str, _LocalBot] = {}
        self._overrides: dict[str, BotStatus] = {}

    def create_bot(self, meeting_url: str, join_at: datetime, booking_id: str, *,
                   expected_duration: timedelta | None = None) -> str:
        self._fail_if_asked("notetaker.create", booking_id=booking_id)
        bot_id = str(uuid.uuid5(LOCAL_BOT_NAMESPACE, f"{booking_id}|{_utc_iso(join_at)}"))
        with self._lock:
            self._bots[bot_id] = _LocalBot(booking_id, meeting_url, join_at, expected_duration)
        self._outbox.record_notetaker(action="create", bot_id=bot_id, booking_id=booking_id,
                                      meeting_url=meeting_url, join_at=join_at)
        return bot_id

    def get_bot(self, bot_id: str) -> BotStatus:
        self._fail_if_asked("notetaker.get", bot_id=bot_id)
        with self._lock:
            bot = self._bots.get(bot_id)
            if bot is None or bot.deleted:
                # As the real provider: a deleted or unknown bot is a 404.
                raise NotetakerUnavailable("The notetaker provider knows no such bot (HTTP 404).",
                                           retryable=False, provider_status=404, details={"bot_id": bot_id})
            if bot_id in self._overrides:
                return self._overrides[bot_id]
        duration = bot.expected_duration or self._default_duration
        return BotStatus(status="done", recording_seconds=math.ceil(duration.total_seconds()),
                         transcript_url=f"https://notetaker.local.invalid/transcripts/{bot_id}.json",
                         done=True)

    def set_status(self, bot_id: str, status: BotStatus) -> None:
        with self._lock:
            self._overrides[bot_id] = status

    def delete_bot(self, bot_id: str, *, booking_id: str | None = None) -> None:
        self._fail_if_asked("notetaker.delete", bot_id=bot_id)
        with self._lock:
            bot = self._bots.get(bot_id)
            if bot is not None and bot.deleted:
                return
            if bot is not None:
                bot.deleted = True
        self._outbox.record_notetaker(action="delete", bot_id=bot_id,
                                      booking_id=bot.booking_id if bot else booking_id,
                                      meeting_url=bot.meeting_url if bot else None,
                                      join_at=bot.join_at if bot else None)

    def _fail_if_asked(self, operation: str, **context: str) -> None:
        if self._outbox.take_failure(operation):
            raise NotetakerUnavailable(f"Simulated notetaker provider failure ({operation}).",
                                       provider_status=503, details={**context, "simulated": True})
