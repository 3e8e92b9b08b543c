"""Move a confirmed booking to another time (contract §3 item 4b, §5 item 14): one implementation
for the voice tool, the booker's page and the JSON endpoint.

Order, so a caller can never end up with no booking:
1. create the new booking through `booking_create.create_booking` (same event type, host pool,
   booker, attendees, message; every check, lock and side effect of a normal create);
2. cancel the old one through `booking_cancel.cancel_booking`;
3. if that cancel fails, cancel the new booking again (rollback) and report the failure: the
   caller keeps exactly the booking they had.
The new booking is created on the old one's opportunity (`deal_id`; no second opportunity is
opened), the old management token stops working (the new booking has its own), and a notetaker bot
moves with it when that module is present. Reminders move by themselves: create schedules the new ones, cancel drops the old.
The new booking continues the old one's invitation (same UID, SEQUENCE + 1): the booker's calendar
moves the event, and the old booking's email carries the new invitation, not a CANCEL of the UID.

Known limit: the old booking holds its slot until step 2, so moving a booking to a time that
overlaps itself (10:00 → 10:15 with the same host) is refused as `booked`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from scheduling import wiring
from scheduling.domain.models import Booking
from scheduling.errors import Conflict, DomainError, NotFound, ServiceUnavailable
from scheduling.services import notetaker, token_expiry
from scheduling.services.booking_cancel import CancelledBooking, cancel_booking
from scheduling.services.booking_create import AttendeeInput, CreateBookingInput, CreatedBooking, create_booking
from scheduling.services.invitations import invitation_uid

logger = logging.getLogger("scheduling.booking_reschedule")

ROLLBACK_REASON = "Rescheduling failed: the original booking could not be cancelled, so this one was withdrawn."


@dataclass
class RescheduledBooking:
    booking: Booking  # the new one
    previous: Booking  # the old one, now cancelled
    created: CreatedBooking


def reschedule_booking(
    company_id: str,
    booking_id: str,
    date: str,
    time: str,
    timezone: str | None,
    now: datetime,
    reason: str | None = None,
    *,
    cancel: Callable[[str, str, str | None, datetime], CancelledBooking] = cancel_booking,
) -> RescheduledBooking:
    """The new booking and the cancelled old one; raises scheduling.errors exceptions only.

    `timezone` (of `date`/`time`) defaults to the booking's own. `cancel` is the step-2 cancel
    (tests inject a failing one to exercise the rollback).
    """
    old = wiring.bookings().get(company_id, booking_id)
    if old is None:
        raise NotFound(f"No booking {booking_id}.")
    if old.status != "confirmed":
        raise Conflict(
            f"This booking is {old.status.replace('_', ' ')} and can no longer be moved.",
            code="INVALID_STATUS_TRANSITION",
            fix="Only confirmed bookings can be rescheduled; make a new booking instead.",
            details={"current_status": old.status},
        )
    created = create_booking(company_id, _same_booker(old, date, time, timezone or old.timezone), now,
                             announce=False)
    new = created.booking
    try:
        cancelled = cancel(company_id, old.id, reason or "Rescheduled", now, superseded_by=new.id, replacement=new)
    except Exception as error:
        _roll_back(company_id, new, now)
        if isinstance(error, DomainError):
            raise
        logger.exception("cancelling %s for a reschedule failed", old.id)
        raise ServiceUnavailable(
            "The original booking could not be cancelled, so nothing was changed.", fix="Retry in a few seconds."
        ) from error
    previous = _retire_token(cancelled.booking, now)
    if cancelled.may_have_notetaker:
        _move_notetaker(old, new, now)
    return RescheduledBooking(new, previous, created)


def _same_booker(old: Booking, date: str, time: str, timezone: str) -> CreateBookingInput:
    return CreateBookingInput(
        date=date, time=time, timezone=timezone, event_type_id=old.event_type_id,
        full_name=old.booker_name, email=old.booker_email, phone=old.booker_phone, message=old.message,
        company_name=old.company_name,
        attendees=[AttendeeInput(a.email, a.name, a.phone) for a in old.attendees],
        opportunity_id=old.deal_id,
        ical_uid=invitation_uid(old), ical_sequence=old.ical_sequence + 1,
    )


def _roll_back(company_id: str, new: Booking, now: datetime) -> None:
    try:
        cancel_booking(company_id, new.id, ROLLBACK_REASON, now, announce=False)
    except Exception:  # the caller now holds two bookings: loud in the logs, the answer still fails
        logger.exception("ROLLBACK FAILED: booking %s stays confirmed after a failed reschedule", new.id)


def _retire_token(previous: Booking, now: datetime) -> Booking:
    """The old management link stops working once the booking has moved (its expiry job then
    finds the token gone)."""
    if previous.management_token is not None:
        token_expiry.clear_token(previous.company_id, previous.id, previous.management_token, now)
    return previous.model_copy(update={"management_token": None})


def _move_notetaker(old: Booking, new: Booking, now: datetime) -> None:
    try:
        notetaker.on_booking_rescheduled(old, new, now=now)
    except Exception:  # the move is retried by the notetaker job; the reschedule stands
        logger.exception("moving the notetaker of %s to %s failed", old.id, new.id)
