"""`hold_offered_slot_seconds` (docs/holds.md): the voice `slots` answer holds the first time it
offers for the call, and the voice `book` of that call books it without a hold_id.

Workspace: tests/support/seeds.py (Free Consultation = Jane, Sydney weekdays 9-17, 30 min). `now`
is passed in, so expiry is checked at exact instants with no job run.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from scheduling import wiring
from scheduling.errors import DomainError
from scheduling.services import holds
from scheduling.services.booking_create import CreateBookingInput, create_booking
from scheduling.services.event_type_admin import update_event_type
from scheduling.timezones import local_to_instant, parse_hhmm, resolve_timezone
from scheduling.voice.book_tool import answer_book
from scheduling.voice.slots_tool import answer_slots
from tests.support.seeds import COMPANY_ID, CONSULT_ID, next_weekday

SYDNEY = resolve_timezone("Australia/Sydney")
THURSDAY = next_weekday(3)
FRIDAY = next_weekday(4)
CALL_ID = "call_offered_hold_1"


def at(day, hhmm: str) -> datetime:  # noqa: ANN001
    return local_to_instant(day, parse_hhmm(hhmm), SYDNEY)


def voice_body(args: dict, call_id: str = CALL_ID) -> str:
    return json.dumps({"call": {"call_id": call_id, "from_number": "+61498765432", "direction": "inbound"},
                       "name": "tool", "args": {"state": "NSW", **args}})


def ask_slots(day, moment: datetime, call_id: str = CALL_ID) -> str:  # noqa: ANN001
    return answer_slots(COMPANY_ID, CONSULT_ID, voice_body({"preferred_day": day.isoformat()}, call_id), moment,
                        may_hold=True).text


def ask_book(slot: str, moment: datetime, email: str = "sarah@example.com", call_id: str = CALL_ID) -> str:
    body = voice_body({"slot": slot, "name": "Sarah Jones", "email": email}, call_id)
    return answer_book(COMPANY_ID, CONSULT_ID, body, moment).text


def someone_else_books(day, hhmm: str, moment: datetime):  # noqa: ANN001, ANN201
    return create_booking(COMPANY_ID, CreateBookingInput(
        date=day.isoformat(), time=hhmm, timezone="Australia/Sydney", event_type_id=CONSULT_ID,
        full_name="Other Booker", email="other@example.com"), moment).booking


def call_hold(moment: datetime):  # noqa: ANN201
    repository = holds.hold_repository()
    hold_id = repository.call_hold_id(COMPANY_ID, CALL_ID)
    return repository.get(COMPANY_ID, hold_id) if hold_id else None


@pytest.fixture
def holding(workspace):  # noqa: ANN001, ANN201
    update_event_type(COMPANY_ID, CONSULT_ID, {"hold_offered_slot_seconds": 120}, datetime.now(UTC))
    return workspace


def test_without_the_setting_the_slots_answer_holds_nothing(workspace) -> None:
    moment = datetime.now(UTC)
    text = ask_slots(THURSDAY, moment)

    assert "is held for this caller" not in text
    assert call_hold(moment) is None
    assert someone_else_books(THURSDAY, "09:00", moment).starts_at == at(THURSDAY, "09:00")


def test_the_first_offered_time_is_held_for_the_call_and_refused_to_everyone_else(holding) -> None:
    moment = datetime.now(UTC)
    text = ask_slots(THURSDAY, moment)

    assert f'book slot:"{THURSDAY.isoformat()} 09:00" before then' in text
    assert "is held for this caller for about 2 minutes" in text
    held = call_hold(moment)
    assert held.starts_at == at(THURSDAY, "09:00") and held.call_id == CALL_ID
    assert held.expires_at == (moment + timedelta(seconds=120)).replace(microsecond=0)
    with pytest.raises(DomainError) as refused:
        someone_else_books(THURSDAY, "09:00", moment)
    assert refused.value.code == "SLOT_UNAVAILABLE" and refused.value.details["reason"] == "held"
    other_call = answer_book(COMPANY_ID, CONSULT_ID, voice_body(
        {"slot": f"{THURSDAY.isoformat()} 09:00", "name": "Other Caller", "email": "o@example.com"},
        "another_call"), moment).text
    assert other_call.startswith("**BOOKING FAILED")


def test_the_calls_book_takes_its_held_time_without_a_hold_id(holding) -> None:
    moment = datetime.now(UTC)
    ask_slots(THURSDAY, moment)

    booked = ask_book(f"{THURSDAY.isoformat()} 09:00", moment + timedelta(seconds=60))

    assert booked.startswith("Booked! Sarah Jones's Free Consultation"), booked
    consumed = call_hold(moment)
    assert consumed.status == "consumed" and consumed.booking_id
    booking = wiring.bookings().get(COMPANY_ID, consumed.booking_id)
    assert booking.starts_at == at(THURSDAY, "09:00") and booking.booker_email == "sarah@example.com"


def test_a_second_slots_answer_replaces_the_calls_hold(holding) -> None:
    moment = datetime.now(UTC)
    ask_slots(THURSDAY, moment)
    first = call_hold(moment)

    text = ask_slots(FRIDAY, moment + timedelta(seconds=10))

    assert f'book slot:"{FRIDAY.isoformat()} 09:00" before then' in text
    assert call_hold(moment).starts_at == at(FRIDAY, "09:00")
    assert holds.hold_repository().get(COMPANY_ID, first.id).status == "released"
    assert someone_else_books(THURSDAY, "09:00", moment + timedelta(seconds=20)).starts_at == at(THURSDAY, "09:00")


def test_booking_another_time_releases_the_calls_hold(holding) -> None:
    moment = datetime.now(UTC)
    ask_slots(THURSDAY, moment)

    booked = ask_book(f"{THURSDAY.isoformat()} 11:00", moment)

    assert booked.startswith("Booked!"), booked
    assert call_hold(moment).status == "released"
    assert someone_else_books(THURSDAY, "09:00", moment).starts_at == at(THURSDAY, "09:00")


def test_the_held_time_is_free_again_at_expiry_with_no_job(holding) -> None:
    moment = datetime.now(UTC)
    ask_slots(THURSDAY, moment)
    expiry = call_hold(moment).expires_at

    with pytest.raises(DomainError):
        someone_else_books(THURSDAY, "09:00", expiry - timedelta(microseconds=1))
    assert someone_else_books(THURSDAY, "09:00", expiry).starts_at == at(THURSDAY, "09:00")
    late = ask_book(f"{THURSDAY.isoformat()} 09:00", expiry)
    assert late.startswith("**BOOKING FAILED"), late


@pytest.mark.parametrize("seconds", [29, 901, 0, "120", 12.5])
def test_the_setting_is_whole_seconds_from_30_to_900_or_null(workspace, seconds) -> None:
    with pytest.raises(DomainError) as refused:
        update_event_type(COMPANY_ID, CONSULT_ID, {"hold_offered_slot_seconds": seconds}, datetime.now(UTC))
    assert refused.value.code == "VALIDATION_ERROR"
    assert refused.value.details["field"] == "hold_offered_slot_seconds"
    cleared = update_event_type(COMPANY_ID, CONSULT_ID, {"hold_offered_slot_seconds": None}, datetime.now(UTC))
    assert cleared.hold_offered_slot_seconds is None
