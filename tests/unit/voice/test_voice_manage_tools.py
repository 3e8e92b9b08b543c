"""Cancel and reschedule by voice: finding the caller's booking, choosing one, and the rollback."""

from __future__ import annotations

import pytest
from voice_fixtures import CALLER, COMPANY_ID, FIRST_BOOKING, NOW, SECOND_BOOKING, envelope

from scheduling import wiring
from scheduling.voice.manage_tools import answer_cancel, answer_reschedule

WHICH_CANCEL = (
    "WHICH BOOKING? Nothing has been cancelled yet.\n"
    "1. Free Consultation on Monday, 27 April 2026 at 10:00 AM\n"
    "2. Initial Assessment on Tuesday, 28 April 2026 at 2:00 PM"
)


def cancel(args: dict, call_id: str = "call_cancel", **kwargs):
    return answer_cancel(COMPANY_ID, envelope(args, call_id=call_id, **kwargs), NOW)


def reschedule(args: dict, call_id: str = "call_move", **kwargs):
    return answer_reschedule(COMPANY_ID, envelope(args, call_id=call_id, **kwargs), NOW)


def status(booking_id: str) -> str:
    return wiring.bookings().get(COMPANY_ID, booking_id).status


def confirmed_for_caller() -> list[str]:
    page = wiring.bookings().list_page(COMPANY_ID, starts_from=None, starts_before=None, status="confirmed",
                                       event_type_id=None, limit=50, cursor=None)
    return sorted(b.id for b in page.bookings if b.booker_phone == CALLER and b.starts_at > NOW)


def test_two_upcoming_bookings_and_no_selector_lists_them_and_cancels_nothing(voice_workspace):
    answer = cancel({})
    assert (answer.status, answer.text) == (200, WHICH_CANCEL)
    assert (status(FIRST_BOOKING), status(SECOND_BOOKING)) == ("confirmed", "confirmed")


@pytest.mark.parametrize(
    "selector", ["2", "#2", "the second one", "assessment", "Tuesday", "9a8b7c6d-5e4f-4a3b-2c1d-000000000002"]
)
def test_the_selector_picks_by_number_words_or_id_prefix(voice_workspace, selector):
    answer = cancel({"booking_selector": selector})
    assert answer.text == (
        "Cancelled! Your Initial Assessment (60 min) on Tuesday, 28 April 2026 at 2:00 PM has been cancelled."
    )
    assert (status(FIRST_BOOKING), status(SECOND_BOOKING)) == ("confirmed", "cancelled")


def test_a_selector_that_matches_nothing_fails_and_lists_the_choices(voice_workspace):
    answer = cancel({"booking_selector": "massage"})
    assert answer.text == (
        "BOOKING CANCELLATION FAILED: No upcoming booking matches 'massage'.\n"
        "Nothing has been cancelled.\n"
        "1. Free Consultation on Monday, 27 April 2026 at 10:00 AM\n"
        "2. Initial Assessment on Tuesday, 28 April 2026 at 2:00 PM"
    )


def test_a_selector_matching_several_asks_again_with_the_original_numbers(voice_workspace):
    answer = cancel({"booking_selector": "april"})
    assert answer.text == WHICH_CANCEL


@pytest.mark.parametrize(
    "where",
    [{"phone": "0412 340 000"}, {"phone": "+61 412 340 000"}, {"phone": "(04) 1234 0000"}],
    ids=["local-spaced", "international-spaced", "local-area-style"],
)
def test_the_callers_booking_is_found_from_an_au_local_number(voice_workspace, where):
    answer = cancel({**where, "booking_selector": "1"}, from_number="+61299999999")
    assert answer.text.startswith("Cancelled! Your Free Consultation (30 min) on Monday, 27 April 2026")


def test_on_an_outbound_call_the_number_we_dialled_is_the_caller(voice_workspace):
    answer = cancel({"booking_selector": "1"}, from_number="+61290000000", direction="outbound")
    assert answer.text.startswith("BOOKING CANCELLATION FAILED: No upcoming booking was found")
    body = envelope({"booking_selector": "1"}, call_id="c2", direction="outbound").replace(
        '"to_number": "+61290000000"', f'"to_number": "{CALLER}"')
    assert answer_cancel(COMPANY_ID, body, NOW).text.startswith("Cancelled! ")


def test_no_upcoming_booking_for_the_number_fails_in_words(voice_workspace):
    answer = cancel({}, from_number="+61400000999")
    assert answer.text == (
        "BOOKING CANCELLATION FAILED: No upcoming booking was found for the phone number +61400000999.\n"
        "Nothing has been cancelled.\n"
        "Check the number with the caller and send it as 'phone'."
    )


def test_without_any_number_the_agent_is_told_to_ask_for_one(voice_workspace):
    answer = answer_cancel(COMPANY_ID, '{"booking_selector": "1"}', NOW)
    assert answer.text == (
        "BOOKING CANCELLATION FAILED: There is no phone number to look the booking up by.\n"
        "Nothing has been cancelled.\n"
        "What to do: Ask the caller for the phone number they booked with and send it as 'phone'."
    )


def test_past_and_cancelled_bookings_are_not_upcoming(voice_workspace):
    cancel({"booking_selector": "2"}, call_id="first")
    answer = cancel({}, call_id="second")  # one upcoming left: no question needed
    assert answer.text.startswith("Cancelled! Your Free Consultation (30 min) on Monday, 27 April 2026")
    assert confirmed_for_caller() == []


def test_a_retried_cancel_repeats_its_answer_and_does_not_cancel_the_next_booking(voice_workspace):
    cancel({"booking_selector": "1"}, call_id="retry")
    cancel({}, call_id="one-left")  # the other booking cancelled in the meantime
    assert cancel({"booking_selector": "1"}, call_id="retry").text.startswith("Cancelled! Your Free Consultation")


# ── reschedule ────────────────────────────────────────────────────────────────────────────────


def test_reschedule_without_a_selector_lists_the_bookings_and_changes_nothing(voice_workspace):
    answer = reschedule({"new_slot": "2026-04-29 11:00"})
    assert answer.text == WHICH_CANCEL.replace("Nothing has been cancelled yet.", "Nothing has been changed yet.")
    assert confirmed_for_caller() == [FIRST_BOOKING, SECOND_BOOKING]


def test_reschedule_moves_the_booking_keeping_booker_and_opportunity(voice_workspace):
    old = wiring.bookings().get(COMPANY_ID, FIRST_BOOKING)
    answer = reschedule({"booking_selector": "1", "new_slot": "2026-04-28 11:00"})
    assert answer.text == (
        "Rescheduled! Your Free Consultation is now confirmed for Tuesday, 28 April 2026 at 11:00 AM.\n"
        "The previous booking has been cancelled."
    )
    [new_id] = [b for b in confirmed_for_caller() if b != SECOND_BOOKING]
    new = wiring.bookings().get(COMPANY_ID, new_id)
    previous = wiring.bookings().get(COMPANY_ID, FIRST_BOOKING)
    assert previous.status == "cancelled" and previous.management_token is None
    assert (new.booker_name, new.booker_email, new.booker_phone, new.event_type_id, new.timezone) == (
        old.booker_name, old.booker_email, old.booker_phone, old.event_type_id, old.timezone)
    assert new.management_token and new.management_token != old.management_token


def test_reschedule_to_a_taken_time_leaves_the_booking_where_it_was(voice_workspace):
    answer = reschedule({"booking_selector": "consultation", "new_slot": "2026-04-28 14:00"})
    assert answer.text.split("\n")[:3] == [
        "RESCHEDULE FAILED: That time has just been booked by someone else.",
        "Nothing has been changed; the booking is still at its original time.",
        "What to do: Offer the caller one of the times below, or ask the slots tool for more.",
    ]
    assert "Times still available:" in answer.text
    assert confirmed_for_caller() == [FIRST_BOOKING, SECOND_BOOKING]


def test_when_the_move_cannot_be_committed_nothing_is_created_or_cancelled(voice_workspace, monkeypatch):
    from botocore.exceptions import ClientError

    from scheduling.repositories import bookings as bookings_module

    def failing(client, writes):  # the one transaction holding the new booking and the old one's cancel
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "injected"}}, "TransactWriteItems")

    monkeypatch.setattr(bookings_module, "transact", failing)
    answer = answer_reschedule(COMPANY_ID, envelope({"booking_selector": "1", "new_slot": "2026-04-28 11:00"}), NOW)
    monkeypatch.undo()
    assert answer.status == 200 and answer.text.startswith("RESCHEDULE FAILED: Something went wrong on our side")
    assert confirmed_for_caller() == [FIRST_BOOKING, SECOND_BOOKING]
    page = wiring.bookings().list_page(COMPANY_ID, starts_from=None, starts_before=None, status=None,
                                       event_type_id=None, limit=50, cursor=None)
    assert not [b for b in page.bookings if b.starts_at.isoformat() == "2026-04-28T01:00:00+00:00"]


def test_reschedule_without_a_new_time_asks_for_it(voice_workspace):
    answer = reschedule({"booking_selector": "2"})
    assert answer.text == (
        "RESCHEDULE FAILED: The new time is missing.\n"
        "Nothing has been changed; the booking is still at its original time.\n"
        "What to do: Ask the caller for new slot, then send 'new_slot'."
    )


def test_a_retried_reschedule_moves_the_booking_once(voice_workspace):
    args = {"booking_selector": "1", "new_slot": "2026-04-28 11:00"}
    first = reschedule(args, call_id="retry-move")
    assert reschedule(args, call_id="retry-move") == first
    assert len(confirmed_for_caller()) == 2
