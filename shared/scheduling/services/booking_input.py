"""Checks on what a booker typed: email addresses and phone numbers (E.164 from local formats).

Phone numbers: E.164 (`+61412345678`) is accepted as is when it has 8-15 digits; a local number
is read in the company's `default_country` (`0412 345 678` in AU → `+61412345678`). The countries
below cover the product's markets; any other country needs E.164 input. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scheduling.errors import InvalidEmail, ValidationFailed

# local part @ labels . tld: at least one dot in the domain, a TLD of 2+ letters, no empty labels
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def is_valid_email(value: str | None) -> bool:
    if not isinstance(value, str) or len(value) > 254:
        return False
    text = value.strip()
    local = text.split("@", 1)[0]
    return bool(_EMAIL.fullmatch(text)) and not local.startswith(".") and not local.endswith(".") and ".." not in local


def check_email(value: str) -> str:
    if not is_valid_email(value):
        raise InvalidEmail(
            f"'{value}' is not a valid email address.",
            fix="Send a full email address with a domain and a top-level domain, such as name@example.com.",
            details={"field": "email", "value": value},
        )
    return value.strip()


def check_attendee_emails(emails: list[str | None]) -> None:
    for index, email in enumerate(emails):
        if not is_valid_email(email):
            raise InvalidEmail(
                f"Attendee {index} has an invalid email address: '{email}'.",
                code="INVALID_ATTENDEE_EMAIL",
                fix="Give every attendee a full email address such as name@example.com.",
                details={"index": index, "value": email},
            )


@dataclass(frozen=True)
class CountryPlan:
    calling_code: str
    trunk_prefix: str  # dropped from a local number before adding the calling code
    national_digits: tuple[int, ...]  # allowed lengths of the national significant number


COUNTRIES: dict[str, CountryPlan] = {
    "AU": CountryPlan("61", "0", (9,)),
    "NZ": CountryPlan("64", "0", (8, 9, 10)),
    "GB": CountryPlan("44", "0", (9, 10)),
    "IE": CountryPlan("353", "0", (7, 8, 9)),
    "US": CountryPlan("1", "1", (10,)),
    "CA": CountryPlan("1", "1", (10,)),
    "SG": CountryPlan("65", "", (8,)),
}

_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./-]+$")


def normalise_phone(value: str, default_country: str = "AU", field: str = "phone") -> str:
    """E.164 for `value`, reading a local number in `default_country`; ValidationFailed if not a phone."""
    expected = f"an E.164 number such as +61412345678, or a local {default_country} number such as 0412 345 678"
    text = (value or "").strip()
    if not text or not _PHONE_CHARS.fullmatch(text):
        raise ValidationFailed(field, expected)
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+") or text.startswith("00"):
        digits = digits[2:] if text.startswith("00") else digits
        if not 8 <= len(digits) <= 15 or digits.startswith("0"):
            raise ValidationFailed(field, expected)
        for plan in COUNTRIES.values():  # known countries: check the national length too
            if digits.startswith(plan.calling_code):
                national = digits[len(plan.calling_code):]
                if plan.trunk_prefix and national.startswith(plan.trunk_prefix) and plan.trunk_prefix == "0":
                    national = national[1:]  # +61 0412… is a common mistake for +61 412…
                if len(national) in plan.national_digits:
                    return f"+{plan.calling_code}{national}"
                if plan.calling_code in ("61", "64", "1"):
                    raise ValidationFailed(field, expected)
        return f"+{digits}"
    plan = COUNTRIES.get((default_country or "AU").upper())
    if plan is None:
        raise ValidationFailed(field, f"an E.164 number such as +61412345678 (local numbers are not read "
                                      f"for {default_country})")
    national = digits[len(plan.trunk_prefix):] if plan.trunk_prefix and digits.startswith(plan.trunk_prefix) else digits
    if len(national) not in plan.national_digits:
        raise ValidationFailed(field, expected)
    return f"+{plan.calling_code}{national}"


def try_normalise_phone(value: str | None, default_country: str = "AU") -> str | None:
    """Like `normalise_phone`, but None for a missing or unreadable number (call metadata such as
    "anonymous", or a host's phone typed loosely, must not fail the request it rides along with)."""
    if not value or not str(value).strip():
        return None
    try:
        return normalise_phone(str(value), default_country)
    except ValidationFailed:
        return None


# Longest free text a booking keeps, whoever sends it (JSON body, voice tool, booker page).
TEXT_LIMITS = {"fullName": 200, "message": 5000, "company_name": 200}


def check_text_lengths(**fields: str | None) -> None:
    """VALIDATION_ERROR naming the first field (by its contract name) longer than TEXT_LIMITS allows."""
    for name, value in fields.items():
        limit = TEXT_LIMITS[name]
        if value is not None and len(value) > limit:
            raise ValidationFailed(name, f"at most {limit} characters")
