"""The caller's phone number as E.164, read the same way the booking service stores it.

`+61 412 345 678` and (company default country AU) `0412 345 678` are both `+61412345678`: the
booking service's `normalise_phone` decides, so a number typed on the phone finds the bookings the
JSON API made (the BookingsByPhone index is keyed by exactly that string).
"""

from __future__ import annotations

from scheduling.services.booking_input import normalise_phone as _normalise
from scheduling.services.booking_input import try_normalise_phone  # noqa: F401 - the voice tools' name for it


def normalise_phone(raw: str, default_country: str = "AU", field: str = "phone") -> str:
    """E.164 for `raw` read in `default_country`; `ValidationFailed` naming `field` otherwise."""
    return _normalise(raw, default_country, field)
