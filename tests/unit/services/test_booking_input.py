"""What a booker types: which email addresses are refused, and how phone numbers become E.164."""

from __future__ import annotations

import pytest

from scheduling.errors import InvalidEmail, ValidationFailed
from scheduling.services.booking_input import check_attendee_emails, check_email, is_valid_email, normalise_phone


@pytest.mark.parametrize("email", [
    "doug@resolvency.", "doug@resolvency", "doug@", "@example.com", "doug", "doug@@example.com",
    "doug@.example.com", "doug@example..com", "doug@example.c", "do ug@example.com", ".doug@example.com",
    "doug.@example.com", "do..ug@example.com", "doug@-example.com", "",
])
def test_an_address_without_a_full_domain_and_tld_is_refused(email: str) -> None:
    assert not is_valid_email(email)
    with pytest.raises(InvalidEmail) as caught:
        check_email(email)
    assert caught.value.code == "INVALID_EMAIL"


@pytest.mark.parametrize("email", [
    "doug@resolvency.com.au", "Sarah.Jones+work@Example.COM", "a@b.io", "o'brien@example.ie",
])
def test_ordinary_addresses_are_accepted(email: str) -> None:
    assert check_email(f"  {email} ") == email


def test_the_first_bad_attendee_address_is_named_by_its_index() -> None:
    with pytest.raises(InvalidEmail) as caught:
        check_attendee_emails(["ok@example.com", "ok2@example.com", "nope@", "also@bad"])
    assert caught.value.code == "INVALID_ATTENDEE_EMAIL"
    assert caught.value.details["index"] == 2


@pytest.mark.parametrize(("typed", "country", "e164"), [
    ("0412 345 678", "AU", "+61412345678"),
    ("0412-345-678", "AU", "+61412345678"),
    ("(02) 9876 5432", "AU", "+61298765432"),
    ("+61 412 345 678", "AU", "+61412345678"),
    ("+61 0412 345 678", "AU", "+61412345678"),
    ("0061 412 345 678", "AU", "+61412345678"),
    ("021 234 5678", "NZ", "+64212345678"),
    ("(415) 555-0100", "US", "+14155550100"),
    ("07700 900123", "GB", "+447700900123"),
    ("+44 7700 900123", "AU", "+447700900123"),
])
def test_local_and_international_numbers_become_e164(typed: str, country: str, e164: str) -> None:
    assert normalise_phone(typed, country) == e164


@pytest.mark.parametrize("typed", ["0412 345", "04123456789", "call me", "+61 4123", "+0412345678", "12ab34"])
def test_numbers_that_cannot_be_a_phone_are_a_validation_error_naming_the_field(typed: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalise_phone(typed, "AU")
    assert caught.value.code == "VALIDATION_ERROR"
    assert caught.value.details["field"] == "phone"
    assert "+61412345678" in caught.value.details["expected"]


def test_free_text_longer_than_a_booking_keeps_is_refused_naming_the_field():
    from scheduling.errors import ValidationFailed
    from scheduling.services.booking_input import check_text_lengths

    check_text_lengths(fullName="x" * 200, message=None, company_name="Acme")
    with pytest.raises(ValidationFailed) as refused:
        check_text_lengths(fullName="x" * 60_000, message=None, company_name=None)
    assert refused.value.details == {"field": "fullName", "expected": "at most 200 characters"}
