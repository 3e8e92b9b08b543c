"""The management page of one booking: what it is, and cancel / reschedule through the API's services.

    manage_page(slug, token, now, day=, start=)         ManagePage (the view) or a lookup refusal
    cancel_from_page(slug, token, reason, now)          booking_cancel.cancel_booking
    reschedule_from_page(slug, token, date, time, now)  booking_reschedule.reschedule_booking
                                                        (the new booking carries the new token)

Only a confirmed booking that has not started offers actions; a cancelled (or attended, late,
missed) booking shows its state and nothing to press, except that a cancelled one links to the event
type's booking page to book again. Times are in the booker's time zone; the picker opens on the
booking's own day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from scheduling.domain.models import Booking, Company
from scheduling.errors import Conflict, DomainError, MissingFields
from scheduling.formatting import format_date, format_time
from scheduling.pages.lookup import ManagedBooking, find_managed_booking, host_names
from scheduling.pages.picker import Picker, build_picker
from scheduling.services.booking_cancel import CancelledBooking, cancel_booking
from scheduling.services.booking_reschedule import RescheduledBooking, reschedule_booking

STATUS_LABELS = {
    "confirmed": "Confirmed", "cancelled": "Cancelled", "attended": "Attended",
    "late": "Marked late", "no_show": "Missed",
}


@dataclass(frozen=True)
class ManagePage:
    company: Company
    booking: Booking
    token: str
    booker_name: str
    event_type_name: str
    host_names: list[str]
    date_label: str  # Tuesday, 1 December 2026
    time_label: str  # 9:00 AM – 9:30 AM
    timezone: str
    duration_minutes: int
    status: str
    status_label: str
    meet_link: str | None
    can_change: bool
    has_started: bool
    picker: Picker | None
    picker_note: str | None  # why no times can be offered (e.g. the event type is no longer bookable)
    book_again_slug: str | None = None  # a cancelled booking's event type, while it can still be booked


def manage_page(company_slug: str, token: str, now: datetime, *, day: str | None = None,
                start: str | None = None) -> ManagePage:
    managed = find_managed_booking(company_slug, token, now)
    return view_of(managed, token, now, day=day, start=start)


def view_of(managed: ManagedBooking, token: str, now: datetime, *, day: str | None = None,
            start: str | None = None) -> ManagePage:
    company, booking = managed.company, managed.booking
    tz = ZoneInfo(booking.timezone)
    has_started = booking.starts_at <= now
    can_change = booking.status == "confirmed" and not has_started
    local_start = booking.starts_at.astimezone(tz)
    picker, note = None, None
    if can_change:
        try:
            picker = build_picker(company.id, booking.event_type_id, tz, now,
                                  day=day or local_start.date().isoformat(), start=start, exclude=booking.starts_at)
        except DomainError as error:
            if error.code == "EVENT_TYPE_NOT_FOUND":
                note = "This appointment type can no longer be booked online, so it cannot be moved here."
            elif error.status >= 500:
                note = "We could not load the free times just now. Please reload the page in a minute."
            else:
                raise
    return ManagePage(
        company=company, booking=booking, token=token, booker_name=booking.booker_name,
        event_type_name=booking.event_type_name,
        host_names=host_names(company.id, booking.host_user_ids),
        date_label=format_date(local_start.date()),
        time_label=f"{format_time(local_start)} – {format_time(booking.ends_at, tz)}",
        timezone=booking.timezone, duration_minutes=booking.duration_minutes, status=booking.status,
        status_label=STATUS_LABELS.get(booking.status, booking.status),
        meet_link=booking.join_link if booking.status == "confirmed" else None,
        can_change=can_change, has_started=has_started, picker=picker, picker_note=note,
        book_again_slug=_bookable_slug(company.id, booking.event_type_id) if booking.status == "cancelled" else None,
    )


def _bookable_slug(company_id: str, event_type_id: str) -> str | None:
    from scheduling import wiring

    event_type = wiring.companies().get_event_type(company_id, event_type_id)
    return event_type.slug if event_type is not None and event_type.offers_slots else None


def _require_changeable(booking: Booking, now: datetime) -> None:
    if booking.status == "confirmed" and booking.starts_at <= now:
        raise Conflict("This booking has already started and can no longer be changed.",
                       code="INVALID_STATUS_TRANSITION", details={"current_status": booking.status})


def cancel_from_page(company_slug: str, token: str, reason: str | None, now: datetime) -> CancelledBooking:
    managed = find_managed_booking(company_slug, token, now)
    _require_changeable(managed.booking, now)
    return cancel_booking(managed.company.id, managed.booking.id, reason, now)


def reschedule_from_page(company_slug: str, token: str, date: str | None, time: str | None,
                         now: datetime) -> RescheduledBooking:
    managed = find_managed_booking(company_slug, token, now)
    missing = [name for name, value in (("date", date), ("time", time)) if not (value or "").strip()]
    if missing:
        raise MissingFields("Choose a day and a time.", details={"fields": missing})
    _require_changeable(managed.booking, now)
    booking = managed.booking
    return reschedule_booking(managed.company.id, booking.id, str(date).strip(), str(time).strip(),
                              booking.timezone, now)
