import pytest

from scheduling.errors import ValidationFailed
from scheduling.voice.phones import normalise_phone, try_normalise_phone


@pytest.mark.parametrize(
    "typed",
    ["0412 345 678", "0412345678", "(04) 1234 5678", "0412-345-678", "+61 412 345 678", "+61412345678",
     "0061 412 345 678", "+61 (0)412 345 678"],
)
def test_an_australian_mobile_typed_any_usual_way_is_the_same_e164_number(typed):
    assert normalise_phone(typed, "AU") == "+61412345678"


def test_an_australian_landline_with_area_code_becomes_e164():
    assert normalise_phone("(02) 9876 5432", "AU") == "+61298765432"


def test_an_international_number_keeps_its_own_country_whatever_the_company_default():
    assert normalise_phone("+44 20 7946 0958", "AU") == "+442079460958"


def test_a_local_number_is_read_in_the_companys_default_country():
    assert normalise_phone("021 123 4567", "NZ") == "+64211234567"
    assert normalise_phone("(415) 555-0100", "US") == "+14155550100"


@pytest.mark.parametrize("typed", ["12345", "0412 345", "call me maybe", "+0412345678", "0412 345 678 999"])
def test_something_that_is_not_a_phone_number_is_refused_with_the_field_named(typed):
    with pytest.raises(ValidationFailed) as caught:
        normalise_phone(typed, "AU")
    assert caught.value.details["field"] == "phone"


def test_call_metadata_that_cannot_be_read_is_treated_as_no_number():
    assert try_normalise_phone("anonymous", "AU") is None
    assert try_normalise_phone(None, "AU") is None
    assert try_normalise_phone("+61412345678", "AU") == "+61412345678"
