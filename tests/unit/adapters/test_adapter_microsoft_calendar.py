"""GraphCalendar against recorded Microsoft Graph and Entra ID answers (recordings/graph/): the
exact requests, free/busy mapping, Teams links, cancel, throttling and msal's token handling."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from adapter_helpers import utc

from scheduling.adapters.calendar import CalendarEventRequest, CalendarUnavailable
from scheduling.adapters.calendar.microsoft import GraphCalendar, graph_calendar_from_secret
from scheduling.adapters.http import HttpRequest, HttpResponse
from scheduling.slots.ranges import TimeRange

RECORDINGS = Path(__file__).parent / "recordings" / "graph"
TENANT = "7b0a4e2c-1f9d-4c55-9a47-0e4c2f8f3a11"
BOOKING_ID = "3f2b8c1e-9d4a-4e7b-8a6c-1b2d3e4f5a6b"
MAYA, LEO = "maya@harbour.example", "leo@harbour.example"
DAY = TimeRange(utc(2026, 12, 1), utc(2026, 12, 2))
TEAMS_URL = ("https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzIyNzhlMGEtM2YyZC00ZmY0LTlhNzUtZmZjNWFmZGNlNzE2"
             "%40thread.v2/0?context=%7b%22Tid%22%3a%227b0a4e2c%22%7d")


def recorded(name: str, **changes: Any) -> dict[str, Any]:
    exchange = json.loads((RECORDINGS / f"{name}.json").read_text())
    exchange["response"].update(changes)
    return exchange


class Replay:
    """Answers each request with the next recorded exchange, after checking it is the one expected."""

    def __init__(self, *exchanges: str | dict[str, Any]) -> None:
        self.exchanges = [recorded(e) if isinstance(e, str) else e for e in exchanges]
        self.sent: list[HttpRequest] = []

    def __call__(self, request: HttpRequest, timeout: float) -> HttpResponse:
        self.sent.append(request)
        assert self.exchanges, f"unexpected request {request.method} {request.url}"
        exchange = self.exchanges.pop(0)
        expected = exchange["request"]
        assert (request.method, request.url.split("?")[0]) == (expected["method"], expected["url"].split("?")[0])
        body = exchange["response"]["body"]
        return HttpResponse(exchange["response"]["status"], b"" if body is None else json.dumps(body).encode(),
                            {k.lower(): v for k, v in exchange["response"].get("headers", {}).items()})

    def json_body(self, index: int) -> Any:
        return json.loads(self.sent[index].body or b"null")

    def graph_requests(self) -> list[HttpRequest]:
        return [r for r in self.sent if r.url.startswith("https://graph.microsoft.com/")]


def token_answer(token: str, expires_in: int = 3599) -> dict[str, Any]:
    exchange = recorded("token")
    exchange["response"]["body"] = {**exchange["response"]["body"], "access_token": token, "expires_in": expires_in}
    return exchange


def signed_in(*graph: str | dict[str, Any]) -> Replay:
    """msal's first call reads the tenant's sign-in configuration, then asks for a token."""
    return Replay("openid_configuration", "token", *graph)


def graph_over(replay: Replay, **options: Any) -> GraphCalendar:
    return GraphCalendar(TENANT, "app-client-id", "app-secret", transport=replay, **options)


def booking_event(*, with_meet: bool = True) -> CalendarEventRequest:
    return CalendarEventRequest(
        calendar_id=MAYA, booking_id=BOOKING_ID, summary="Initial Assessment: Sarah Jones",
        description="Manage this booking: https://app.example/book/harbour/manage/tok123",
        start=utc(2026, 12, 1, 22), end=utc(2026, 12, 1, 22, 45),
        attendees=["sarah@example.com", "SARAH@example.com", "leo@harbour.example"], with_meet=with_meet,
        timezone="Australia/Sydney", provider="microsoft")


# ── free/busy ──────────────────────────────────────────────────────────────────────────────


def test_busy_maps_busy_tentative_and_out_of_office_as_busy_and_free_or_working_elsewhere_as_free() -> None:
    replay = signed_in("get_schedule")
    busy = graph_over(replay).busy([MAYA, LEO], DAY)

    assert busy == {
        MAYA: [TimeRange(utc(2026, 12, 1, 0, 30), utc(2026, 12, 1, 1)),  # busy
               TimeRange(utc(2026, 12, 1, 2), utc(2026, 12, 1, 2, 15)),  # tentative
               TimeRange(utc(2026, 12, 1, 4), utc(2026, 12, 1, 6))],  # oof
        LEO: [],
    }
    [request] = replay.graph_requests()
    assert request.headers["Authorization"] == "Bearer eyJ0eXAiOiJKV1QiLCJub25jZSI6ImZpcnN0In0.first"
    assert request.headers["Prefer"] == 'outlook.timezone="UTC"'
    assert json.loads(request.body or b"") == {
        "schedules": [MAYA, LEO], "availabilityViewInterval": 15,
        "startTime": {"dateTime": "2026-12-01T00:00:00", "timeZone": "UTC"},
        "endTime": {"dateTime": "2026-12-02T00:00:00", "timeZone": "UTC"}}


def test_the_token_request_is_app_only_for_graph_against_the_tenant_authority() -> None:
    replay = signed_in("get_schedule")
    graph_over(replay).busy([MAYA, LEO], DAY)
    token_request = replay.sent[1]
    form = urllib.parse.parse_qs((token_request.body or b"").decode())
    assert token_request.url == f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"
    assert form["grant_type"] == ["client_credentials"]
    assert form["client_id"] == ["app-client-id"] and form["client_secret"] == ["app-secret"]
    assert "https://graph.microsoft.com/.default" in form["scope"][0].split()


def test_more_than_20_hosts_and_more_than_61_days_are_split_into_calls_graph_accepts() -> None:
    hosts = [f"host{i}@harbour.example" for i in range(25)]
    empty = {"request": {"method": "POST", "url": "https://graph.microsoft.com/v1.0/users/x/calendar/getSchedule"},
             "response": {"status": 200, "body": None}}

    def answer_for(first: str, ids: list[str]) -> dict[str, Any]:
        exchange = json.loads(json.dumps(empty))
        exchange["request"]["url"] = f"https://graph.microsoft.com/v1.0/users/{first}/calendar/getSchedule"
        exchange["response"]["body"] = {"value": [{"scheduleId": i, "scheduleItems": []} for i in ids]}
        return exchange

    window = TimeRange(utc(2026, 12, 1), utc(2027, 3, 1))  # 90 days
    replay = signed_in(answer_for(hosts[0], hosts[:20]), answer_for(hosts[0], hosts[:20]),
                       answer_for(hosts[20], hosts[20:]), answer_for(hosts[20], hosts[20:]))
    assert graph_over(replay).busy(hosts, window) == {h: [] for h in hosts}

    bodies = [json.loads(r.body or b"") for r in replay.graph_requests()]
    assert [len(b["schedules"]) for b in bodies] == [20, 20, 5, 5]
    assert [(b["startTime"]["dateTime"], b["endTime"]["dateTime"]) for b in bodies[:2]] == [
        ("2026-12-01T00:00:00", "2027-01-31T00:00:00"), ("2027-01-31T00:00:00", "2027-03-01T00:00:00")]


def test_a_mailbox_graph_cannot_read_fails_closed_instead_of_reading_as_free() -> None:
    replay = signed_in("get_schedule_unknown_mailbox")
    with pytest.raises(CalendarUnavailable) as caught:
        graph_over(replay).busy([MAYA, "gone@harbour.example"], DAY)
    error = caught.value
    assert (error.code, error.status, error.retryable) == ("CALENDAR_UNAVAILABLE", 503, False)
    assert error.details["provider"] == "microsoft_graph"
    assert error.details["provider_status"] == "ErrorMailRecipientNotFound"


# ── throttling, outages, tokens ──────────────────────────────────────────────────────────────


def test_a_short_retry_after_is_waited_out_once_and_the_call_repeated() -> None:
    waits: list[float] = []
    replay = signed_in("throttled", "get_schedule")
    busy = graph_over(replay, sleep=waits.append).busy([MAYA, LEO], DAY)
    assert waits == [1.0]
    assert len(busy[MAYA]) == 3 and len(replay.graph_requests()) == 2


def test_throttling_that_persists_is_a_retryable_calendar_unavailable_with_the_wait() -> None:
    waits: list[float] = []
    replay = signed_in("throttled", "throttled")
    with pytest.raises(CalendarUnavailable) as caught:
        graph_over(replay, sleep=waits.append).busy([MAYA, LEO], DAY)
    assert waits == [1.0]
    assert (caught.value.retryable, caught.value.provider_status) == (True, 429)
    assert caught.value.details["retry_after_seconds"] == 1.0


def test_a_long_retry_after_is_not_slept_through_in_the_request() -> None:
    waits: list[float] = []
    replay = signed_in(recorded("throttled", headers={"retry-after": "30"}))
    with pytest.raises(CalendarUnavailable) as caught:
        graph_over(replay, sleep=waits.append).busy([MAYA], DAY)
    assert waits == [] and caught.value.retryable and caught.value.details["retry_after_seconds"] == 30.0


@pytest.mark.parametrize("status", [500, 503, 504])
def test_graph_outages_are_retryable(status: int) -> None:
    replay = signed_in(recorded("throttled", status=status, headers={}))
    with pytest.raises(CalendarUnavailable) as caught:
        graph_over(replay).busy([MAYA], DAY)
    assert (caught.value.retryable, caught.value.provider_status) == (True, status)


def test_an_unreachable_graph_is_a_retryable_calendar_unavailable() -> None:
    replay = signed_in()

    def down(request: HttpRequest, timeout: float) -> HttpResponse:
        if request.url.startswith("https://graph.microsoft.com/"):
            raise TimeoutError("timed out")
        return replay(request, timeout)

    calendar = GraphCalendar(TENANT, "app-client-id", "app-secret", transport=down)
    with pytest.raises(CalendarUnavailable) as caught:
        calendar.busy([MAYA], DAY)
    assert (caught.value.retryable, caught.value.provider_status) == (True, "TimeoutError")


def test_one_application_caches_its_token_across_calls() -> None:
    replay = signed_in("get_schedule", "get_schedule")
    calendar = graph_over(replay)
    calendar.busy([MAYA, LEO], DAY)
    calendar.busy([MAYA, LEO], DAY)
    assert [r.url.rsplit("/", 1)[-1] for r in replay.sent] == [
        "openid-configuration", "token", "getSchedule", "getSchedule"]


def test_a_token_about_to_expire_is_refreshed_before_the_next_call() -> None:
    replay = Replay("openid_configuration", token_answer("short-lived", expires_in=60), "get_schedule",
                    token_answer("renewed"), "get_schedule")
    calendar = graph_over(replay)
    calendar.busy([MAYA, LEO], DAY)
    calendar.busy([MAYA, LEO], DAY)
    assert [r.headers["Authorization"] for r in replay.graph_requests()] == ["Bearer short-lived", "Bearer renewed"]


def test_a_token_graph_rejects_is_replaced_and_the_call_repeated_once() -> None:
    replay = signed_in("expired_token", token_answer("renewed"), "get_schedule")
    busy = graph_over(replay).busy([MAYA, LEO], DAY)
    assert len(busy[MAYA]) == 3
    assert [r.headers["Authorization"].split()[-1] for r in replay.graph_requests()] == [
        "eyJ0eXAiOiJKV1QiLCJub25jZSI6ImZpcnN0In0.first", "renewed"]


def test_wrong_app_credentials_are_not_retried() -> None:
    refused = recorded("token", status=401, body={
        "error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided.",
        "error_codes": [7000215]})
    replay = Replay("openid_configuration", refused)
    with pytest.raises(CalendarUnavailable) as caught:
        graph_over(replay).busy([MAYA], DAY)
    assert (caught.value.retryable, caught.value.provider_status) == (False, "auth")
    assert "app-secret" not in caught.value.message


# ── events ─────────────────────────────────────────────────────────────────────────────────


def test_insert_creates_the_event_with_a_teams_meeting_and_returns_its_join_url() -> None:
    replay = signed_in("create_event_teams")
    created = graph_over(replay).insert_event(booking_event())

    assert (created.event_id, created.meet_link, created.meeting_provider) == ("AAMkAGI2THk0AAA=", TEAMS_URL, "teams")
    body = replay.json_body(2)
    assert body == {
        "subject": "Initial Assessment: Sarah Jones",
        "body": {"contentType": "text", "content": "Manage this booking: https://app.example/book/harbour/manage/tok123"},
        "start": {"dateTime": "2026-12-01T22:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2026-12-01T22:45:00", "timeZone": "UTC"},
        "attendees": [{"emailAddress": {"address": "sarah@example.com"}, "type": "required"},
                      {"emailAddress": {"address": "leo@harbour.example"}, "type": "required"}],
        "transactionId": BOOKING_ID, "allowNewTimeProposals": False,
        "isOnlineMeeting": True, "onlineMeetingProvider": "teamsForBusiness",
    }


def test_a_mailbox_that_cannot_make_teams_meetings_still_gets_the_event_without_a_link() -> None:
    replay = signed_in("create_event_no_teams", "create_event_plain")
    created = graph_over(replay).insert_event(booking_event())
    assert (created.event_id, created.meet_link, created.meeting_provider) == ("AAMkAGI2THk1AAA=", None, None)
    retried = replay.json_body(3)
    assert "isOnlineMeeting" not in retried and "onlineMeetingProvider" not in retried
    assert retried["transactionId"] == BOOKING_ID


def test_insert_without_a_meeting_asks_for_none() -> None:
    replay = signed_in("create_event_plain")
    created = graph_over(replay).insert_event(booking_event(with_meet=False))
    assert created.meet_link is None and "isOnlineMeeting" not in replay.json_body(2)


def test_delete_cancels_the_event_so_graph_notifies_the_attendees() -> None:
    replay = signed_in("cancel_event")
    graph_over(replay).delete_event(MAYA, "AAMkAGI2THk0AAA=", BOOKING_ID)
    [request] = replay.graph_requests()
    assert (request.method, request.url) == (
        "POST", "https://graph.microsoft.com/v1.0/users/maya@harbour.example/events/AAMkAGI2THk0AAA%3D/cancel")
    assert json.loads(request.body or b"") == {"comment": "This booking has been cancelled."}


def test_cancelling_an_event_already_gone_is_done() -> None:
    graph_over(signed_in("cancel_event_gone")).delete_event(MAYA, "AAMkAGI2THk0AAA=", BOOKING_ID)


def test_a_throttled_cancel_is_left_to_the_retry_job() -> None:
    throttled = recorded("throttled", headers={"retry-after": "120"})
    throttled["request"]["url"] = recorded("cancel_event")["request"]["url"]
    with pytest.raises(CalendarUnavailable) as caught:
        graph_over(signed_in(throttled)).delete_event(MAYA, "AAMkAGI2THk0AAA=", BOOKING_ID)
    assert caught.value.retryable


# ── the secret ─────────────────────────────────────────────────────────────────────────────


def test_the_secret_names_the_tenant_and_the_app() -> None:
    replay = signed_in("get_schedule")
    secret = json.dumps({"tenant_id": TENANT, "client_id": "app-client-id", "client_secret": "app-secret"})
    graph_calendar_from_secret(secret, transport=replay).busy([MAYA, LEO], DAY)
    assert replay.sent[0].url.startswith(f"https://login.microsoftonline.com/{TENANT}/")


@pytest.mark.parametrize("secret", ["not json", "[]", json.dumps({"tenant_id": TENANT, "client_id": "x"})])
def test_a_malformed_secret_is_refused_without_quoting_it(secret: str) -> None:
    with pytest.raises(ValueError) as caught:
        graph_calendar_from_secret(secret)
    assert "app-secret" not in str(caught.value) and TENANT not in str(caught.value)
