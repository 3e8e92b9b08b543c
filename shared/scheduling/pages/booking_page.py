"""The public booking page of one event type (the `{rebook_link}`): pick a day, a time, give a name,
email and phone, confirm. Booking goes through `booking_create.create_booking`, so the checks,
their order and their error codes are those of `POST /v1/scheduling-bookings`; the page only adds
the body-shape check the JSON route gets from its model (MISSING_FIELDS, lengths).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from scheduling.domain.models import Company, EventType
from scheduling.errors import DomainError, InvalidTimezone, MissingFields, NotFound, ValidationFailed
from scheduling.pages.lookup import company_by_slug, host_names
from scheduling.pages.picker import Picker, build_picker
from scheduling.services.booking_create import CreateBookingInput, CreatedBooking, create_booking
from scheduling.services.event_types import resolve_event_type
from scheduling.timezones import resolve_timezone

# Offered in the "Show times in" list; the company's own zone and the asked one are added.
COMMON_ZONES = (
    "Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane", "Australia/Adelaide", "Australia/Darwin",
    "Australia/Hobart", "Australia/Perth", "Pacific/Auckland", "Asia/Singapore", "Europe/London", "UTC",
    "America/New_York", "America/Los_Angeles",
)
MAX_LENGTHS = {"fullName": 200, "email": 320, "phone": 40, "message": 5000, "timezone": 200, "date": 40, "time": 40}


@dataclass(frozen=True)
class BookingPage:
    company: Company
    event_type: EventType
    host_names: list[str]
    timezone: str
    zones: list[str]
    picker: Picker | None
    picker_note: str | None


def bookable_event_type(company_slug: str, event_type_slug: str) -> tuple[Company, EventType]:
    """The company and its bookable event type; NotFound (EVENT_TYPE_NOT_FOUND for the type) else."""
    company = company_by_slug(company_slug)
    if company is None:
        raise NotFound("No such business.", code="NOT_FOUND")
    return company, resolve_event_type(company.id, event_type_slug=event_type_slug[:200])


def zone_or_company(name: str | None, company: Company) -> ZoneInfo:
    try:
        return resolve_timezone(name or company.timezone)
    except InvalidTimezone:
        return resolve_timezone(company.timezone)


def booking_page(company_slug: str, event_type_slug: str, now: datetime, *, tz: str | None = None,
                 day: str | None = None, start: str | None = None) -> BookingPage:
    company, event_type = bookable_event_type(company_slug, event_type_slug)
    zone = zone_or_company(tz, company)
    picker, note = None, None
    try:
        picker = build_picker(company.id, event_type.id, zone, now, day=day, start=start)
    except DomainError as error:  # a calendar outage still shows the page, without times
        if error.status < 500:
            raise
        note = "We could not load the free times just now. Please reload the page in a minute."
    zones = list(dict.fromkeys([zone.key, company.timezone, *COMMON_ZONES]))
    return BookingPage(company, event_type, host_names(company.id, event_type.booking_assigned_user_ids),
                       zone.key, zones, picker, note)


def book_from_page(company_slug: str, event_type_slug: str, form: dict[str, str], now: datetime) -> CreatedBooking:
    """Book from the submitted form; raises the JSON create's errors (MISSING_FIELDS first)."""
    company, _ = bookable_event_type(company_slug, event_type_slug)
    missing = [f for f in ("date", "time", "fullName", "email") if not (form.get(f) or "").strip()]
    if missing:
        raise MissingFields("Some required fields are empty.", details={"fields": missing})
    for name, limit in MAX_LENGTHS.items():
        if len(form.get(name) or "") > limit:
            raise ValidationFailed(name, f"at most {limit} characters")
    request = CreateBookingInput(
        date=form["date"].strip(), time=form["time"].strip(), full_name=form["fullName"].strip(),
        email=form["email"].strip(), event_type_slug=event_type_slug, timezone=form.get("timezone") or None,
        phone=(form.get("phone") or "").strip() or None, message=(form.get("message") or "").strip() or None,
    )
    return create_booking(company.id, request, now)
