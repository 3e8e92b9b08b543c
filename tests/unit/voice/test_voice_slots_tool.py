"""The slots tool against a fixed workspace: what the agent reads for each kind of question."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from voice_fixtures import ASSESSMENT_ID, COMPANY_ID, CONSULT_ID, NIGHT_TYPE_ID, NOW, envelope

from scheduling.voice.slots_tool import answer_slots

HEADER = (
    "Offering: Free Consultation (30 min)\n"
    "Host: Jane Smith\n"
    "Description: A complimentary session to discuss your needs.\n"
    "\n"
)
FOOTER = "To book, pass the exact slot value (e.g. slot:\"{}\") with the caller's name and email."


def slots(args: dict, event_type_id: str = CONSULT_ID, now: datetime = NOW):
    return answer_slots(COMPANY_ID, event_type_id, envelope(args), now)


def test_monday_afternoon_lists_that_afternoon_in_the_contract_layout(voice_workspace):
    answer = slots({"preferred_day": "monday", "preferred_time": "afternoon"})
    assert answer.status == 200
    assert answer.text == HEADER + (
        "Monday 04/27: 12:00 PM [slot:2026-04-27 12:00], 12:30 PM [slot:2026-04-27 12:30], "
        "1:00 PM [slot:2026-04-27 13:00], 1:30 PM [slot:2026-04-27 13:30], 2:00 PM [slot:2026-04-27 14:00], "
        "2:30 PM [slot:2026-04-27 14:30] (+4 more)\n\n" + FOOTER.format("2026-04-27 12:00")
    )


def test_an_existing_booking_is_not_offered_again(voice_workspace):
    text = slots({"preferred_day": "2026-04-27", "preferred_time": "around 10am"}).text
    assert "[slot:2026-04-27 09:30]" in text and "[slot:2026-04-27 10:30]" in text
    assert "[slot:2026-04-27 10:00]" not in text  # Sarah's Free Consultation


def test_asap_lists_the_first_three_days_with_times_starting_now(voice_workspace):
    text = slots({}).text
    day_lines = text.split("\n\n")[1].split("\n")
    assert [line.split(":")[0] for line in day_lines] == ["Wednesday 04/22", "Thursday 04/23", "Friday 04/24"]
    assert day_lines[0].startswith("Wednesday 04/22: 10:00 AM [slot:2026-04-22 10:00], 10:30 AM")


def test_a_weekend_day_gets_the_nearest_available_day_instead(voice_workspace):
    answer = slots({"preferred_day": "saturday", "preferred_time": "morning"})
    assert answer.text == HEADER + (
        "No times are available on Saturday, 25 April 2026 in the morning. "
        "The nearest available day is Friday, 24 April 2026:\n"
        "Friday 04/24: 9:00 AM [slot:2026-04-24 09:00], 9:30 AM [slot:2026-04-24 09:30], "
        "10:00 AM [slot:2026-04-24 10:00], 10:30 AM [slot:2026-04-24 10:30], 11:00 AM [slot:2026-04-24 11:00], "
        "11:30 AM [slot:2026-04-24 11:30]\n\n" + FOOTER.format("2026-04-24 09:00")
    )


def test_the_callers_state_decides_the_zone_of_times_and_slot_keys(voice_workspace):
    text = slots({"preferred_day": "monday", "state": "WA"}).text
    assert "Monday 04/27: 7:00 AM [slot:2026-04-27 07:00], 7:30 AM [slot:2026-04-27 07:30]" in text
    assert slots({"preferred_day": "monday", "state": "Western Australia"}).text == text
    assert slots({"preferred_day": "monday", "timezone": "Australia/Perth"}).text == text


def test_several_hosts_are_named_and_an_empty_description_is_left_out(voice_workspace):
    text = slots({"preferred_day": "tuesday"}, ASSESSMENT_ID).text
    assert text.startswith("Offering: Initial Assessment (60 min)\nHost: Jane Smith, Sam Lee\n\nTuesday 04/28: ")


def test_fall_back_day_offers_each_local_time_once_with_a_key_that_books_it(voice_workspace):
    # Sunday 5 April 2026: Sydney clocks go back at 03:00 to 02:00, so 02:00 happens twice.
    text = slots({"preferred_day": "2026-04-05"}, NIGHT_TYPE_ID, now=datetime(2026, 4, 1, tzinfo=UTC)).text
    assert text.split("\n")[3] == (
        "Sunday 04/05: 12:00 AM [slot:2026-04-05 00:00], 1:00 AM [slot:2026-04-05 01:00], "
        "2:00 AM [slot:2026-04-05 02:00], 3:00 AM [slot:2026-04-05 03:00], 4:00 AM [slot:2026-04-05 04:00], "
        "5:00 AM [slot:2026-04-05 05:00]"
    )


def test_spring_forward_day_never_offers_the_missing_hour(voice_workspace):
    # Sunday 4 October 2026: Sydney clocks jump from 02:00 to 03:00.
    text = slots({"preferred_day": "2026-10-04"}, NIGHT_TYPE_ID, now=datetime(2026, 9, 30, tzinfo=UTC)).text
    assert text.split("\n")[3] == (
        "Sunday 10/04: 12:00 AM [slot:2026-10-04 00:00], 1:00 AM [slot:2026-10-04 01:00], "
        "3:00 AM [slot:2026-10-04 03:00], 4:00 AM [slot:2026-10-04 04:00], 5:00 AM [slot:2026-10-04 05:00]"
    )


def test_an_unknown_event_type_is_a_404_text_naming_what_can_be_booked(voice_workspace):
    answer = slots({}, "3f1a2b3c-0000-0000-0000-000000000000")
    assert answer.status == 404
    assert answer.text == (
        "COULD NOT LIST TIMES: No bookable event type with id '3f1a2b3c-0000-0000-0000-000000000000'.\n"
        "What to do: The tool is set up with an event type that cannot be booked; bookable ones are "
        "Free Consultation, Initial Assessment and Night Check."
    )


def test_a_day_it_cannot_read_is_a_400_text_saying_what_to_send(voice_workspace):
    answer = slots({"preferred_day": "someday soon"})
    assert answer.status == 400
    assert answer.text.startswith("COULD NOT LIST TIMES: 'someday soon' is not a day we understand.\n"
                                  "What to do: Send 'preferred_day' as asap, today, tomorrow")


def test_an_unfilled_variable_is_refused_with_a_fix(voice_workspace):
    answer = slots({"preferred_day": "{{preferred_day}}"})
    assert (answer.status, answer.text) == (400, (
        "COULD NOT LIST TIMES: 'preferred_day' still holds the unfilled variable {{preferred_day}}.\n"
        "What to do: Ask the caller for their preferred day and send it in 'preferred_day', or leave "
        "'preferred_day' out; do not send {{preferred_day}} again."
    ))


def test_a_flat_body_works_like_the_envelope(voice_workspace):
    flat = answer_slots(COMPANY_ID, CONSULT_ID, json.dumps({"preferred_day": "monday"}), NOW)
    assert flat.text == slots({"preferred_day": "monday"}).text
