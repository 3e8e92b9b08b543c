"""Creating bookings against the moto table: what a booker and the company see afterwards.

Workspace: tests/support/seeds.py (Jane: Sydney weekdays 9-17, bookings next week at 14:00;
Sam: Perth Mondays 8-16). Free Consultation = Jane, 30 min; Initial Assessment = Jane + Sam,
round robin, 60 min on a 30-minute grid, 15 min buffer after.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.domain.models import Booking
from scheduling.errors import DomainError
from scheduling.repositories.bookings import buffered_range, utc_days
from scheduling.services import availability
from scheduling.services.booking_create import AttendeeInput, CreateBookingInput, create_booking
from scheduling.timezones import local_to_instant, parse_hhmm
from tests.support.seeds import ASSESSMENT_ID, COMPANY_ID, CONSULT_ID, JANE_ID, SAM_ID, SYDNEY, next_weekday

WEDNESDAY = next_weekday(2)
MONDAY_AFTER = next_weekday(0, weeks_ahead=2)


def now() -> datetime:
    return datetime.now(UTC)


def request(**overrides: Any) -> CreateBookingInput:
    values: dict[str, Any] = {
        "date": WEDNESDAY.isoformat(), "time": "10:00", "full_name": "Sarah Jones", "email": "sarah@example.com",
        "event_type_id": CONSULT_ID, "timezone": "Australia/Sydney",
    }
    values.update(overrides)
    return CreateBookingInput(**values)


def book(**overrides: Any) -> Booking:
    return create_booking(COMPANY_ID, request(**overrides), now()).booking


def error_of(**overrides: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        book(**overrides)
    return caught.value


def confirmed_bookings_at(start: datetime) -> list[Booking]:
    page = wiring.bookings().list_page(COMPANY_ID, starts_from=start, starts_before=start + timedelta(seconds=1),
                                       status="confirmed", event_type_id=None, limit=100, cursor=None)
    return page.bookings


def commit_competing_booking(host_id: str, start: datetime, minutes: int = 30) -> None:
    """Someone else's booking for `host_id`, written through the same ledger guard."""
    moment = now()
    competitor = Booking(
        id=str(uuid.uuid4()), company_id=COMPANY_ID, event_type_id=CONSULT_ID, event_type_name="Free Consultation",
        host_user_ids=[host_id], starts_at=start, ends_at=start + timedelta(minutes=minutes), timezone="Australia/Sydney",
        booker_name="Quick Fingers", booker_email="quick@example.com", created_at=moment, updated_at=moment)
    repo = wiring.bookings()
    days = utc_days(buffered_range(competitor))
    repo.insert(competitor, list(repo.read_ledger(COMPANY_ID, host_id, days).values()))


def sydney(day: date, hhmm: str) -> datetime:
    return local_to_instant(day, parse_hhmm(hhmm), SYDNEY)


# ── the booking itself ──────────────────────────────────────────────────────────────────────


def test_a_booking_is_confirmed_on_the_asked_local_time_with_a_meet_link_and_a_token_kept_private(workspace) -> None:
    created = create_booking(COMPANY_ID, request(phone="0412 345 678", message="Sore knee"), now())

    booking = created.booking
    stored = wiring.bookings().get(COMPANY_ID, booking.id)
    assert booking.status == "confirmed" and stored.status == "confirmed"
    assert booking.starts_at == sydney(WEDNESDAY, "10:00")
    assert booking.ends_at - booking.starts_at == timedelta(minutes=30)
    assert booking.host_user_ids == [JANE_ID]
    assert booking.booker_phone == "+61412345678"
    assert stored.google_meet_link == booking.google_meet_link and booking.google_meet_link.startswith(
        "https://meet.google.com/")
    assert str(uuid.UUID(stored.management_token, version=4)) == stored.management_token
    assert stored.management_token_expires_at == stored.ends_at + timedelta(hours=24)


def test_the_calendar_event_invites_booker_and_attendees_and_holds_the_management_url(workspace) -> None:
    booking = book(attendees=[AttendeeInput("partner@example.com", "Pat"), AttendeeInput("kid@example.com")])

    stored = wiring.bookings().get(COMPANY_ID, booking.id)
    [event] = OUTBOX.for_booking(booking.id)["calendar"]
    assert event["action"] == "insert" and event["calendar"] == "jane@harbourphysio.example"
    assert event["attendees"] == ["sarah@example.com", "partner@example.com", "kid@example.com"]
    assert f"/book/harbour-physio/manage/{stored.management_token}" in event["description"]
    assert event["meet_link"] == stored.google_meet_link
    [email] = OUTBOX.for_booking(booking.id)["emails"]
    assert email["kind"] == "confirmation" and email["to"] == ["sarah@example.com"]
    assert f"/book/harbour-physio/manage/{stored.management_token}" in email["body"]
    assert stored.google_meet_link in email["body"]


def test_an_in_person_event_type_gets_no_meet_link(workspace) -> None:
    booking = book(event_type_id=ASSESSMENT_ID, date=MONDAY_AFTER.isoformat(), time="11:00")
    assert booking.google_meet_link is None
    assert OUTBOX.for_booking(booking.id)["calendar"][0]["meet_link"] is None


# ── no double booking ─────────────────────────────────────────────────────────────────────────


def test_a_booking_committed_between_the_availability_read_and_the_write_wins_and_ours_is_slot_unavailable(
    workspace, monkeypatch
) -> None:
    # Given: between our availability read and our transaction, someone books Jane at 10:00.
    start = sydney(WEDNESDAY, "10:00")
    real_load = availability.load_snapshot
    calls = []

    def load_then_lose_the_race(*args: Any, **kwargs: Any):
        snapshot = real_load(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            commit_competing_booking(JANE_ID, start)
        return snapshot

    monkeypatch.setattr(availability, "load_snapshot", load_then_lose_the_race)
    # When we book that time
    error = error_of()
    # Then: our write failed its condition, the re-read says booked, and only theirs exists.
    assert error.code == "SLOT_UNAVAILABLE" and error.details["reason"] == "booked"
    assert [b.booker_name for b in confirmed_bookings_at(start)] == ["Quick Fingers"]
    assert OUTBOX.snapshot()["calendar"] == [] and OUTBOX.snapshot()["emails"] == []


def test_round_robin_moves_to_the_other_free_host_when_the_first_pick_loses_the_race(workspace, monkeypatch) -> None:
    # Given: Sam (fewest bookings that week) is picked first, then booked by someone else meanwhile.
    start = sydney(MONDAY_AFTER, "11:00")  # 08:00 in Perth: both hosts work then
    real_load = availability.load_snapshot
    calls = []

    def load_then_lose_sam(*args: Any, **kwargs: Any):
        snapshot = real_load(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            commit_competing_booking(SAM_ID, start, minutes=75)
        return snapshot

    monkeypatch.setattr(availability, "load_snapshot", load_then_lose_sam)
    booking = book(event_type_id=ASSESSMENT_ID, date=MONDAY_AFTER.isoformat(), time="11:00")
    assert booking.host_user_ids == [JANE_ID]
    assert len(calls) == 2


def test_round_robin_gives_the_booking_to_the_host_with_fewer_bookings_that_week(workspace) -> None:
    booking = book(event_type_id=ASSESSMENT_ID, date=MONDAY_AFTER.isoformat(), time="11:00")
    assert booking.host_user_ids == [SAM_ID]  # Jane already has a booking that week


def test_twenty_simultaneous_requests_for_one_slot_make_exactly_one_booking(workspace) -> None:
    wiring.bookings(), wiring.companies(), wiring.calendar(), wiring.email()  # build shared clients first
    results: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            book(email=f"racer{n}@example.com", full_name=f"Racer {n}")
            outcome = "booked"
        except DomainError as error:
            outcome = f"{error.code}:{error.details.get('reason')}"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count("booked") == 1
    assert set(results) - {"booked"} <= {"SLOT_UNAVAILABLE:booked", "TEMPORARILY_UNAVAILABLE:None"}
    assert len(confirmed_bookings_at(sydney(WEDNESDAY, "10:00"))) == 1


def test_simultaneous_requests_for_different_times_on_one_hosts_day_all_succeed(workspace) -> None:
    wiring.bookings(), wiring.companies(), wiring.calendar(), wiring.email()
    times = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30"]
    results: dict[str, str] = {}
    barrier = threading.Barrier(len(times))

    def attempt(at: str) -> None:
        barrier.wait()
        try:
            book(time=at, email=f"t{at.replace(':', '')}@example.com")
            results[at] = "booked"
        except DomainError as error:
            results[at] = error.code

    threads = [threading.Thread(target=attempt, args=(at,)) for at in times]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == dict.fromkeys(times, "booked")


def test_a_booking_that_would_overlap_another_only_through_buffers_is_refused(workspace) -> None:
    # Initial Assessment has 15 minutes after; Jane's 11:00-12:00 assessment blocks 12:00-12:15.
    book(event_type_id=ASSESSMENT_ID, date=WEDNESDAY.isoformat(), time="11:00")
    error = error_of(date=WEDNESDAY.isoformat(), time="12:00")
    assert error.code == "SLOT_UNAVAILABLE" and error.details["reason"] == "booked"


# ── slot errors ──────────────────────────────────────────────────────────────────────────────


def test_an_unavailable_time_says_why_and_offers_the_nearest_slots_and_five_alternatives(workspace) -> None:
    error = error_of(time="17:00")
    assert error.status == 409 and error.code == "SLOT_UNAVAILABLE"
    details = error.details
    assert details["reason"] == "outside_hours"
    assert details["nearest_before"]["date"] == WEDNESDAY.isoformat()
    assert details["nearest_before"]["time"] == "16:30"
    assert details["nearest_before"]["formatted"].endswith("at 4:30 PM")
    assert details["nearest_after"] == {
        "date": (WEDNESDAY + timedelta(days=1)).isoformat(), "time": "09:00",
        "formatted": details["nearest_after"]["formatted"]}
    assert [a["time"] for a in details["alternatives"]] == ["14:30", "15:00", "15:30", "16:00", "16:30"]


def test_a_time_already_booked_is_refused_with_reason_booked(workspace) -> None:
    book()
    error = error_of(email="second@example.com")
    assert (error.code, error.details["reason"]) == ("SLOT_UNAVAILABLE", "booked")


def test_a_time_in_the_past_is_refused_with_reason_in_the_past(workspace) -> None:
    error = error_of(date=(date.today() - timedelta(days=7)).isoformat())
    assert error.details["reason"] == "in_the_past"


def test_a_local_time_skipped_by_daylight_saving_is_refused_as_nonexistent(workspace) -> None:
    error = error_of(date="2027-03-14", time="02:30", timezone="America/New_York")
    assert error.code == "SLOT_UNAVAILABLE" and error.details["reason"] == "nonexistent_local_time"


# ── validation order ──────────────────────────────────────────────────────────────────────────

BROKEN: dict[str, Any] = {
    "event_type_id": None, "email": "doug@resolvency.", "attendees": [AttendeeInput("ok@example.com"),
                                                                      AttendeeInput("bad@nodomain")],
    "phone": "12ab", "timezone": "Mars/Olympus", "time": "03:00",
}
# Each step fixes one problem; the error shown must be the next one in contract order.
STEPS = [
    ({}, "MISSING_FIELDS"),
    ({"event_type_id": "no-such-type"}, "INVALID_EMAIL"),
    ({"email": "doug@resolvency.com"}, "INVALID_ATTENDEE_EMAIL"),
    ({"attendees": [AttendeeInput("ok@example.com")]}, "VALIDATION_ERROR"),
    ({"phone": "0412 345 678"}, "INVALID_TIMEZONE"),
    ({"timezone": "nsw"}, "EVENT_TYPE_NOT_FOUND"),
    ({"event_type_id": CONSULT_ID}, "SLOT_UNAVAILABLE"),
]


def test_every_validation_error_appears_in_contract_order(workspace) -> None:
    body = dict(BROKEN)
    seen = []
    for fix, _ in STEPS:
        body.update(fix)
        seen.append(error_of(**body).code)
    assert seen == [code for _, code in STEPS]
    body["time"] = "10:00"
    assert book(**body).timezone == "Australia/Sydney"


def test_nothing_is_written_when_a_request_is_refused(workspace) -> None:
    error_of(time="17:00")
    assert OUTBOX.snapshot()["emails"] == []
    assert wiring.crm().snapshot([COMPANY_ID])["contacts"] == []
