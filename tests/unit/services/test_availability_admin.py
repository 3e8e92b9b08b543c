"""Working hours through the service (contract §7): company default, a host's own, strict checks."""

from __future__ import annotations

import pytest

from scheduling.errors import DomainError
from scheduling.services.availability_admin import get_availability, put_availability, validated_availability
from tests.support.seeds import COMPANY_ID, JANE_ID, SAM_ID

OLIVE_ID = "8d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c09"  # a user of the other company


def hours(*windows, overrides=(), timezone=None) -> dict:
    body = {"weekly_hours": [{"day": d, "start": s, "end": e} for d, s, e in windows],
            "date_overrides": list(overrides)}
    if timezone is not None:
        body["timezone"] = timezone
    return body


def test_me_and_no_user_id_both_mean_the_company_default(workspace):
    stored = put_availability(COMPANY_ID, "me", hours((2, "10:00", "12:00"), timezone="WA"))
    assert stored.user_id is None and stored.availability.timezone == "Australia/Perth"
    read = get_availability(COMPANY_ID, None)
    assert [(w.day, w.start, w.end) for w in read.availability.weekly_hours] == [(2, "10:00", "12:00")]
    assert read.availability.timezone == "Australia/Perth"


def test_a_host_without_own_hours_reads_the_company_default_until_given_some(workspace):
    before = get_availability(COMPANY_ID, JANE_ID)
    assert before.uses_company_default and len(before.availability.weekly_hours) == 5
    put_availability(COMPANY_ID, JANE_ID, hours((1, "07:00", "09:00"), (1, "13:00", "15:00")))
    after = get_availability(COMPANY_ID, JANE_ID)
    assert not after.uses_company_default and after.user_id == JANE_ID
    assert after.availability.timezone == "Australia/Sydney"  # the company's, as none was sent
    assert len(get_availability(COMPANY_ID, "me").availability.weekly_hours) == 5  # default untouched


def test_a_host_of_another_company_or_an_unknown_id_is_not_found(workspace):
    for user_id in (OLIVE_ID, "00000000-0000-4000-8000-000000000000"):
        for call in (lambda u: get_availability(COMPANY_ID, u), lambda u: put_availability(COMPANY_ID, u, hours())):
            with pytest.raises(DomainError) as caught:
                call(user_id)
            assert caught.value.code == "NOT_FOUND"
    assert get_availability(COMPANY_ID, SAM_ID).availability.timezone == "Australia/Perth"


def test_overrides_are_stored_with_their_reason_and_several_custom_windows_a_day_are_allowed(aws):
    availability = validated_availability(hours((1, "09:00", "17:00"), overrides=[
        {"date": "2026-12-25", "type": "blocked", "reason": "Christmas"},
        {"date": "2026-12-24", "type": "custom", "start": "09:00", "end": "11:00"},
        {"date": "2026-12-24", "type": "custom", "start": "11:00", "end": "12:00"},
    ]), "Australia/Sydney")
    assert [(o.date, o.type, o.reason) for o in availability.date_overrides] == [
        ("2026-12-25", "blocked", "Christmas"), ("2026-12-24", "custom", None), ("2026-12-24", "custom", None)]


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"timezone": "UTC"}, "MISSING_FIELDS", None),
    (hours((7, "09:00", "17:00")), "VALIDATION_ERROR", "weekly_hours.0.day"),
    (hours((1, "9:00", "17:00")), "VALIDATION_ERROR", "weekly_hours.0.start"),
    (hours((1, "09:00", "24:00")), "VALIDATION_ERROR", "weekly_hours.0.end"),
    (hours((1, "17:00", "09:00")), "VALIDATION_ERROR", "weekly_hours.0.end"),
    (hours((1, "09:00", "09:00")), "VALIDATION_ERROR", "weekly_hours.0.end"),
    (hours((1, "09:00", "12:00"), (2, "09:00", "12:00"), (1, "11:30", "13:00")), "VALIDATION_ERROR", "weekly_hours.2"),
    (hours((1, "09:00", "17:00"), timezone="Mars/Olympus"), "INVALID_TIMEZONE", None),
    (hours(overrides=[{"date": "2026-02-30", "type": "blocked"}]), "VALIDATION_ERROR", "date_overrides.0.date"),
    (hours(overrides=[{"date": "26-12-01", "type": "blocked"}]), "VALIDATION_ERROR", "date_overrides.0.date"),
    (hours(overrides=[{"date": "2026-12-01", "type": "holiday"}]), "VALIDATION_ERROR", "date_overrides.0.type"),
    (hours(overrides=[{"date": "2026-12-01", "type": "custom", "start": "09:00"}]),
     "VALIDATION_ERROR", "date_overrides.0.end"),
    (hours(overrides=[{"date": "2026-12-01", "type": "blocked", "start": "09:00"}]),
     "VALIDATION_ERROR", "date_overrides.0.start"),
    (hours(overrides=[{"date": "2026-12-01", "type": "custom", "start": "09:00", "end": "12:00"},
                      {"date": "2026-12-01", "type": "blocked"}]), "VALIDATION_ERROR", "date_overrides.1.date"),
    (hours(overrides=[{"date": "2026-12-01", "type": "custom", "start": "09:00", "end": "12:00"},
                      {"date": "2026-12-01", "type": "custom", "start": "08:00", "end": "09:30"}]),
     "VALIDATION_ERROR", "date_overrides.1"),
])
def test_bad_hours_are_refused_naming_the_field(aws, body, code, field):
    with pytest.raises(DomainError) as caught:
        validated_availability(body, "Australia/Sydney")
    assert caught.value.code == code
    if field:
        assert caught.value.details["field"] == field and caught.value.details["expected"]


def test_touching_windows_on_one_day_are_not_an_overlap(aws):
    availability = validated_availability(hours((1, "09:00", "12:00"), (1, "12:00", "17:00")), "UTC")
    assert len(availability.weekly_hours) == 2
