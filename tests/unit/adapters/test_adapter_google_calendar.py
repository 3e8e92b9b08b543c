"""GoogleCalendar against the Google client's own HTTP mock: the exact requests, and error mapping."""

from __future__ import annotations

import pytest
from adapter_helpers import utc
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from google_http import RecordingHttp

from scheduling.adapters.calendar import CalendarEventRequest, CalendarUnavailable, event_id_for_booking
from scheduling.adapters.calendar.google import GoogleCalendar
from scheduling.errors import ServiceUnavailable
from scheduling.slots.ranges import TimeRange

BOOKING_ID = "3f2b8c1e-9d4a-4e7b-8a6c-1b2d3e4f5a6b"
HOST = "jane@clinic.example"
WINDOW = TimeRange(utc(2026, 12, 1), utc(2026, 12, 2))
EVENTS_PATH = "/calendar/v3/calendars/jane%40clinic.example/events"


def calendar_over(http: RecordingHttp) -> GoogleCalendar:
    """Each host gets its own bearer token, so tests can see whom a request acted as."""
    return GoogleCalendar(lambda calendar_id: Credentials(token=f"token-for-{calendar_id}"),
                          transport_factory=lambda: http)


def freebusy_answer(busy_by_calendar: dict[str, list[tuple[str, str]]]) -> tuple[int, dict]:
    return 200, {"kind": "calendar#freeBusy", "calendars": {
        calendar_id: {"busy": [{"start": start, "end": end} for start, end in spans]}
        for calendar_id, spans in busy_by_calendar.items()}}


def booking_event(*, with_meet: bool = True, attendees: list[str] | None = None) -> CalendarEventRequest:
    return CalendarEventRequest(
        calendar_id=HOST, booking_id=BOOKING_ID, summary="Free Consultation with Sarah Jones",
        description="Manage your booking: https://app.example/book/clinic/manage/tok123",
        start=utc(2026, 11, 30, 22), end=utc(2026, 11, 30, 22, 30),
        attendees=attendees if attendees is not None else ["sarah@example.com", "tom@example.com"],
        with_meet=with_meet, timezone="Australia/Sydney")


# -- busy -------------------------------------------------------------------------------------

def test_busy_asks_for_every_calendar_in_one_freebusy_request_and_returns_utc_ranges() -> None:
    http = RecordingHttp(freebusy_answer({
        HOST: [("2026-12-01T03:00:00Z", "2026-12-01T04:00:00Z"),
               ("2026-12-01T01:00:00Z", "2026-12-01T01:30:00Z")],
        "omar@clinic.example": []}))

    busy = calendar_over(http).busy([HOST, "omar@clinic.example"], WINDOW)

    assert busy == {
        HOST: [TimeRange(utc(2026, 12, 1, 1), utc(2026, 12, 1, 1, 30)),
               TimeRange(utc(2026, 12, 1, 3), utc(2026, 12, 1, 4))],
        "omar@clinic.example": [],
    }
    [sent] = http.sent
    assert (sent.method, sent.path) == ("POST", "/calendar/v3/freeBusy")
    assert sent.body == {"timeMin": "2026-12-01T00:00:00Z", "timeMax": "2026-12-02T00:00:00Z",
                         "timeZone": "UTC", "items": [{"id": HOST}, {"id": "omar@clinic.example"}]}
    assert sent.headers["authorization"] == f"Bearer token-for-{HOST}"


def test_busy_converts_offset_instants_to_utc() -> None:
    http = RecordingHttp(freebusy_answer({HOST: [
        ("2026-12-01T09:00:00+11:00", "2026-12-01T10:00:00+11:00")]}))
    [busy] = calendar_over(http).busy([HOST], WINDOW)[HOST]
    assert (busy.start.isoformat(), busy.end.isoformat()) == ("2026-11-30T22:00:00+00:00", "2026-11-30T23:00:00+00:00")


def test_busy_splits_more_than_fifty_calendars_into_requests_of_fifty() -> None:
    hosts = [f"host{n}@clinic.example" for n in range(60)]
    http = RecordingHttp((200, {"calendars": {h: {"busy": []} for h in hosts[:50]}}),
                         (200, {"calendars": {h: {"busy": []} for h in hosts[50:]}}))

    busy = calendar_over(http).busy(hosts, WINDOW)

    assert list(busy) == hosts
    assert [len(sent.body["items"]) for sent in http.sent] == [50, 10]


def test_busy_asks_the_same_calendar_once_even_when_listed_twice() -> None:
    http = RecordingHttp(freebusy_answer({HOST: []}))
    assert calendar_over(http).busy([HOST, HOST], WINDOW) == {HOST: []}
    assert http.sent[0].body["items"] == [{"id": HOST}]


def test_busy_sends_nothing_for_no_calendars_or_an_empty_window() -> None:
    http = RecordingHttp()
    assert calendar_over(http).busy([], WINDOW) == {}
    assert calendar_over(http).busy([HOST], TimeRange(utc(2026, 12, 1), utc(2026, 12, 1))) == {HOST: []}
    assert http.sent == []


def test_busy_asks_again_as_the_host_whose_calendar_the_first_host_cannot_see() -> None:
    # Given per-host OAuth tokens, Jane's token cannot read Omar's calendar
    http = RecordingHttp(
        (200, {"calendars": {HOST: {"busy": []},
                             "omar@clinic.example": {"errors": [{"domain": "global", "reason": "notFound"}]}}}),
        freebusy_answer({"omar@clinic.example": [("2026-12-01T05:00:00Z", "2026-12-01T06:00:00Z")]}))

    busy = calendar_over(http).busy([HOST, "omar@clinic.example"], WINDOW)

    assert busy["omar@clinic.example"] == [TimeRange(utc(2026, 12, 1, 5), utc(2026, 12, 1, 6))]
    assert http.sent[1].body["items"] == [{"id": "omar@clinic.example"}]
    assert http.sent[1].headers["authorization"] == "Bearer token-for-omar@clinic.example"


def test_busy_refuses_to_guess_when_a_calendar_stays_unreadable() -> None:
    refused = (200, {"calendars": {HOST: {"errors": [{"domain": "global", "reason": "notFound"}]}}})
    with pytest.raises(CalendarUnavailable) as caught:
        calendar_over(RecordingHttp(refused)).busy([HOST], WINDOW)
    assert caught.value.details["calendar_id"] == HOST
    assert caught.value.retryable is False


def test_busy_maps_a_google_500_to_a_retryable_calendar_unavailable() -> None:
    http = RecordingHttp((500, {"error": {"code": 500, "message": "Backend Error"}}))
    with pytest.raises(CalendarUnavailable) as caught:
        calendar_over(http).busy([HOST], WINDOW)
    error = caught.value
    assert isinstance(error, ServiceUnavailable)
    assert (error.code, error.status) == ("CALENDAR_UNAVAILABLE", 503)
    assert (error.retryable, error.provider_status) == (True, 500)
    assert "Backend Error" not in error.message  # Google's text stays out of our responses


def test_busy_maps_a_socket_timeout_to_calendar_unavailable() -> None:
    with pytest.raises(CalendarUnavailable) as caught:
        calendar_over(RecordingHttp(TimeoutError("timed out"))).busy([HOST], WINDOW)
    assert caught.value.retryable is True
    assert caught.value.provider_status == "TimeoutError"


def test_a_refused_token_refresh_becomes_a_non_retryable_calendar_unavailable() -> None:
    def revoked(calendar_id: str) -> Credentials:
        raise RefreshError("invalid_grant: Token has been expired or revoked.")

    calendar = GoogleCalendar(revoked, transport_factory=RecordingHttp)
    with pytest.raises(CalendarUnavailable) as caught:
        calendar.busy([HOST], WINDOW)
    assert caught.value.retryable is False
    assert "invalid_grant" not in caught.value.message


# -- insert -----------------------------------------------------------------------------------

def test_insert_invites_attendees_asks_for_meet_and_notifies_everyone() -> None:
    http = RecordingHttp((200, {"id": event_id_for_booking(BOOKING_ID),
                                "hangoutLink": "https://meet.google.com/abc-defg-hij"}))

    created = calendar_over(http).insert_event(booking_event())

    assert (created.event_id, created.meet_link) == ("3f2b8c1e9d4a4e7b8a6c1b2d3e4f5a6b", "https://meet.google.com/abc-defg-hij")
    [sent] = http.sent
    assert (sent.method, sent.path) == ("POST", EVENTS_PATH)
    assert sent.query == {"conferenceDataVersion": "1", "sendUpdates": "all", "alt": "json"}
    assert sent.headers["authorization"] == f"Bearer token-for-{HOST}"
    assert sent.body == {
        "id": "3f2b8c1e9d4a4e7b8a6c1b2d3e4f5a6b",
        "summary": "Free Consultation with Sarah Jones",
        "description": "Manage your booking: https://app.example/book/clinic/manage/tok123",
        "start": {"dateTime": "2026-11-30T22:00:00Z", "timeZone": "Australia/Sydney"},
        "end": {"dateTime": "2026-11-30T22:30:00Z", "timeZone": "Australia/Sydney"},
        "attendees": [{"email": "sarah@example.com"}, {"email": "tom@example.com"}],
        "extendedProperties": {"private": {"booking_id": BOOKING_ID}},
        "conferenceData": {"createRequest": {"requestId": BOOKING_ID,
                                             "conferenceSolutionKey": {"type": "hangoutsMeet"}}},
    }


def test_insert_invites_each_address_once_whatever_its_case() -> None:
    http = RecordingHttp((200, {"id": "x"}))
    attendees = ["Sarah@Example.com", "sarah@example.com", " tom@example.com"]
    calendar_over(http).insert_event(booking_event(attendees=attendees))
    assert http.sent[0].body["attendees"] == [{"email": "Sarah@Example.com"}, {"email": "tom@example.com"}]


def test_insert_takes_the_meet_link_from_the_video_entry_point_when_there_is_no_hangout_link() -> None:
    http = RecordingHttp((200, {"id": "x", "conferenceData": {"entryPoints": [
        {"entryPointType": "phone", "uri": "tel:+61-2-1234-5678"},
        {"entryPointType": "video", "uri": "https://meet.google.com/xyz-abcd-efg"}]}}))
    assert calendar_over(http).insert_event(booking_event()).meet_link == "https://meet.google.com/xyz-abcd-efg"


def test_insert_without_meet_asks_for_no_conference_and_returns_no_link() -> None:
    http = RecordingHttp((200, {"id": "x"}))
    created = calendar_over(http).insert_event(booking_event(with_meet=False))
    assert created.meet_link is None
    assert "conferenceData" not in http.sent[0].body


def test_insert_while_google_is_still_creating_the_meet_returns_no_link_yet() -> None:
    http = RecordingHttp((200, {"id": "x", "conferenceData": {"createRequest": {"status": {"statusCode": "pending"}}}}))
    assert calendar_over(http).insert_event(booking_event()).meet_link is None


def test_inserting_a_booking_whose_event_already_exists_reads_it_back_instead_of_inviting_twice() -> None:
    event_id = event_id_for_booking(BOOKING_ID)
    http = RecordingHttp((409, {"error": {"code": 409, "message": "The requested identifier already exists."}}),
                         (200, {"id": event_id, "hangoutLink": "https://meet.google.com/abc-defg-hij"}))

    created = calendar_over(http).insert_event(booking_event())

    assert (created.event_id, created.meet_link) == (event_id, "https://meet.google.com/abc-defg-hij")
    assert (http.sent[1].method, http.sent[1].path) == ("GET", f"{EVENTS_PATH}/{event_id}")


def test_inserting_a_booking_whose_event_was_deleted_says_so_instead_of_pretending() -> None:
    event_id = event_id_for_booking(BOOKING_ID)
    http = RecordingHttp((409, {"error": {"code": 409}}), (200, {"id": event_id, "status": "cancelled"}))
    with pytest.raises(CalendarUnavailable) as caught:
        calendar_over(http).insert_event(booking_event())
    assert (caught.value.provider_status, caught.value.retryable) == ("event_deleted", False)


@pytest.mark.parametrize(("status", "reason", "retryable"), [
    (500, "backendError", True),
    (503, "backendError", True),
    (429, "rateLimitExceeded", True),
    (403, "rateLimitExceeded", True),
    (403, "forbidden", False),
    (400, "invalid", False),
])
def test_insert_errors_become_calendar_unavailable_saying_whether_to_retry(
    status: int, reason: str, retryable: bool
) -> None:
    http = RecordingHttp((status, {"error": {"code": status, "errors": [{"reason": reason}], "message": reason}}))
    with pytest.raises(CalendarUnavailable) as caught:
        calendar_over(http).insert_event(booking_event())
    assert (caught.value.provider_status, caught.value.retryable) == (status, retryable)
    assert caught.value.details["booking_id"] == BOOKING_ID


def test_a_401_makes_the_client_refresh_and_an_unrefreshable_credential_is_not_retried() -> None:
    # google-auth answers a 401 by refreshing; a bare access token cannot be refreshed.
    http = RecordingHttp((401, {"error": {"code": 401, "message": "Invalid Credentials"}}))
    with pytest.raises(CalendarUnavailable) as caught:
        calendar_over(http).insert_event(booking_event())
    assert (caught.value.provider_status, caught.value.retryable) == ("auth", False)


def test_insert_maps_a_refused_connection_to_calendar_unavailable() -> None:
    with pytest.raises(CalendarUnavailable):
        calendar_over(RecordingHttp(ConnectionRefusedError(111, "Connection refused"))).insert_event(booking_event())


# -- delete -----------------------------------------------------------------------------------

def test_delete_removes_the_event_and_notifies_every_attendee() -> None:
    http = RecordingHttp((204, ""))
    calendar_over(http).delete_event(HOST, "evt123", BOOKING_ID)
    [sent] = http.sent
    assert (sent.method, sent.path, sent.query["sendUpdates"]) == ("DELETE", f"{EVENTS_PATH}/evt123", "all")


@pytest.mark.parametrize("status", [404, 410])
def test_deleting_an_event_that_is_already_gone_is_fine(status: int) -> None:
    calendar_over(RecordingHttp((status, {"error": {"code": status}}))).delete_event(HOST, "evt123", BOOKING_ID)


def test_delete_maps_a_google_500_to_calendar_unavailable() -> None:
    with pytest.raises(CalendarUnavailable) as caught:
        calendar_over(RecordingHttp((500, {"error": {"code": 500}}))).delete_event(HOST, "evt123", BOOKING_ID)
    assert caught.value.details == {"provider": "google_calendar", "provider_status": 500,
                                    "calendar_id": HOST, "booking_id": BOOKING_ID}


def test_the_authorised_transport_is_built_once_per_host() -> None:
    built: list[str] = []
    http = RecordingHttp((204, ""), (204, ""))

    def credentials_for(calendar_id: str) -> Credentials:
        built.append(calendar_id)
        return Credentials(token="t")

    calendar = GoogleCalendar(credentials_for, transport_factory=lambda: http)
    calendar.delete_event(HOST, "a", BOOKING_ID)
    calendar.delete_event(HOST, "b", BOOKING_ID)
    assert built == [HOST]
