from __future__ import annotations

import re
from dataclasses import replace

import pytest
from adapter_helpers import utc

from scheduling.adapters.calendar import (
    CalendarEventRequest,
    CalendarRef,
    CalendarUnavailable,
    CreatedCalendarEvent,
    HostCalendars,
    LocalCalendar,
    event_id_for_booking,
    fake_meet_link,
    fake_teams_link,
)
from scheduling.adapters.outbox import LocalOutbox
from scheduling.slots.ranges import TimeRange

HOST = "jane@clinic.example"
BOOKING_ID = "3f2b8c1e-9d4a-4e7b-8a6c-1b2d3e4f5a6b"


def booking_event(*, booking_id: str = BOOKING_ID, with_meet: bool = True) -> CalendarEventRequest:
    return CalendarEventRequest(
        calendar_id=HOST, booking_id=booking_id, summary="Free Consultation", description="Manage: https://x/m/t",
        start=utc(2026, 12, 1, 9), end=utc(2026, 12, 1, 9, 30),
        attendees=["sarah@example.com", "SARAH@example.com", "tom@example.com"], with_meet=with_meet,
        timezone="Australia/Sydney")


def test_busy_returns_seeded_ranges_clipped_to_the_window_and_sorted(outbox: LocalOutbox) -> None:
    calendar = LocalCalendar(outbox)
    calendar.add_busy("Jane@Clinic.example", [TimeRange(utc(2026, 12, 1, 20), utc(2026, 12, 2, 2)),
                                              TimeRange(utc(2026, 12, 1, 3), utc(2026, 12, 1, 4)),
                                              TimeRange(utc(2026, 12, 3), utc(2026, 12, 3, 1))])

    busy = calendar.busy([HOST, "omar@clinic.example"], TimeRange(utc(2026, 12, 1), utc(2026, 12, 2)))

    assert busy == {HOST: [TimeRange(utc(2026, 12, 1, 3), utc(2026, 12, 1, 4)),
                           TimeRange(utc(2026, 12, 1, 20), utc(2026, 12, 2))],
                    "omar@clinic.example": []}


def test_insert_records_the_event_in_the_outbox_with_a_realistic_meet_link(outbox: LocalOutbox) -> None:
    created = LocalCalendar(outbox).insert_event(booking_event())

    assert created == CreatedCalendarEvent(event_id_for_booking(BOOKING_ID), fake_meet_link(BOOKING_ID), "google_meet")
    assert re.fullmatch(r"https://meet\.google\.com/[a-z]{3}-[a-z]{4}-[a-z]{3}", created.meet_link or "")
    assert outbox.snapshot()["calendar"] == [{
        "action": "insert", "calendar": HOST, "event_id": created.event_id, "booking_id": BOOKING_ID,
        "summary": "Free Consultation", "description": "Manage: https://x/m/t",
        "start": "2026-12-01T09:00:00+00:00", "end": "2026-12-01T09:30:00+00:00",
        "attendees": ["sarah@example.com", "tom@example.com"], "meet_link": created.meet_link,
        "provider": "google", "meeting_link": created.meet_link,
    }]


def test_the_local_calendar_answers_for_microsoft_hosts_with_teams_links_and_the_same_busy_time(
        outbox: LocalOutbox) -> None:
    calendars = HostCalendars.local(outbox)
    calendars.add_busy(HOST, [TimeRange(utc(2026, 12, 1, 3), utc(2026, 12, 1, 4))])
    window = TimeRange(utc(2026, 12, 1), utc(2026, 12, 2))

    busy = calendars.busy([CalendarRef("microsoft", HOST), CalendarRef("google", "omar@clinic.example"),
                           CalendarRef("none", "nobody@clinic.example")], window)
    assert busy == {CalendarRef("microsoft", HOST): [TimeRange(utc(2026, 12, 1, 3), utc(2026, 12, 1, 4))],
                    CalendarRef("google", "omar@clinic.example"): [],
                    CalendarRef("none", "nobody@clinic.example"): []}

    created = calendars.insert_event(replace(booking_event(), provider="microsoft"))
    assert created.meeting_provider == "teams"
    assert created.meet_link == fake_teams_link(BOOKING_ID)
    assert created.meet_link.startswith("https://teams.microsoft.com/l/meetup-join/")
    calendars.delete_event(HOST, created.event_id, BOOKING_ID, "microsoft")
    assert [(e["action"], e["provider"], e["meeting_link"]) for e in outbox.snapshot()["calendar"]] == [
        ("insert", "microsoft", created.meet_link), ("delete", "microsoft", None)]


def test_a_provider_without_credentials_fails_closed_instead_of_reading_as_free() -> None:
    calendars = HostCalendars({})
    with pytest.raises(CalendarUnavailable) as caught:
        calendars.busy([CalendarRef("microsoft", HOST)], TimeRange(utc(2026, 12, 1), utc(2026, 12, 2)))
    assert (caught.value.retryable, caught.value.provider_status) == (False, "not_configured")


def test_the_fake_meet_link_is_the_same_for_a_booking_and_differs_between_bookings() -> None:
    assert fake_meet_link("b1") == fake_meet_link("b1") != fake_meet_link("b2")


def test_insert_without_meet_has_no_link(outbox: LocalOutbox) -> None:
    assert LocalCalendar(outbox).insert_event(booking_event(with_meet=False)).meet_link is None
    assert outbox.snapshot()["calendar"][0]["meet_link"] is None


def test_inserting_the_same_booking_twice_records_one_event_like_google(outbox: LocalOutbox) -> None:
    calendar = LocalCalendar(outbox)
    assert calendar.insert_event(booking_event()) == calendar.insert_event(booking_event())
    assert len(outbox.snapshot()["calendar"]) == 1


def test_delete_is_recorded_once(outbox: LocalOutbox) -> None:
    calendar = LocalCalendar(outbox)
    created = calendar.insert_event(booking_event())
    calendar.delete_event(HOST, created.event_id, BOOKING_ID)
    calendar.delete_event(HOST, created.event_id, BOOKING_ID)
    assert [(e["action"], e["event_id"], e["booking_id"]) for e in outbox.snapshot()["calendar"]] == [
        ("insert", created.event_id, BOOKING_ID), ("delete", created.event_id, BOOKING_ID)]


def test_a_deleted_bookings_event_cannot_be_inserted_again_like_google(outbox: LocalOutbox) -> None:
    calendar = LocalCalendar(outbox)
    created = calendar.insert_event(booking_event())
    calendar.delete_event(HOST, created.event_id, BOOKING_ID)
    with pytest.raises(CalendarUnavailable) as caught:
        calendar.insert_event(booking_event())
    assert caught.value.provider_status == "event_deleted"


def test_deleting_an_event_that_was_never_made_records_nothing_like_googles_404(outbox: LocalOutbox) -> None:
    # A cancel deletes the booking's own event id when an insert may have happened unrecorded.
    LocalCalendar(outbox).delete_event(HOST, "never-made", "some-booking")
    assert outbox.snapshot()["calendar"] == []


def test_an_armed_insert_failure_raises_records_nothing_and_the_retry_succeeds(outbox: LocalOutbox) -> None:
    calendar = LocalCalendar(outbox)
    outbox.fail_next("calendar.insert")

    with pytest.raises(CalendarUnavailable) as caught:
        calendar.insert_event(booking_event())
    assert caught.value.retryable is True
    assert outbox.snapshot()["calendar"] == []

    calendar.insert_event(booking_event())
    assert len(outbox.snapshot()["calendar"]) == 1


def test_an_armed_insert_failure_leaves_busy_lookups_working(outbox: LocalOutbox) -> None:
    calendar = LocalCalendar(outbox)
    outbox.fail_next("calendar.insert")
    assert calendar.busy([HOST], TimeRange(utc(2026, 12, 1), utc(2026, 12, 2))) == {HOST: []}


@pytest.mark.parametrize("operation", ["busy", "delete"])
def test_a_channel_wide_failure_hits_every_calendar_operation(outbox: LocalOutbox, operation: str) -> None:
    calendar = LocalCalendar(outbox)
    outbox.fail_next("calendar")
    with pytest.raises(CalendarUnavailable):
        if operation == "busy":
            calendar.busy([HOST], TimeRange(utc(2026, 12, 1), utc(2026, 12, 2)))
        else:
            calendar.delete_event(HOST, "e", BOOKING_ID)


def test_reset_forgets_busy_time_and_events(outbox: LocalOutbox) -> None:
    calendar = LocalCalendar(outbox)
    calendar.add_busy(HOST, [TimeRange(utc(2026, 12, 1, 1), utc(2026, 12, 1, 2))])
    calendar.insert_event(booking_event())
    calendar.reset()
    assert calendar.busy([HOST], TimeRange(utc(2026, 12, 1), utc(2026, 12, 2))) == {HOST: []}
    calendar.insert_event(booking_event())
    assert len(outbox.snapshot()["calendar"]) == 2


def test_event_ids_are_valid_google_ids_for_uuid_and_other_booking_ids() -> None:
    for booking_id in (BOOKING_ID, "seed-booking-1", "x"):
        assert re.fullmatch(r"[0-9a-v]{5,1024}", event_id_for_booking(booking_id))
