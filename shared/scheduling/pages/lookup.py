"""A management link → its company and booking, or a refusal that says nothing about others.

The token is looked up on the BookingByToken index (one Query), then the booking is read again
with a consistent read and must still hold exactly that token and belong to the company of the
link's slug. Anything else — malformed token, unknown slug, unknown, retired (rescheduled) or
cleared (expired) token, another company's booking — is the same `LinkNotFound` (404). A token
still on its booking but past `management_token_expires_at` (the expiry job has not run yet) is
`LinkExpired` (410).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scheduling import wiring
from scheduling.domain.models import Booking, Company
from scheduling.errors import DomainError, NotFound
from scheduling.repositories import keys
from scheduling.repositories.conditions import Key

_TOKEN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


class LinkNotFound(NotFound):
    code = "LINK_NOT_FOUND"


class LinkExpired(DomainError):
    code, status = "LINK_EXPIRED", 410
    default_fix = "Use the link in your most recent email, or contact the business."


@dataclass(frozen=True)
class ManagedBooking:
    company: Company
    booking: Booking


def is_slug(value: str) -> bool:
    return bool(_SLUG.match(value or ""))


def is_token(value: str) -> bool:
    return bool(_TOKEN.match(value or ""))


def company_by_slug(slug: str) -> Company | None:
    return wiring.companies().get_by_slug(slug) if is_slug(slug) else None


def booking_ids_for_token(table: Any, token: str) -> list[tuple[str, str]]:
    """(company id, booking id) of the items the BookingByToken index holds for `token`."""
    page = table.query(
        IndexName="BookingByToken",
        KeyConditionExpression=Key("BookingByTokenPK").eq(keys.booking_by_token(token)["BookingByTokenPK"]),
        Limit=2,
    )
    return [(str(i.get("company_id")), str(i.get("id"))) for i in page.get("Items", [])]


def find_managed_booking(company_slug: str, token: str, now: datetime) -> ManagedBooking:
    """The booking this management link opens; raises LinkNotFound (404) or LinkExpired (410)."""
    missing = LinkNotFound("This link does not open a booking.")
    if not is_token(token) or not is_slug(company_slug):
        raise missing
    candidates = booking_ids_for_token(wiring.table(), token.lower())
    if not candidates:  # a guess costs one Query, not the company look-up too
        raise missing
    company = company_by_slug(company_slug)
    if company is None:
        raise missing
    for company_id, booking_id in candidates:
        if company_id != company.id:
            continue
        booking = wiring.bookings().get(company_id, booking_id)
        if booking is None or booking.management_token != token.lower():
            continue
        expires = booking.management_token_expires_at
        if expires is not None and expires <= now:
            raise LinkExpired("This booking link has expired.")
        return ManagedBooking(company, booking)
    raise missing


def host_names(company_id: str, host_ids: list[str]) -> list[str]:
    """The names of the hosts that still exist (both pages show them; here so the booking page does
    not import the manage page and, with it, the cancel and reschedule services)."""
    names = []
    for host_id in host_ids:
        user = wiring.companies().get_user(company_id, host_id)
        if user is not None:
            names.append(user.name)
    return names
