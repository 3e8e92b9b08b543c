"""Create-booking checks that come before any read: they answer without touching the table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scheduling.errors import DomainError
from scheduling.services.booking_create import AttendeeInput, CreateBookingInput, create_booking

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def error_of(**overrides: object) -> DomainError:
    values = {"date": "2026-12-02", "time": "10:00", "full_name": "Sarah Jones", "email": "sarah@example.com",
              "event_type_id": "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a01"}
    values.update(overrides)
    with pytest.raises(DomainError) as caught:
        create_booking("company-1", CreateBookingInput(**values), NOW)  # type: ignore[arg-type]
    return caught.value


def test_the_attendee_error_names_the_index_of_the_bad_address() -> None:
    error = error_of(attendees=[AttendeeInput("a@example.com"), AttendeeInput("b@example.com"), AttendeeInput("c@")])
    assert error.code == "INVALID_ATTENDEE_EMAIL" and error.details["index"] == 2


def test_a_booker_email_without_a_tld_is_refused_before_attendees_are_looked_at() -> None:
    error = error_of(email="doug@resolvency.", attendees=[AttendeeInput("c@")])
    assert (error.status, error.code) == (400, "INVALID_EMAIL")


def test_no_event_type_identifier_is_missing_fields_naming_event_type_id() -> None:
    error = error_of(event_type_id=None, email="bad@")
    assert (error.code, error.details["fields"]) == ("MISSING_FIELDS", ["event_type_id"])


@pytest.mark.parametrize(("field", "value"), [("date", "02/12/2026"), ("date", "2026-02-30"), ("time", "9am"),
                                              ("time", "24:00")])
def test_a_malformed_date_or_time_is_a_validation_error_naming_the_field(field: str, value: str) -> None:
    error = error_of(**{field: value, "email": "bad@"})
    assert (error.code, error.details["field"]) == ("VALIDATION_ERROR", field)


def test_an_international_phone_is_checked_without_reading_the_company() -> None:
    error = error_of(phone="+61 4123")
    assert (error.code, error.details["field"]) == ("VALIDATION_ERROR", "phone")
