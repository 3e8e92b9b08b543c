import json

import pytest

from scheduling.errors import InvalidBody
from scheduling.voice.envelope import UnfilledVariable, parse_voice_body


def test_a_retell_envelope_is_read_from_args_with_the_call_alongside():
    body = {"call": {"call_id": "call_1", "from_number": "+61412345678", "to_number": "+61290000000",
                     "direction": "inbound"},
            "name": "book_appointment", "args": {"slot": "2026-04-27 09:00", "name": "Sarah"}}
    request = parse_voice_body(json.dumps(body))
    assert request.args == {"slot": "2026-04-27 09:00", "name": "Sarah"}
    assert (request.call_id, request.tool_name, request.caller_number) == ("call_1", "book_appointment", "+61412345678")


def test_on_an_outbound_call_the_caller_is_the_number_we_dialled():
    body = {"call": {"call_id": "c", "from_number": "+61290000000", "to_number": "+61412345678",
                     "direction": "outbound"}, "args": {}}
    assert parse_voice_body(json.dumps(body)).caller_number == "+61412345678"


def test_a_flat_body_is_its_own_args_and_has_no_call():
    request = parse_voice_body(json.dumps({"preferred_day": "monday"}))
    assert request.args == {"preferred_day": "monday"}
    assert request.call_id is None and request.caller_number is None


def test_an_empty_body_is_no_args():
    assert parse_voice_body(None).args == {}
    assert parse_voice_body("  ").args == {}


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", '"text"', '{"args": [1]}', '{"args": {"name": "\\ud800"}}'])
def test_a_body_that_is_not_a_json_object_is_refused(raw):
    with pytest.raises(InvalidBody):
        parse_voice_body(raw)


def test_an_unfilled_retell_variable_is_refused_naming_the_field_and_saying_what_to_do():
    body = {"call": {"call_id": "c"}, "args": {"name": "Sarah", "email": "{{customer_email}}"}}
    with pytest.raises(UnfilledVariable) as caught:
        parse_voice_body(json.dumps(body))
    error = caught.value
    assert error.message == "'email' still holds the unfilled variable {{customer_email}}"
    assert error.fix == ("Ask the caller for their email and send it in 'email', or leave 'email' out; "
                         "do not send {{customer_email}} again.")


def test_an_unfilled_variable_nested_in_a_list_is_found_too():
    with pytest.raises(UnfilledVariable):
        parse_voice_body(json.dumps({"args": {"attendees": [{"email": "{{ guest }}"}]}}))


def test_words_that_mean_nothing_read_as_absent():
    request = parse_voice_body(json.dumps({"args": {"phone": "null", "notes": " ", "name": " Sarah "}}))
    assert (request.text("phone"), request.text("notes"), request.text("name")) == (None, None, "Sarah")
