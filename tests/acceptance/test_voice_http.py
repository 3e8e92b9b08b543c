"""A whole phone call over HTTP on the local server, with Retell's envelope: offer times, book twice,
cancel one (after the agent asks which), move the other. What the agent reads is checked word for word
where the contract fixes the words; what the system did is checked through the JSON API and /_local."""

from __future__ import annotations

import json
import re

from tests.support.seeds import ASSESSMENT_ID, CONSULT_ID, RO_KEY, RW_KEY

CALLER = "+61498765432"
CALL = {"call_id": "call_acceptance_1", "agent_id": "agent_demo", "from_number": CALLER,
        "to_number": "+61290000000", "direction": "inbound"}


def tool(api, path: str, name: str, args: dict, *, call: dict | None = None, key: str = RW_KEY):
    body = {"call": call or CALL, "name": name, "args": args}
    return api.post(f"/v1/scheduling/voice{path}", body, key=key)


def slot_keys(text: str) -> list[str]:
    return re.findall(r"\[slot:([^\]]+)\]", text)


def booking_id(text: str) -> str:
    return re.search(r"^Booking ID: (\S+)$", text, re.M)[1]


def test_a_caller_books_two_things_cancels_one_and_moves_the_other(api):
    # The agent asks what is free next week in the morning.
    offered = tool(api, f"/{CONSULT_ID}/slots", "check_availability",
                   {"preferred_day": "next week", "preferred_time": "morning", "state": "NSW"})
    assert offered.status == 200 and offered.headers["Content-Type"].startswith("text/plain")
    assert offered.text.startswith("Offering: Free Consultation (30 min)\nHost: Jane Smith\n"
                                   "Description: A complimentary session to discuss your needs.\n\n")
    consult_slot, later_slot = slot_keys(offered.text)[0], slot_keys(offered.text)[1]
    assert f'(e.g. slot:"{consult_slot}")' in offered.text

    # It books the first one; Retell times out and sends the very same call again.
    args = {"slot": consult_slot, "name": "Sarah Jones", "email": "sarah@example.com"}
    booked = tool(api, f"/{CONSULT_ID}/book", "book_appointment", args)
    assert booked.status == 200
    assert booked.text.startswith("Booked! Sarah Jones's Free Consultation (30 min) is confirmed for ")
    assert tool(api, f"/{CONSULT_ID}/book", "book_appointment", args).text == booked.text
    consult_id = booking_id(booked.text)

    # A second booking, an Initial Assessment, for the same caller.
    assessment_slot = slot_keys(tool(api, f"/{ASSESSMENT_ID}/slots", "check_availability",
                                     {"preferred_day": "next week", "preferred_time": "afternoon"}).text)[0]
    second = tool(api, f"/{ASSESSMENT_ID}/book", "book_appointment",
                  {"slot": assessment_slot, "name": "Sarah Jones", "email": "sarah@example.com"})
    assert second.text.startswith("Booked! Sarah Jones's Initial Assessment (60 min)")
    assessment_id = booking_id(second.text)

    # "Cancel my booking": two upcoming, so the agent must ask which; nothing is cancelled yet.
    which = tool(api, "/cancel-booking", "cancel_appointment", {})
    lines = which.text.split("\n")
    assert lines[0] == "WHICH BOOKING? Nothing has been cancelled yet."
    assert [line.split(" on ")[0] for line in lines[1:]] == ["1. Free Consultation", "2. Initial Assessment"]
    assert api.get(f"/v1/scheduling-bookings/{consult_id}", key=RW_KEY).json["data"]["status"] == "confirmed"

    # "The consultation": cancelled, in the contract's words.
    cancelled = tool(api, "/cancel-booking", "cancel_appointment", {"booking_selector": "1"})
    formatted = api.get(f"/v1/scheduling-bookings/{consult_id}", key=RW_KEY).json["data"]["formatted"]
    assert cancelled.text == f"Cancelled! Your Free Consultation (30 min) on {formatted} has been cancelled."
    assert api.get(f"/v1/scheduling-bookings/{consult_id}", key=RW_KEY).json["data"]["status"] == "cancelled"

    # Move the assessment: only one upcoming booking is left, so no question is needed.
    new_slot = slot_keys(tool(api, f"/{ASSESSMENT_ID}/slots", "check_availability",
                              {"preferred_day": "next week", "preferred_time": "morning"}).text)[0]
    moved = tool(api, "/reschedule-booking", "reschedule_appointment", {"new_slot": new_slot})
    first_line, second_line = moved.text.split("\n")
    assert first_line.startswith("Rescheduled! Your Initial Assessment is now confirmed for ")
    assert second_line == "The previous booking has been cancelled."
    assert api.get(f"/v1/scheduling-bookings/{assessment_id}", key=RW_KEY).json["data"]["status"] == "cancelled"

    # What happened, as the outbox saw it: two confirmations, a cancellation, and the move as ONE
    # "rescheduled" email for the new booking (not a confirmation plus a cancellation).
    outbox = api.get("/_local/outbox").json
    sarah = [(e["kind"], e["booking_id"]) for e in outbox["emails"] if e["to"] == ["sarah@example.com"]]
    assert [kind for kind, _ in sarah] == ["confirmation", "confirmation", "cancellation", "rescheduled"]
    assert sarah[2][1] == consult_id
    moved_to = api.get(f"/v1/scheduling-bookings/{sarah[3][1]}", key=RW_KEY).json["data"]
    assert sarah[3][1] != assessment_id and moved_to["status"] == "confirmed"
    assert moved_to["event_type_name"] == "Initial Assessment"
    assert later_slot != consult_slot


def test_a_failed_booking_is_http_200_and_never_reads_like_success(api):
    answer = tool(api, f"/{CONSULT_ID}/book", "book_appointment",
                  {"slot": "2020-01-06 09:00", "name": "Late Larry", "email": "larry@example.com"},
                  call={**CALL, "call_id": "call_acceptance_2"})
    assert answer.status == 200
    assert answer.text.startswith(
        "**BOOKING FAILED: That time has already passed. Do not tell the caller this is booked.**")
    assert "Booked!" not in answer.text


def test_auth_failures_are_text_with_their_status(api):
    no_key = api.post(f"/v1/scheduling/voice/{CONSULT_ID}/slots", {"args": {}})
    assert (no_key.status, no_key.headers["Content-Type"]) == (401, "text/plain; charset=utf-8")
    assert no_key.headers["WWW-Authenticate"] == "Bearer"
    read_only = tool(api, f"/{CONSULT_ID}/book", "book_appointment", {}, key=RO_KEY)
    assert read_only.status == 403 and read_only.text.startswith("INSUFFICIENT SCOPE: ")


def test_a_get_on_a_voice_path_is_405(api):
    answer = api.get(f"/v1/scheduling/voice/{CONSULT_ID}/slots", key=RW_KEY)
    assert answer.status == 405
    assert json.loads(answer.text)["error"]["code"] == "METHOD_NOT_ALLOWED"
