from datetime import date, time

import pytest

from scheduling.errors import ValidationFailed
from scheduling.voice.preferences import parse_preferences, parse_preferred_day, parse_preferred_time

WEDNESDAY = date(2026, 4, 22)
LAST = date(2026, 6, 21)


def day(text):
    pref = parse_preferred_day(text, WEDNESDAY, LAST)
    return pref.first, pref.last


def test_no_preference_means_as_soon_as_possible_up_to_the_last_bookable_day():
    assert day(None) == (WEDNESDAY, LAST)
    assert day("ASAP") == (WEDNESDAY, LAST)


def test_today_and_tomorrow_are_single_days():
    assert day("today") == (WEDNESDAY, WEDNESDAY)
    assert day("Tomorrow") == (date(2026, 4, 23), date(2026, 4, 23))


def test_a_weekday_name_is_the_next_such_day_including_today():
    assert day("Monday") == (date(2026, 4, 27), date(2026, 4, 27))
    assert day("friday") == (date(2026, 4, 24), date(2026, 4, 24))
    assert day("wednesday") == (WEDNESDAY, WEDNESDAY)
    assert day("next wednesday") == (date(2026, 4, 29), date(2026, 4, 29))
    assert day("thu") == (date(2026, 4, 23), date(2026, 4, 23))


def test_this_week_runs_to_sunday_and_next_week_is_monday_to_sunday():
    assert day("this week") == (WEDNESDAY, date(2026, 4, 26))
    assert day("next week") == (date(2026, 4, 27), date(2026, 5, 3))


def test_a_date_is_that_day_and_a_past_date_rolls_to_the_next_day_of_its_weekday():
    assert day("2026-05-04") == (date(2026, 5, 4), date(2026, 5, 4))
    # 2025-04-21 was a Monday: an agent that guessed last year's date means the coming Monday.
    assert day("2025-04-21") == (date(2026, 4, 27), date(2026, 4, 27))
    # 2026-04-15 was last Wednesday: today is the next Wednesday.
    assert day("2026-04-15") == (WEDNESDAY, WEDNESDAY)


@pytest.mark.parametrize("text", ["someday", "2026-02-30", "the 5th"])
def test_a_day_we_cannot_read_names_the_accepted_words(text):
    with pytest.raises(ValidationFailed) as caught:
        parse_preferred_day(text, WEDNESDAY, LAST)
    assert caught.value.details["field"] == "preferred_day"
    assert "next week" in caught.value.details["expected"]


def window(text):
    pref = parse_preferred_time(text)
    return [t for t in (time(4, 59), time(5, 0), time(11, 59), time(12, 0), time(12, 30), time(15, 30),
                        time(15, 31), time(16, 59), time(17, 0), time(21, 59), time(22, 0)) if pref.allows(t)]


def test_morning_afternoon_and_evening_are_half_open_periods():
    assert window("morning") == [time(5, 0), time(11, 59)]
    assert window("in the afternoon") == [time(12, 0), time(12, 30), time(15, 30), time(15, 31), time(16, 59)]
    assert window("Evening") == [time(17, 0), time(21, 59)]


def test_around_a_time_means_within_ninety_minutes_either_side():
    assert window("around 2pm") == [time(12, 30), time(15, 30)]
    assert window("14:00") == [time(12, 30), time(15, 30)]
    assert window("2 PM") == [time(12, 30), time(15, 30)]
    assert parse_preferred_time("around 2pm").phrase == "around 2:00 PM"


def test_no_time_preference_allows_any_time():
    assert len(window(None)) == 11


@pytest.mark.parametrize("text", ["lunchtime-ish", "25:00", "13pm"])
def test_a_time_we_cannot_read_names_the_accepted_words(text):
    with pytest.raises(ValidationFailed) as caught:
        parse_preferred_time(text)
    assert caught.value.details["field"] == "preferred_time"


def test_a_time_of_day_inside_the_day_is_used_when_no_time_is_given():
    day_pref, time_pref = parse_preferences("tomorrow afternoon", None, WEDNESDAY, LAST)
    assert (day_pref.first, time_pref.phrase) == (date(2026, 4, 23), "in the afternoon")
    day_pref, time_pref = parse_preferences("morning", None, WEDNESDAY, LAST)
    assert (day_pref.first, day_pref.last, time_pref.phrase) == (WEDNESDAY, LAST, "in the morning")
