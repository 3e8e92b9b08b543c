"""HttpNotetaker replaying recorded provider answers (offline), the urllib transport over loopback,
and LocalNotetaker."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import URLError

import pytest
from adapter_helpers import utc

from scheduling.adapters.http import HttpRequest, HttpResponse, urllib_transport
from scheduling.adapters.notetaker import (
    BotStatus,
    HttpNotetaker,
    LocalNotetaker,
    NotetakerUnavailable,
)
from scheduling.adapters.outbox import LocalOutbox

RECORDINGS = Path(__file__).parent / "recordings"
BASE_URL = "https://us-east-1.recall.ai/api/v1"
BOT_ID = "5603dea0-b633-4b35-995c-fec5415c8d8e"
BOOKING_ID = "3f2b8c1e-9d4a-4e7b-8a6c-1b2d3e4f5a6b"
MEET = "https://meet.google.com/abc-defg-hij"


class ReplayTransport:
    """Answers each request with the next recorded exchange, after checking it is the expected one."""

    def __init__(self, *exchanges: str | dict) -> None:
        self._exchanges = [json.loads((RECORDINGS / f"{e}.json").read_text()) if isinstance(e, str) else e
                           for e in exchanges]
        self.sent: list[HttpRequest] = []

    def __call__(self, request: HttpRequest, timeout: float) -> HttpResponse:
        self.sent.append(request)
        exchange = self._exchanges.pop(0)
        expected = exchange["request"]
        assert (request.method, request.url) == (expected["method"], "https://us-east-1.recall.ai" + expected["path"])
        body = exchange["response"]["body"]
        return HttpResponse(exchange["response"]["status"], b"" if body is None else json.dumps(body).encode())


def answer(status: int, body: object = None, method: str = "GET", path: str = f"/api/v1/bot/{BOT_ID}/") -> dict:
    return {"request": {"method": method, "path": path}, "response": {"status": status, "body": body}}


def notetaker_over(transport: ReplayTransport) -> HttpNotetaker:
    return HttpNotetaker(BASE_URL + "/", "recall-key-123", transport=transport)


def test_create_bot_posts_the_meeting_url_join_time_and_booking_with_token_auth() -> None:
    transport = ReplayTransport("recall_create_bot")

    bot_id = notetaker_over(transport).create_bot(MEET, utc(2026, 11, 30, 21, 59), BOOKING_ID)

    assert bot_id == BOT_ID
    [sent] = transport.sent
    assert sent.headers == {"Authorization": "Token recall-key-123", "Accept": "application/json",
                            "Content-Type": "application/json"}
    assert json.loads(sent.body or b"") == {"meeting_url": MEET, "join_at": "2026-11-30T21:59:00Z",
                                            "metadata": {"booking_id": BOOKING_ID}}


def test_create_bot_names_the_bot_when_configured() -> None:
    transport = ReplayTransport("recall_create_bot")
    HttpNotetaker(BASE_URL, "k", transport=transport, bot_name="Clinic Notetaker").create_bot(
        MEET, utc(2026, 11, 30, 21, 59), BOOKING_ID)
    assert json.loads(transport.sent[0].body or b"")["bot_name"] == "Clinic Notetaker"


def test_a_finished_bot_reports_whole_recorded_seconds_and_the_transcript() -> None:
    status = notetaker_over(ReplayTransport("recall_bot_done")).get_bot(BOT_ID)
    # 22:00:03.5 → 22:27:44.9 is 1661.4 s, rounded up so billing never undercounts
    assert status == BotStatus(status="done", recording_seconds=1662,
                               transcript_url="https://recall-media.example/transcript.json?sig=def", done=True)


def test_a_bot_still_in_the_call_is_not_done_and_has_no_length_yet() -> None:
    assert notetaker_over(ReplayTransport("recall_bot_in_call")).get_bot(BOT_ID) == BotStatus(
        status="in_call_recording", recording_seconds=None, transcript_url=None, done=False)


def test_a_bot_that_never_got_in_is_done_with_nothing_recorded() -> None:
    assert notetaker_over(ReplayTransport("recall_bot_fatal")).get_bot(BOT_ID) == BotStatus(
        status="fatal", recording_seconds=None, transcript_url=None, done=True)


def test_a_provider_that_reports_status_as_an_object_is_understood() -> None:
    transport = ReplayTransport(answer(200, {"id": BOT_ID, "status": {"code": "done"}, "recordings": []}))
    assert notetaker_over(transport).get_bot(BOT_ID).status == "done"


def test_delete_bot_sends_delete_to_the_bot() -> None:
    transport = ReplayTransport("recall_delete_bot")
    notetaker_over(transport).delete_bot(BOT_ID)
    assert transport.sent[0].body is None


def test_deleting_a_bot_the_provider_no_longer_knows_is_fine() -> None:
    notetaker_over(ReplayTransport(answer(404, {"detail": "Not found."}, method="DELETE"))).delete_bot(BOT_ID)


def test_deleting_a_bot_that_already_joined_is_refused_for_good() -> None:
    transport = ReplayTransport(answer(405, {"detail": "Cannot delete a bot that has joined."}, method="DELETE"))
    with pytest.raises(NotetakerUnavailable) as caught:
        notetaker_over(transport).delete_bot(BOT_ID, booking_id=BOOKING_ID)
    assert (caught.value.retryable, caught.value.details["booking_id"]) == (False, BOOKING_ID)


def test_bot_ids_are_escaped_into_the_path() -> None:
    transport = ReplayTransport(answer(200, {"id": "x"}, path="/api/v1/bot/..%2F..%2Fadmin/"))
    notetaker_over(transport).get_bot("../../admin")


@pytest.mark.parametrize(("status", "retryable"), [(500, True), (502, True), (429, True), (400, False), (401, False)])
def test_provider_errors_become_notetaker_provider_error_502(status: int, retryable: bool) -> None:
    refusal = answer(status, {"detail": "Invalid token recall-key-123"}, method="POST", path="/api/v1/bot/")
    transport = ReplayTransport(refusal)
    with pytest.raises(NotetakerUnavailable) as caught:
        notetaker_over(transport).create_bot(MEET, utc(2026, 11, 30, 21, 59), BOOKING_ID)
    error = caught.value
    assert (error.code, error.status, error.retryable, error.provider_status) == (
        "NOTETAKER_PROVIDER_ERROR", 502, retryable, status)
    assert "recall-key-123" not in json.dumps(error.to_envelope())


def test_an_unreachable_provider_is_a_retryable_provider_error() -> None:
    def unreachable(request: HttpRequest, timeout: float) -> HttpResponse:
        raise URLError(ConnectionRefusedError(111, "Connection refused"))

    with pytest.raises(NotetakerUnavailable) as caught:
        HttpNotetaker(BASE_URL, "k", transport=unreachable).get_bot(BOT_ID)
    assert (caught.value.retryable, caught.value.provider_status) == (True, "URLError")


@pytest.mark.parametrize("body", [b"<html>Bad gateway</html>", b""])
def test_a_create_answer_without_a_bot_id_is_a_provider_error(body: bytes) -> None:
    def odd(request: HttpRequest, timeout: float) -> HttpResponse:
        return HttpResponse(200, body)

    with pytest.raises(NotetakerUnavailable):
        HttpNotetaker(BASE_URL, "k", transport=odd).create_bot(MEET, utc(2026, 11, 30, 21, 59), BOOKING_ID)


# -- the real urllib transport, against a loopback server ---------------------------------------

@pytest.fixture
def loopback_provider() -> Iterator[tuple[str, list[dict]]]:
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen.append({"method": self.command, "path": self.path, "auth": self.headers["Authorization"],
                         "body": json.loads(self.rfile.read(length)) if length else None})
            status, body = (201, {"id": "bot-9"}) if self.command == "POST" else (503, {"detail": "busy"})
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_POST = do_GET = _answer

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1", seen
    finally:
        server.shutdown()
        server.server_close()


def test_the_urllib_transport_sends_json_and_reads_error_statuses(loopback_provider: tuple[str, list[dict]]) -> None:
    base_url, seen = loopback_provider
    notetaker = HttpNotetaker(base_url, "k-1", transport=urllib_transport, timeout_seconds=5)

    assert notetaker.create_bot(MEET, utc(2026, 11, 30, 21, 59), BOOKING_ID) == "bot-9"
    with pytest.raises(NotetakerUnavailable) as caught:
        notetaker.get_bot("bot-9")

    assert caught.value.provider_status == 503
    assert seen == [
        {"method": "POST", "path": "/api/v1/bot/", "auth": "Token k-1",
         "body": {"meeting_url": MEET, "join_at": "2026-11-30T21:59:00Z", "metadata": {"booking_id": BOOKING_ID}}},
        {"method": "GET", "path": "/api/v1/bot/bot-9/", "auth": "Token k-1", "body": None},
    ]


# -- LocalNotetaker -------------------------------------------------------------------------------

def test_local_create_records_the_bot_and_reports_a_recording_as_long_as_the_meeting(outbox: LocalOutbox) -> None:
    notetaker = LocalNotetaker(outbox)

    bot_id = notetaker.create_bot(MEET, utc(2026, 11, 30, 21, 59), BOOKING_ID, expected_duration=timedelta(minutes=45))

    assert outbox.snapshot()["notetaker"] == [{"action": "create", "bot_id": bot_id, "booking_id": BOOKING_ID,
                                               "meeting_url": MEET, "join_at": "2026-11-30T21:59:00+00:00"}]
    status = notetaker.get_bot(bot_id)
    assert (status.status, status.recording_seconds, status.done) == ("done", 2700, True)
    assert status.transcript_url


def test_local_bots_without_a_known_length_record_the_default(outbox: LocalOutbox) -> None:
    notetaker = LocalNotetaker(outbox, default_duration=timedelta(minutes=20))
    assert notetaker.get_bot(notetaker.create_bot(MEET, utc(2026, 12, 1), "b-2")).recording_seconds == 1200


def test_local_bot_ids_are_deterministic_per_booking_and_join_time(outbox: LocalOutbox) -> None:
    first, second = LocalNotetaker(outbox), LocalNotetaker(LocalOutbox())
    assert first.create_bot(MEET, utc(2026, 12, 1), "b-1") == second.create_bot(MEET, utc(2026, 12, 1), "b-1")
    assert first.create_bot(MEET, utc(2026, 12, 1), "b-1") != first.create_bot(MEET, utc(2026, 12, 2), "b-1")


def test_set_status_overrides_what_a_local_bot_reports(outbox: LocalOutbox) -> None:
    notetaker = LocalNotetaker(outbox)
    bot_id = notetaker.create_bot(MEET, utc(2026, 12, 1), "b-1")
    notetaker.set_status(bot_id, BotStatus("fatal", None, None, True))
    assert notetaker.get_bot(bot_id).status == "fatal"


def test_local_delete_is_recorded_once_and_the_bot_is_then_unknown(outbox: LocalOutbox) -> None:
    notetaker = LocalNotetaker(outbox)
    bot_id = notetaker.create_bot(MEET, utc(2026, 12, 1), "b-1")
    notetaker.delete_bot(bot_id)
    notetaker.delete_bot(bot_id)

    assert [entry["action"] for entry in outbox.snapshot()["notetaker"]] == ["create", "delete"]
    assert outbox.snapshot()["notetaker"][1]["booking_id"] == "b-1"
    with pytest.raises(NotetakerUnavailable) as caught:
        notetaker.get_bot(bot_id)
    assert (caught.value.provider_status, caught.value.retryable) == (404, False)


def test_local_delete_of_a_bot_from_before_a_restart_is_recorded_with_the_given_booking(outbox: LocalOutbox) -> None:
    LocalNotetaker(outbox).delete_bot("old-bot", booking_id="b-7")
    assert outbox.snapshot()["notetaker"] == [{"action": "delete", "bot_id": "old-bot", "booking_id": "b-7",
                                               "meeting_url": None, "join_at": None}]


def test_local_notetaker_fails_on_demand(outbox: LocalOutbox) -> None:
    notetaker = LocalNotetaker(outbox)
    outbox.fail_next("notetaker.create")
    with pytest.raises(NotetakerUnavailable) as caught:
        notetaker.create_bot(MEET, utc(2026, 12, 1), "b-1")
    assert caught.value.status == 502
    assert outbox.snapshot()["notetaker"] == []
