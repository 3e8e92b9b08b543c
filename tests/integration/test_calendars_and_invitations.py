"""Contract §11 end to end on the local calendars: hosts on Google, Microsoft or no calendar in one
workspace, a collective booking across providers, round robin by each host's own calendar, and
the invite.ics every booking email carries (parsed back with icalendar)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.errors import DomainError
from scheduling.seed import apply_seed, plan_seed
from scheduling.services.booking_cancel import cancel_booking
from scheduling.services.booking_create import CreateBookingInput, create_booking
from scheduling.services.booking_reschedule import reschedule_booking
from scheduling.services.notetaker import schedule_notetaker
from tests.support.seeds import SYDNEY, WEEKDAYS_9_TO_5, next_weekday

COMPANY = "6a0c1e2d-0000-4000-8000-00000000c011"
MAYA, JANE, NED = ("6a0c1e2d-0000-4000-8000-0000000000a1", "6a0c1e2d-0000-4000-8000-0000000000a2",
                   "6a0c1e2d-0000-4000-8000-0000000000a3")
PANEL, INTAKE, CHAT = ("6a0c1e2d-0000-4000-8000-0000000000e1", "6a0c1e2d-0000-4000-8000-0000000000e2",
                       "6a0c1e2d-0000-4000-8000-0000000000e3")
WEDNESDAY = next_weekday(2)


def at(hour: int, minute: int = 0, day: Any = None) -> datetime:
    return datetime.combine(day or WEDNESDAY, datetime.min.time()).replace(hour=hour, minute=minute, tzinfo=SYDNEY)


@pytest.fixture
def mixed(aws) -> None:
    seed = {"companies": [{
        "id": COMPANY, "slug": "harbour-mixed", "name": "Harbour Mixed", "timezone": "Australia/Sydney",
        "settings": {"notetaker_enabled": True}, "credits": 50000, "api_keys": [],
        "availability": {"timezone": "Australia/Sydney", "weekly_hours": WEEKDAYS_9_TO_5, "date_overrides": []},
        "users": [
            {"id": MAYA, "name": "Maya Chen", "email": "maya@harbour.example", "calendar": {"provider": "microsoft"},
             "calendar_busy": [{"start": at(10).isoformat(), "end": at(10, 30).isoformat()}]},
            {"id": JANE, "name": "Jane Smith", "email": "jane@harbour.example",
             "calendar": {"provider": "google", "id": "jane.smith@gmail.example"},
             "calendar_busy": [{"start": at(14).isoformat(), "end": at(14, 30).isoformat()}]},
            {"id": NED, "name": "Ned Park", "email": "ned@harbour.example", "calendar": {"provider": "none"}},
        ],
        "event_types": [
            {"id": PANEL, "slug": "panel", "name": "Panel Review", "default_duration_minutes": 30,
             "scheduling_type": "collective", "location": "online", "booking_assigned_user_ids": [MAYA, JANE]},
            {"id": INTAKE, "slug": "intake", "name": "Intake", "default_duration_minutes": 30,
             "location": "online", "booking_assigned_user_ids": [MAYA, JANE]},
            {"id": CHAT, "slug": "chat", "name": "Chat", "default_duration_minutes": 30,
             "location": "online", "booking_assigned_user_ids": [NED]},
        ],
    }]}
    plan = plan_seed(seed, datetime.now(UTC))
    apply_seed(plan, wiring.companies(), wiring.bookings())
    for calendar_id, ranges in plan.calendar_busy.items():
        wiring.calendar().add_busy(calendar_id, ranges)


def book(event_type_id: str, hour: int, minute: int = 0, **extra: Any):
    request = CreateBookingInput(date=WEDNESDAY.isoformat(), time=f"{hour:02d}:{minute:02d}", full_name="Sarah Jones",
                                 email="sarah@example.com", event_type_id=event_type_id, timezone="Australia/Sydney",
                                 **extra)
    return create_booking(COMPANY, request, datetime.now(UTC)).booking


def invites(booking_id: str) -> list[Any]:
    """Each email's invite.ics, parsed, in sending order (with the MIME part's content type)."""
    parsed = []
    for email in OUTBOX.for_booking(booking_id)["emails"]:
        [attachment] = email["attachments"]
        assert attachment["filename"] == "invite.ics"
        calendar = Calendar.from_ical(attachment["content"])
        parsed.append((attachment["content_type"], calendar, calendar.walk("VEVENT")[0]))
    return parsed


# ── providers ──────────────────────────────────────────────────────────────────────────────


def test_a_collective_booking_across_providers_respects_each_calendar_and_puts_a_teams_event_on_the_first_host(
        mixed) -> None:
    # Maya's Outlook busy time and Jane's Google busy time both block the collective slot
    for hour in (10, 14):
        with pytest.raises(DomainError) as refused:
            book(PANEL, hour)
        assert refused.value.details["reason"] == "busy"

    booking = book(PANEL, 11)

    assert booking.host_user_ids == [MAYA, JANE]
    assert booking.meeting_provider == "teams" and booking.meeting_link.startswith("https://teams.microsoft.com/")
    assert booking.google_meet_link is None
    [event] = OUTBOX.for_booking(booking.id)["calendar"]
    assert (event["provider"], event["calendar"], event["meeting_link"]) == (
        "microsoft", "maya@harbour.example", booking.meeting_link)
    assert event["attendees"] == ["sarah@example.com", "jane@harbour.example"]  # the Google host is invited
    stored = wiring.bookings().get(COMPANY, booking.id)
    assert (stored.meeting_link, stored.meeting_provider) == (booking.meeting_link, "teams")


def test_round_robin_asks_each_hosts_own_calendar_and_the_online_location_follows_the_chosen_host(mixed) -> None:
    at_ten = book(INTAKE, 10)  # Maya (Outlook) is busy: Jane (Google) takes it, with a Meet
    assert at_ten.host_user_ids == [JANE]
    assert at_ten.meeting_provider == "google_meet" and at_ten.google_meet_link == at_ten.meeting_link
    [event] = OUTBOX.for_booking(at_ten.id)["calendar"]
    assert (event["provider"], event["calendar"]) == ("google", "jane.smith@gmail.example")

    at_two = book(INTAKE, 14)  # Jane is busy at 14:00 on Google: Maya takes it, with Teams
    assert at_two.host_user_ids == [MAYA] and at_two.meeting_provider == "teams"


def test_a_host_without_a_calendar_is_never_busy_gets_no_event_but_the_booker_still_gets_an_invitation(mixed) -> None:
    booking = book(CHAT, 10)
    assert OUTBOX.for_booking(booking.id)["calendar"] == []
    assert booking.meeting_link is None and booking.meeting_provider is None
    [(_, calendar, event)] = invites(booking.id)
    assert calendar["METHOD"] == "REQUEST" and str(event["ORGANIZER"]) == "mailto:ned@harbour.example"


def test_cancelling_a_microsoft_hosts_booking_cancels_the_event_on_microsoft(mixed) -> None:
    booking = book(PANEL, 11)
    cancel_booking(COMPANY, booking.id, "Sick", datetime.now(UTC))
    assert [(e["action"], e["provider"]) for e in OUTBOX.for_booking(booking.id)["calendar"]] == [
        ("insert", "microsoft"), ("delete", "microsoft")]


def test_the_notetaker_joins_a_teams_meeting(mixed) -> None:
    booking = book(PANEL, 11)
    scheduled = schedule_notetaker(COMPANY, booking.id, datetime.now(UTC))
    [bot] = OUTBOX.for_booking(booking.id)["notetaker"]
    assert scheduled.bot_id == bot["bot_id"] and bot["meeting_url"] == booking.meeting_link


# ── invitations ────────────────────────────────────────────────────────────────────────────


def test_the_confirmation_carries_a_request_and_the_cancellation_a_cancel_of_the_same_uid(mixed) -> None:
    booking = book(PANEL, 11)
    cancel_booking(COMPANY, booking.id, "Sick", datetime.now(UTC))

    [(request_type, request_cal, request), (cancel_type, cancel_cal, cancel)] = invites(booking.id)
    assert (request_type, cancel_type) == ("text/calendar; method=REQUEST", "text/calendar; method=CANCEL")
    assert (request_cal["METHOD"], cancel_cal["METHOD"]) == ("REQUEST", "CANCEL")
    assert request["UID"] == cancel["UID"]
    assert cancel["SEQUENCE"] > request["SEQUENCE"]
    assert (request["STATUS"], cancel["STATUS"]) == ("CONFIRMED", "CANCELLED")
    starts = request.decoded("DTSTART")
    assert starts == at(11).astimezone(UTC) and starts.utcoffset() == timedelta(0)
    assert request.decoded("DTEND") == at(11, 30).astimezone(UTC)
    assert str(request["ORGANIZER"]) == "mailto:maya@harbour.example"
    attendees = request.get("ATTENDEE")
    assert [str(a) for a in (attendees if isinstance(attendees, list) else [attendees])] == ["mailto:sarah@example.com"]
    assert str(request["LOCATION"]) == booking.meeting_link
    assert "/book/harbour-mixed/manage/" in str(request["URL"])
    assert booking.meeting_link in str(request["DESCRIPTION"])


def test_a_reschedule_keeps_the_uid_with_a_higher_sequence_so_calendars_move_the_event(mixed) -> None:
    original = book(PANEL, 11)
    moved = reschedule_booking(COMPANY, original.id, WEDNESDAY.isoformat(), "15:00", None, datetime.now(UTC))

    [(_, _, first)] = invites(original.id)  # the old booking's confirmation, and no CANCEL of the UID after it
    [(_, new_cal, new)] = invites(moved.booking.id)
    assert new_cal["METHOD"] == "REQUEST"
    assert new["UID"] == first["UID"] and new["SEQUENCE"] > first["SEQUENCE"]
    assert new.decoded("DTSTART") == at(15).astimezone(UTC)
    # One email for the move: the new booking's, saying "Rescheduled" and carrying the moved invitation
    [email] = OUTBOX.for_booking(moved.booking.id)["emails"]
    assert email["kind"] == "rescheduled" and email["subject"].startswith("Rescheduled:")
    assert [e["kind"] for e in OUTBOX.for_booking(original.id)["emails"]] == ["confirmation"]

    # Cancelling the moved booking then cancels that same event
    cancel_booking(COMPANY, moved.booking.id, None, datetime.now(UTC))
    [(_, _, _), (_, cancel_cal, cancelled)] = invites(moved.booking.id)
    assert cancel_cal["METHOD"] == "CANCEL"
    assert cancelled["UID"] == first["UID"] and cancelled["SEQUENCE"] > new["SEQUENCE"]
