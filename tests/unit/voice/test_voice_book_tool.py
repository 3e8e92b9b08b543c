"""The book tool: the JSON create's checks and side effects, answered as text, always HTTP 200."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from voice_fixtures import CALLER, COMPANY_ID, CONSULT_ID, NIGHT_TYPE_ID, NOW, envelope

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.voice.book_tool import answer_book

SARAH = {"slot": "2026-04-27 11:00", "name": "Sarah Jones", "email": "sarah@example.com"}


def book(args: dict, call_id: str = "call_book", now: datetime = NOW, event_type_id: str = CONSULT_ID, **kwargs):
    return answer_book(COMPANY_ID, event_type_id, envelope(args, call_id=call_id, **kwargs), now)


def booked_id(text: str) -> str:
    return re.search(r"^Booking ID: (\S+)$", text, re.M)[1]


def test_a_free_slot_is_booked_and_read_back_in_the_contract_words(voice_workspace):
    answer = book(SARAH)
    booking_id = booked_id(answer.text)
    booking = wiring.bookings().get(COMPANY_ID, booking_id)
    assert answer.status == 200
    assert answer.text == (
        "Booked! Sarah Jones's Free Consultation (30 min) is confirmed for Monday, 27 April 2026 at 11:00 AM, "
        "ending at 11:30 AM. A confirmation has been sent to sarah@example.com.\n"
        "Host: Jane Smith\n"
        "Description: A complimentary session to discuss your needs.\n"
        f"Video link: {booking.google_meet_link}\n"
        f"Booking ID: {booking_id}"
    )
    assert booking.google_meet_link.startswith("https://meet.google.com/")


def test_the_booking_has_the_json_creates_side_effects_and_the_callers_number(voice_workspace):
    answer = book({**SARAH, "notes": "Sore left knee"})
    booking = wiring.bookings().get(COMPANY_ID, booked_id(answer.text))
    assert (booking.status, booking.booker_phone, booking.message) == ("confirmed", CALLER, "Sore left knee")
    assert booking.starts_at == datetime(2026, 4, 27, 1, 0, tzinfo=UTC)
    sent = OUTBOX.for_booking(booking.id)
    assert [(e["kind"], e["to"]) for e in sent["emails"]] == [("confirmation", ["sarah@example.com"])]
    assert [c["action"] for c in sent["calendar"]] == ["insert"]
    assert booking.contact_id and booking.deal_id  # CRM contact and opportunity, as JSON create makes


def test_a_local_phone_given_by_the_caller_is_stored_in_e164(voice_workspace):
    answer = book({**SARAH, "phone": "0412 999 888"})
    assert wiring.bookings().get(COMPANY_ID, booked_id(answer.text)).booker_phone == "+61412999888"


def test_the_slot_is_read_in_the_callers_zone(voice_workspace):
    answer = book({**SARAH, "slot": "2026-04-27 09:00", "state": "WA"})  # 09:00 Perth = 11:00 Sydney
    booking = wiring.bookings().get(COMPANY_ID, booked_id(answer.text))
    assert booking.starts_at == datetime(2026, 4, 27, 1, 0, tzinfo=UTC)
    assert booking.timezone == "Australia/Perth"
    assert "confirmed for Monday, 27 April 2026 at 9:00 AM, ending at 9:30 AM." in answer.text


def test_a_taken_slot_fails_in_bold_with_the_three_closest_alternatives(voice_workspace):
    # 9:30 and 10:30 are 30 minutes away; of 9:00 and 11:00 (an hour either side) the earlier wins.
    answer = book({**SARAH, "slot": "2026-04-27 10:00"})  # Sarah's own Free Consultation
    assert answer.status == 200
    assert answer.text == (
        "**BOOKING FAILED: That time has just been booked by someone else. Do not tell the caller this is booked.**\n"
        "What to do: Offer the caller one of the times below, or ask the slots tool for more.\n"
        "Times still available:\n"
        "Monday, 27 April 2026 at 9:00 AM [slot:2026-04-27 09:00]\n"
        "Monday, 27 April 2026 at 9:30 AM [slot:2026-04-27 09:30]\n"
        "Monday, 27 April 2026 at 10:30 AM [slot:2026-04-27 10:30]"
    )


def test_an_invalid_email_fails_before_anything_is_booked(voice_workspace):
    answer = book({**SARAH, "email": "doug@resolvency."})
    assert answer.text == (
        "**BOOKING FAILED: 'doug@resolvency.' is not a valid email address. Do not tell the caller this is booked.**\n"
        "What to do: Ask the caller to spell the email address again, then send it."
    )
    assert OUTBOX.snapshot()["emails"] == []


def test_missing_details_are_named(voice_workspace):
    answer = book({"slot": "2026-04-27 11:00"})
    assert answer.text == (
        "**BOOKING FAILED: These details are missing: name and email. Do not tell the caller this is booked.**\n"
        "What to do: Ask the caller for name and email, then send 'name' and 'email'."
    )


def test_a_slot_that_is_not_a_slot_value_says_what_to_send(voice_workspace):
    answer = book({**SARAH, "slot": "next monday at 11"})
    assert answer.text.startswith("**BOOKING FAILED: 'next monday at 11' is not a slot value. Do not tell")
    assert 'What to do: Send \'slot\' as a slot value exactly as the slots tool gave it, such as "2026-04-27 09:00".' \
        in answer.text


def test_slot_values_copied_with_their_label_are_understood(voice_workspace):
    assert book({**SARAH, "slot": 'slot:"2026-04-27 11:00"'}).text.startswith("Booked! ")


def test_an_unfilled_variable_fails_without_booking(voice_workspace):
    answer = book({**SARAH, "email": "{{email}}"})
    assert answer.status == 200
    assert answer.text.startswith("**BOOKING FAILED: 'email' still holds the unfilled variable {{email}}. "
                                  "Do not tell the caller this is booked.**\nWhat to do: Ask the caller")


def test_a_body_that_is_not_json_is_a_failure_text_not_an_error_page(voice_workspace):
    answer = answer_book(COMPANY_ID, CONSULT_ID, "slot=tomorrow", NOW)
    assert (answer.status, answer.text.split("\n")[0]) == (
        200, "**BOOKING FAILED: The request body is not valid JSON. Do not tell the caller this is booked.**")


def test_a_time_skipped_by_the_clocks_is_refused_in_words(voice_workspace):
    answer = book({**SARAH, "slot": "2026-10-04 02:00"}, event_type_id=NIGHT_TYPE_ID,
                  now=datetime(2026, 9, 30, tzinfo=UTC))
    assert answer.text.split("\n")[0] == (
        "**BOOKING FAILED: That time does not exist on that day because the clocks change. "
        "Do not tell the caller this is booked.**"
    )
    offered = re.findall(r"\[slot:([^\]]+)\]", answer.text)
    assert "2026-10-04 01:00" in offered and "2026-10-04 04:00" in offered
    assert not any(key.startswith("2026-10-04 02") for key in offered)


def test_the_repeated_hour_of_the_fall_back_day_books_its_first_occurrence(voice_workspace):
    answer = book({**SARAH, "slot": "2026-04-05 02:00"}, event_type_id=NIGHT_TYPE_ID,
                  now=datetime(2026, 4, 1, tzinfo=UTC))
    booking = wiring.bookings().get(COMPANY_ID, booked_id(answer.text))
    assert booking.starts_at == datetime(2026, 4, 4, 15, 0, tzinfo=UTC)  # 02:00 AEDT (+11)


def test_a_retried_call_gets_the_first_answer_and_books_nothing_twice(voice_workspace):
    first = book(SARAH, call_id="call_retry")
    again = book(SARAH, call_id="call_retry")
    assert again == first and first.text.startswith("Booked! ")
    assert len(OUTBOX.snapshot()["emails"]) == 1
    # The same words in another call are a new request: that slot is now taken.
    other = book(SARAH, call_id="call_other")
    assert other.text.startswith("**BOOKING FAILED: That time has just been booked by someone else.")


def test_a_flat_body_without_a_call_is_simply_answered(voice_workspace):
    answer = answer_book(COMPANY_ID, CONSULT_ID, json.dumps(SARAH), NOW)
    assert answer.text.startswith("Booked! ")
    assert wiring.bookings().get(COMPANY_ID, booked_id(answer.text)).booker_phone is None
