"""Golden texts: every answer the agent reads, compared whole with the contract's literal layouts."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.domain.models import Booking
from scheduling.voice import texts
from scheduling.voice.texts import DaySlots, Offering

SYD = ZoneInfo("Australia/Sydney")
CONSULT = Offering("Free Consultation", 30, ("Jane Smith",), "A complimentary session to discuss your needs.")
MONDAY = date(2026, 4, 27)


def at(day, hh, mm=0, tz=SYD):
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=tz)


def booking(**overrides):
    fields = dict(
        id="5f2c1e0a-1111-4222-8333-944445555666", company_id="c", event_type_id="e",
        event_type_name="Free Consultation", host_user_ids=["h"], starts_at=at(MONDAY, 10),
        ends_at=at(MONDAY, 10, 30), timezone="Australia/Sydney", booker_name="Sarah Jones",
        booker_email="sarah@example.com", google_meet_link="https://meet.google.com/abc-defg-hij",
        created_at=datetime(2026, 4, 20, tzinfo=UTC), updated_at=datetime(2026, 4, 20, tzinfo=UTC),
    )
    fields.update(overrides)
    return Booking(**fields)


def test_the_slot_list_matches_the_contract_layout_with_the_rest_of_the_day_counted():
    day = DaySlots(MONDAY, tuple(at(MONDAY, 9, 0) + timedelta(minutes=30 * n) for n in range(8)))
    assert texts.slots_text(CONSULT, [day], SYD) == (
        "Offering: Free Consultation (30 min)\n"
        "Host: Jane Smith\n"
        "Description: A complimentary session to discuss your needs.\n"
        "\n"
        "Monday 04/27: 9:00 AM [slot:2026-04-27 09:00], 9:30 AM [slot:2026-04-27 09:30], "
        "10:00 AM [slot:2026-04-27 10:00], 10:30 AM [slot:2026-04-27 10:30], 11:00 AM [slot:2026-04-27 11:00], "
        "11:30 AM [slot:2026-04-27 11:30] (+2 more)\n"
        "\n"
        'To book, pass the exact slot value (e.g. slot:"2026-04-27 09:00") with the caller\'s name and email.'
    )


def test_at_most_three_days_are_listed_and_several_hosts_are_comma_joined_without_an_empty_description():
    offering = Offering("Initial Assessment", 60, ("Jane Smith", "Sam Lee"), "  ")
    days = [DaySlots(MONDAY + timedelta(days=n), (at(MONDAY + timedelta(days=n), 14),)) for n in range(5)]
    assert texts.slots_text(offering, days, SYD) == (
        "Offering: Initial Assessment (60 min)\n"
        "Host: Jane Smith, Sam Lee\n"
        "\n"
        "Monday 04/27: 2:00 PM [slot:2026-04-27 14:00]\n"
        "Tuesday 04/28: 2:00 PM [slot:2026-04-28 14:00]\n"
        "Wednesday 04/29: 2:00 PM [slot:2026-04-29 14:00]\n"
        "\n"
        'To book, pass the exact slot value (e.g. slot:"2026-04-27 14:00") with the caller\'s name and email.'
    )


def test_slot_keys_and_times_are_in_the_callers_zone():
    perth = ZoneInfo("Australia/Perth")
    day = DaySlots(MONDAY, (at(MONDAY, 9),))  # 9:00 in Sydney is 7:00 in Perth
    assert "Monday 04/27: 7:00 AM [slot:2026-04-27 07:00]" in texts.slots_text(CONSULT, [day], perth)


def test_no_slot_names_what_was_asked_and_lists_the_nearest_available_day():
    nearest = DaySlots(date(2026, 4, 29), (at(date(2026, 4, 29), 9), at(date(2026, 4, 29), 9, 30)))
    assert texts.no_slots_text(CONSULT, "on Tuesday, 28 April 2026 in the afternoon", nearest, SYD) == (
        "Offering: Free Consultation (30 min)\n"
        "Host: Jane Smith\n"
        "Description: A complimentary session to discuss your needs.\n"
        "\n"
        "No times are available on Tuesday, 28 April 2026 in the afternoon. "
        "The nearest available day is Wednesday, 29 April 2026:\n"
        "Wednesday 04/29: 9:00 AM [slot:2026-04-29 09:00], 9:30 AM [slot:2026-04-29 09:30]\n"
        "\n"
        'To book, pass the exact slot value (e.g. slot:"2026-04-29 09:00") with the caller\'s name and email.'
    )


def test_no_slot_anywhere_says_there_is_nothing_to_offer():
    assert texts.no_slots_text(CONSULT, "next week", None, SYD).endswith(
        "\n\nNo times are available next week, and there are no other free times to offer right now."
    )


def test_the_booked_text_matches_the_contract():
    assert texts.booked_text(booking(), CONSULT, video_expected=True) == (
        "Booked! Sarah Jones's Free Consultation (30 min) is confirmed for Monday, 27 April 2026 at 10:00 AM, "
        "ending at 10:30 AM. A confirmation has been sent to sarah@example.com.\n"
        "Host: Jane Smith\n"
        "Description: A complimentary session to discuss your needs.\n"
        "Video link: https://meet.google.com/abc-defg-hij\n"
        "Booking ID: 5f2c1e0a-1111-4222-8333-944445555666"
    )


def test_a_booking_without_video_leaves_the_link_out_and_a_late_link_says_so():
    in_person = texts.booked_text(booking(google_meet_link=None), CONSULT, video_expected=False)
    assert "Video link" not in in_person
    late = texts.booked_text(booking(google_meet_link=None), CONSULT, video_expected=True)
    assert "Video link: not ready yet; it will be in the calendar invitation." in late.split("\n")


def test_a_failed_booking_is_bold_says_not_to_confirm_and_offers_three_alternatives():
    alternatives = [at(MONDAY, 10, 30), at(MONDAY, 11), at(MONDAY, 11, 30), at(MONDAY, 12)]
    assert texts.booking_failed_text("That time has just been booked by someone else.",
                                     "Offer the caller one of the times below", alternatives, SYD) == (
        "**BOOKING FAILED: That time has just been booked by someone else. Do not tell the caller this is booked.**\n"
        "What to do: Offer the caller one of the times below.\n"
        "Times still available:\n"
        "Monday, 27 April 2026 at 10:30 AM [slot:2026-04-27 10:30]\n"
        "Monday, 27 April 2026 at 11:00 AM [slot:2026-04-27 11:00]\n"
        "Monday, 27 April 2026 at 11:30 AM [slot:2026-04-27 11:30]"
    )


def test_a_failed_booking_without_alternatives_is_only_the_failure_and_the_fix():
    assert texts.booking_failed_text("The email is not valid", None, [], SYD) == (
        "**BOOKING FAILED: The email is not valid. Do not tell the caller this is booked.**"
    )


def test_the_which_booking_lists_number_every_upcoming_booking():
    second = booking(event_type_name="Initial Assessment", starts_at=at(date(2026, 4, 28), 14),
                     ends_at=at(date(2026, 4, 28), 15))
    assert texts.which_booking_text(texts.NOTHING_CANCELLED, [(1, booking()), (2, second)]) == (
        "WHICH BOOKING? Nothing has been cancelled yet.\n"
        "1. Free Consultation on Monday, 27 April 2026 at 10:00 AM\n"
        "2. Initial Assessment on Tuesday, 28 April 2026 at 2:00 PM"
    )
    assert texts.which_booking_text(texts.NOTHING_CHANGED, [(2, second)]).split("\n") == [
        "WHICH BOOKING? Nothing has been changed yet.",
        "2. Initial Assessment on Tuesday, 28 April 2026 at 2:00 PM",
    ]


def test_the_cancelled_text_matches_the_contract():
    assert texts.cancelled_text(booking()) == (
        "Cancelled! Your Free Consultation (30 min) on Monday, 27 April 2026 at 10:00 AM has been cancelled."
    )


def test_the_rescheduled_text_matches_the_contract():
    moved = booking(starts_at=at(date(2026, 4, 28), 14), ends_at=at(date(2026, 4, 28), 14, 30))
    assert texts.rescheduled_text(moved) == (
        "Rescheduled! Your Free Consultation is now confirmed for Tuesday, 28 April 2026 at 2:00 PM.\n"
        "The previous booking has been cancelled."
    )


def test_cancel_and_reschedule_failures_begin_with_their_prefixes():
    assert texts.failed_text(texts.CANCEL_FAILED, "No upcoming booking was found for +61412345678.") == (
        "BOOKING CANCELLATION FAILED: No upcoming booking was found for +61412345678."
    )
    assert texts.failed_text(texts.RESCHEDULE_FAILED, "That time is outside the available hours",
                             ["Your booking is unchanged."]) == (
        "RESCHEDULE FAILED: That time is outside the available hours.\nYour booking is unchanged."
    )


def test_every_answer_stays_under_fifteen_thousand_characters_even_with_huge_input():
    huge = "x" * 50_000
    assert len(texts.booking_failed_text(huge, huge, [], SYD)) < 15_000
    many = [(n, booking(event_type_name=huge)) for n in range(1, 40)]
    listed = texts.which_booking_text(texts.NOTHING_CANCELLED, many)
    assert len(listed) < 15_000 and listed.startswith("WHICH BOOKING? Nothing has been cancelled yet.\n1. ")
    assert len(texts.failed_text(texts.CANCEL_FAILED, huge)) < 15_000
