"""What the caller asked for, in words the agent passes on (contract §5 item 11).

`preferred_day` → an inclusive range of local dates:
    asap (default)          today … the last bookable day
    today / tomorrow        that day
    monday … sunday         the next such day, today included ("next monday": after today)
    this week / next week   today … Sunday / next Monday … next Sunday
    YYYY-MM-DD              that day; a past date rolls forward to the next day of its weekday
`preferred_time` → a filter on the slot's local start time:
    morning 05:00–12:00, afternoon 12:00–17:00, evening 17:00–22:00 (end excluded)
    "around 2pm", "2pm", "2:30 pm", "14:00"  within 90 minutes either side
A time-of-day word inside `preferred_day` ("tomorrow afternoon") is used when `preferred_time`
is empty. Anything else is a `ValidationFailed` naming the accepted words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from scheduling.errors import ValidationFailed
from scheduling.formatting import DAY_NAMES, format_date, format_time

AROUND_MINUTES = 90
PERIODS = {"morning": (5 * 60, 12 * 60), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, 22 * 60)}
_WEEKDAYS = {name.lower(): index for index, name in enumerate(DAY_NAMES)}
_WEEKDAYS.update({name[:3].lower(): index for index, name in enumerate(DAY_NAMES)})
_WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})
_CLOCK = re.compile(r"(?:around|about|at|near|approximately|approx\.?|~)?\s*"
                    r"(?P<h>[0-9]{1,2})(?::(?P<m>[0-9]{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?")
_DAY_EXPECTED = "asap, today, tomorrow, a weekday name, this week, next week or a date as YYYY-MM-DD"
_TIME_EXPECTED = "morning, afternoon, evening, 'around 2pm' or a time such as 14:00"


@dataclass(frozen=True)
class DayPreference:
    first: date
    last: date
    phrase: str  # completes "No times are available …": "on Monday, 27 April 2026", "next week"


@dataclass(frozen=True)
class TimePreference:
    start_minute: int  # minutes after local midnight, inclusive
    end_minute: int  # exclusive for periods; inclusive for "around"
    phrase: str  # "in the morning", "around 2:00 PM", "" for any time
    around: bool = False

    def allows(self, local: time) -> bool:
        minute = local.hour * 60 + local.minute
        if self.around:
            return self.start_minute <= minute <= self.end_minute
        return self.start_minute <= minute < self.end_minute


ANY_TIME = TimePreference(0, 24 * 60, "")


def parse_preferences(
    preferred_day: str | None, preferred_time: str | None, today: date, last_bookable: date
) -> tuple[DayPreference, TimePreference]:
    day_text = _words(preferred_day)
    time_text = _words(preferred_time)
    if not time_text and day_text:
        for period in PERIODS:
            if day_text.endswith(period) and day_text != period:
                day_text, time_text = day_text[: -len(period)].strip(), period
                break
    if day_text in PERIODS and not time_text:  # "afternoon" alone: the soonest afternoon
        day_text, time_text = "", day_text
    return parse_preferred_day(day_text, today, last_bookable), parse_preferred_time(time_text)


def parse_preferred_day(value: str | None, today: date, last_bookable: date) -> DayPreference:
    text = _words(value)
    if text in ("", "asap", "as soon as possible", "soonest", "earliest", "any", "anytime", "any day", "soon"):
        return DayPreference(today, max(today, last_bookable), "soon")
    if text == "today":
        return DayPreference(today, today, "today")
    if text == "tomorrow":
        day = today + timedelta(days=1)
        return DayPreference(day, day, "tomorrow")
    if text in ("this week", "rest of the week", "this weeks"):
        sunday = today + timedelta(days=6 - today.weekday())
        return DayPreference(today, sunday, "this week")
    if text in ("next week", "the week after"):
        monday = today + timedelta(days=7 - today.weekday())
        return DayPreference(monday, monday + timedelta(days=6), "next week")
    strict_next = False
    for prefix in ("next ", "this ", "on ", "coming "):
        if text.startswith(prefix):
            strict_next = prefix == "next "
            text = text[len(prefix):]
            break
    if text in _WEEKDAYS:
        ahead = (_WEEKDAYS[text] - today.weekday()) % 7
        if strict_next and ahead == 0:
            ahead = 7
        day = today + timedelta(days=ahead)
        return DayPreference(day, day, f"on {format_date(day)}")
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValidationFailed("preferred_day", _DAY_EXPECTED, message=f"'{value}' is not a real date.") from None
        if day < today:  # an agent guessing last year's date: keep the weekday the caller named
            day = today + timedelta(days=(day.weekday() - today.weekday()) % 7)
        return DayPreference(day, day, f"on {format_date(day)}")
    raise ValidationFailed("preferred_day", _DAY_EXPECTED, message=f"'{value}' is not a day we understand.")


def parse_preferred_time(value: str | None) -> TimePreference:
    text = _words(value)
    if text in ("", "any", "anytime", "any time", "whenever", "asap", "no preference"):
        return ANY_TIME
    for prefix in ("in the ", "this ", "late ", "early "):
        if text.startswith(prefix) and text[len(prefix):] in PERIODS:
            text = text[len(prefix):]
    if text in PERIODS:
        start, end = PERIODS[text]
        return TimePreference(start, end, f"in the {text}")
    if text in ("noon", "midday", "around noon", "around midday"):
        text = "12:00"
    match = _CLOCK.fullmatch(text)
    if match:
        hour, minute = int(match["h"]), int(match["m"] or 0)
        ampm = (match["ampm"] or "").replace(".", "")
        if ampm and not 1 <= hour <= 12:
            match = None
        elif ampm:
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        elif not match["m"] and 1 <= hour <= 6:
            hour += 12  # a bare "3" on a phone call means 3 PM, not 3 AM
    if match and hour <= 23 and minute <= 59:
        center = hour * 60 + minute
        phrase = f"around {format_time(time(hour, minute))}"
        return TimePreference(max(0, center - AROUND_MINUTES), min(24 * 60 - 1, center + AROUND_MINUTES), phrase, True)
    raise ValidationFailed("preferred_time", _TIME_EXPECTED, message=f"'{value}' is not a time of day we understand.")


def _words(value: str | None) -> str:
    return " ".join(str(value or "").lower().replace(",", " ").split())
