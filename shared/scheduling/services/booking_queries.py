"""Reading bookings: the list with filters and cursor pages, and one booking with its event type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.domain.models import Booking, EventType
from scheduling.errors import NotFound, ValidationFailed
from scheduling.repositories.bookings import BookingPage


@dataclass(frozen=True)
class BookingFilters:
    status: str | None = None
    event_type_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 25
    after: str | None = None
    # The /scheduling/* family's filters (contract §9); same query, more conditions.
    host_id: str | None = None
    contact_id: str | None = None
    customer_id: str | None = None
    deal_id: str | None = None


def list_bookings(company_id: str, filters: BookingFilters) -> BookingPage:
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise ValidationFailed("date_to", "a date on or after date_from")
    starts_from = starts_before = None
    if filters.date_from or filters.date_to:
        company = wiring.companies().get(company_id)
        zone = ZoneInfo(company.timezone if company else "Australia/Sydney")
        if filters.date_from:
            starts_from = datetime.combine(filters.date_from, time(0), zone)
        if filters.date_to:
            starts_before = datetime.combine(filters.date_to + timedelta(days=1), time(0), zone)
    return wiring.bookings().list_page(
        company_id,
        starts_from=starts_from,
        starts_before=starts_before,
        status=filters.status,
        event_type_id=filters.event_type_id,
        host_id=filters.host_id,
        contact_id=filters.contact_id,
        customer_id=filters.customer_id,
        deal_id=filters.deal_id,
        limit=filters.limit,
        cursor=filters.after,
    )


def get_booking(company_id: str, booking_id: str) -> tuple[Booking, EventType | None]:
    booking = wiring.bookings().get(company_id, booking_id)
    if booking is None:
        raise NotFound(f"No booking {booking_id}.")
    return booking, wiring.companies().get_event_type(company_id, booking.event_type_id)
