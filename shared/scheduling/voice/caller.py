"""Who is calling and where: the caller's time zone and phone number, and their upcoming bookings.

Time zone (contract §5): `state` → its zone, else `timezone`, else Australia/Sydney. A state may be
a shorthand (`WA`), a capital or a full name ("Western Australia").
Phone: `args.phone`, else the other party of the call (`from_number` inbound, `to_number`
outbound), in E.164 read with the company's default country.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from scheduling.domain.models import Booking, Company
from scheduling.errors import DomainError
from scheduling.repositories.voice import voice_repository
from scheduling.timezones import DEFAULT_TIMEZONE, resolve_timezone
from scheduling.voice.envelope import VoiceRequest
from scheduling.voice.phones import normalise_phone, try_normalise_phone

AU_STATE_NAMES = {
    "new south wales": "NSW", "victoria": "VIC", "queensland": "QLD", "south australia": "SA",
    "western australia": "WA", "tasmania": "TAS", "northern territory": "NT",
    "australian capital territory": "ACT",
}


class NoCallerNumber(DomainError):
    code, status = "NO_PHONE_NUMBER", 400
    default_fix = "Ask the caller for the phone number they booked with and send it as 'phone'."


def caller_zone(request: VoiceRequest) -> ZoneInfo:
    state = request.text("state")
    if state:
        return resolve_timezone(AU_STATE_NAMES.get(" ".join(state.lower().split()), state))
    return resolve_timezone(request.text("timezone") or DEFAULT_TIMEZONE)


def given_zone(request: VoiceRequest) -> ZoneInfo | None:
    """The caller's zone only when `state` or `timezone` was sent (reschedule defaults elsewhere)."""
    return caller_zone(request) if request.text("state") or request.text("timezone") else None


def caller_phone(request: VoiceRequest, company: Company) -> str:
    """E.164 of the caller; a typed `phone` that cannot be read is an error, call metadata is not."""
    country = company.settings.default_country
    typed = request.text("phone")
    if typed:
        return normalise_phone(typed, country)
    found = try_normalise_phone(request.caller_number, country)
    if found is None:
        raise NoCallerNumber("There is no phone number to look the booking up by.")
    return found


def booking_phone(request: VoiceRequest, company: Company) -> str | None:
    """The phone a new booking records: the typed one (the booking service checks it), else the
    call's number when readable, else none."""
    return request.text("phone") or try_normalise_phone(request.caller_number, company.settings.default_country)


def upcoming_bookings(company_id: str, phone: str, now: datetime) -> list[Booking]:
    """The caller's confirmed bookings that have not started yet, soonest first."""
    found = voice_repository().list_by_phone(company_id, phone, now)
    return sorted((b for b in found if b.status == "confirmed" and b.starts_at > now), key=lambda b: b.starts_at)
