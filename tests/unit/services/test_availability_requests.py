"""Which event type a body means, and the checks of the two availability requests, on moto.

Workspace: Harbour (Sydney), one host Ann with hours Mon-Fri 09:00-12:00; `now` is Monday
3 June 2030 08:00 AEST. Six event types, three of them bookable.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduling import wiring
from scheduling.errors import DomainError
from scheduling.services.availability_queries import check_availability, list_available_slots
from scheduling.services.event_types import resolve_event_type

SYDNEY = ZoneInfo("Australia/Sydney")
HARBOUR = "c0ffee00-0000-4000-8000-0000000000a1"
ELSEWHERE = "c0ffee00-0000-4000-8000-0000000000a2"
ANN = "a0000000-0000-4000-8000-0000000000a1"
FREE, FOLLOW_UP, ASSESSMENT, ARCHIVED, INTERNAL, UNSTAFFED, FOREIGN = (
    f"e0000000-0000-4000-8000-0000000000a{n}" for n in range(1, 8)
)
NOW = datetime(2030, 6, 3, 8, 0, tzinfo=SYDNEY)


def seed() -> dict:
    def kind(event_type_id: str, slug: str, name: str, **fields) -> dict:
        return {"id": event_type_id, "slug": slug, "name": name, "default_duration_minutes": 30,
                "booking_assigned_user_ids": [ANN], **fields}

    return {"companies": [
        {"id": HARBOUR, "slug": "harbour", "name": "Harbour", "timezone": "Australia/Sydney",
         "availability": {"timezone": "Australia/Sydney",
                          "weekly_hours": [{"day": d, "start": "09:00", "end": "12:00"} for d in range(1, 6)]},
         "users": [{"id": ANN, "name": "Ann", "email": "ann@harbour.example"}],
         "event_types": [
             kind(FREE, "free-consultation", "Free Consultation"),
             kind(FOLLOW_UP, "follow-up-consultation", "Follow-up Consultation"),
             kind(ASSESSMENT, "initial-assessment", "Initial Assessment", default_duration_minutes=60),
             kind(ARCHIVED, "archived-session", "Archived Session", is_active=False),
             kind(INTERNAL, "internal-sync", "Internal Sync", is_bookable=False),
             kind(UNSTAFFED, "unstaffed-call", "Unstaffed Call", booking_assigned_user_ids=[]),
         ]},
        {"id": ELSEWHERE, "slug": "elsewhere", "name": "Elsewhere",
         "users": [{"id": "a0000000-0000-4000-8000-0000000000b1", "name": "Bo", "email": "bo@elsewhere.example"}],
         "event_types": [{"id": FOREIGN, "slug": "secret-session", "name": "Secret Session",
                          "default_duration_minutes": 30, "hosts": ["bo@elsewhere.example"]}]},
    ]}


_seeded_with: list[object] = []


@pytest.fixture
def harbour(_local_aws_session):
    """Seeded once and reused while no other test has reset moto (these tests only read)."""
    from scheduling.api import app as api_app
    from scheduling.seed import apply_seed, plan_seed
    from tools import local_aws

    if _seeded_with[-1:] == [wiring.companies()] and wiring.companies().get(HARBOUR) is not None:
        return
    local_aws.reset()
    api_app.reset_authenticator()
    apply_seed(plan_seed(seed(), NOW), wiring.companies(), wiring.bookings())
    _seeded_with.append(wiring.companies())


def error_of(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


BOOKABLE = [
    {"id": FREE, "slug": "free-consultation", "name": "Free Consultation"},
    {"id": FOLLOW_UP, "slug": "follow-up-consultation", "name": "Follow-up Consultation"},
    {"id": ASSESSMENT, "slug": "initial-assessment", "name": "Initial Assessment"},
]


# ── event type resolution ───────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("given", "expected"), [
    ({"event_type_id": FREE}, FREE),
    ({"event_type_id": FREE, "event_type_slug": "initial-assessment", "event_type_name": "Follow-up"}, FREE),
    ({"event_type_slug": "INITIAL-assessment"}, ASSESSMENT),
    ({"event_type_slug": "initial-assessment", "event_type_name": "Free Consultation"}, ASSESSMENT),
    ({"event_type_name": "free consultation"}, FREE),  # exact wins though "consultation" is in two names
    ({"event_type_name": "Free Consultaton"}, FREE),  # a typo
    ({"event_type_name": "free consult"}, FREE),  # word starts
    ({"event_type_name": "assessment"}, ASSESSMENT),  # part of one name
    ({"event_type_id": "  ", "event_type_slug": "", "event_type_name": "Initial Assessment"}, ASSESSMENT),
])
def test_an_event_type_is_found_by_id_else_slug_else_name(harbour, given, expected):
    assert resolve_event_type(HARBOUR, **given).id == expected


def test_a_name_close_to_several_event_types_is_ambiguous_and_lists_them(harbour):
    error = error_of(resolve_event_type, HARBOUR, event_type_name="consultation")
    assert (error.status, error.code) == (400, "EVENT_TYPE_AMBIGUOUS")
    assert error.details == {"candidates": BOOKABLE[:2]}


@pytest.mark.parametrize("given", [
    {"event_type_name": "Yoga Class"},
    {"event_type_slug": "yoga"},
    {"event_type_id": "no-such-id"},
    {"event_type_id": ARCHIVED},  # inactive
    {"event_type_slug": "internal-sync"},  # not bookable
    {"event_type_name": "Unstaffed Call"},  # no host
    {"event_type_id": FOREIGN},  # another company's
])
def test_an_unknown_or_unbookable_event_type_is_not_found_and_the_bookable_ones_are_listed(harbour, given):
    error = error_of(resolve_event_type, HARBOUR, **given)
    assert (error.status, error.code) == (404, "EVENT_TYPE_NOT_FOUND")
    assert error.details == {"available": BOOKABLE}


def test_no_event_type_identifier_is_missing_event_type_id(harbour):
    error = error_of(resolve_event_type, HARBOUR, event_type_name="   ")
    assert (error.status, error.code, error.details) == (400, "MISSING_FIELDS", {"fields": ["event_type_id"]})


# ── check-availability ──────────────────────────────────────────────────────────────────────


def check(**overrides):
    body = {"event_type_id": FREE, "date_value": "2030-06-04", "time_value": "09:30", "timezone_name": "NSW"}
    body.update(overrides)
    return check_availability(HARBOUR, now=NOW, **body)


def test_a_free_time_is_available_with_the_free_times_either_side(harbour):
    answer = check()
    assert (answer.available, answer.reason) == (True, None)
    assert answer.asked.instant == datetime(2030, 6, 4, 9, 30, tzinfo=SYDNEY)
    assert [s.start for s in (answer.nearest_before, answer.nearest_after)] == [
        datetime(2030, 6, 4, 9, 0, tzinfo=SYDNEY), datetime(2030, 6, 4, 10, 0, tzinfo=SYDNEY),
    ]


def test_a_time_asked_in_another_zone_is_that_zones_wall_clock(harbour):
    # 07:30 in Perth is 09:30 in Sydney, inside Ann's hours.
    answer = check(time_value="07:30", timezone_name="WA")
    assert answer.available
    assert answer.asked.instant == datetime(2030, 6, 4, 9, 30, tzinfo=SYDNEY)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"date_value": "04/06/2030"}, "date"),
    ({"date_value": "2030-02-30"}, "date"),
    ({"date_value": "9999-12-31", "timezone_name": "Pacific/Honolulu"}, "date"),  # no instant exists
    ({"time_value": "9:30"}, "time"),
    ({"time_value": "24:00"}, "time"),
    ({"time_value": "9am"}, "time"),
])
def test_a_badly_formatted_date_or_time_is_a_validation_error_naming_the_field(harbour, overrides, field):
    error = error_of(check, **overrides)
    assert (error.status, error.code, error.details["field"]) == (400, "VALIDATION_ERROR", field)
    assert error.details["expected"]


def test_errors_come_in_the_contracts_order_format_then_event_type_given_then_zone_then_event_type(harbour):
    assert error_of(check, date_value="soon", event_type_id=None, timezone_name="Mars").code == "VALIDATION_ERROR"
    assert error_of(check, event_type_id=None, timezone_name="Mars").code == "MISSING_FIELDS"
    assert error_of(check, event_type_id="nope", timezone_name="Mars").code == "INVALID_TIMEZONE"
    assert error_of(check, event_type_id="nope").code == "EVENT_TYPE_NOT_FOUND"


# ── available-slots ─────────────────────────────────────────────────────────────────────────


def listing(**overrides):
    body = {"event_type_id": ASSESSMENT, "date_from": "2030-06-04", "date_to": "2030-06-05", "timezone_name": "NSW"}
    body.update(overrides)
    return list_available_slots(HARBOUR, now=NOW, **body)


def test_slots_are_listed_in_the_asked_zone_for_the_inclusive_dates(harbour):
    result = listing(timezone_name="WA")
    assert result.tz.key == "Australia/Perth"
    assert [s.start.astimezone(result.tz).strftime("%d %H:%M") for s in result.slots] == [
        "04 07:00", "04 08:00", "04 09:00", "05 07:00", "05 08:00", "05 09:00",
    ]


def test_the_dates_default_to_today_in_the_asked_zone_and_fourteen_days_on(harbour):
    # Monday 08:00 in Sydney is still Sunday 2 June in London.
    result = listing(date_from=None, date_to=None, timezone_name="London")
    assert (result.date_from, result.date_to) == (date(2030, 6, 2), date(2030, 6, 16))
    assert result.slots[0].start == datetime(2030, 6, 3, 9, 0, tzinfo=SYDNEY)


def test_thirty_days_can_be_listed_but_not_thirty_one(harbour):
    assert listing(date_to="2030-07-04").date_to == date(2030, 7, 4)
    error = error_of(listing, date_to="2030-07-05")
    assert (error.status, error.code, error.details["field"]) == (400, "VALIDATION_ERROR", "date_to")


def test_a_date_to_before_date_from_is_a_validation_error(harbour):
    error = error_of(listing, date_to="2030-06-03")
    assert (error.code, error.details["field"]) == ("VALIDATION_ERROR", "date_to")


def test_an_unknown_time_zone_is_invalid_timezone(harbour):
    error = error_of(listing, timezone_name="Atlantis/Lost")
    assert (error.status, error.code) == (400, "INVALID_TIMEZONE")
