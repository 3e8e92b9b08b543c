"""Move a confirmed booking to another time (contract §3 item 4b, §5 item 14): one implementation
for the voice tool, the booker's page and the JSON endpoint.

The new booking and the old one's cancel commit in ONE TransactWriteItems (booking_create with
`replacing`): the new booking with its ledger days (version-guarded), the cancelled old booking
(condition: still confirmed) with the release of its ranges, the old booking's obsolete work, the
new booking's work and reminders, the CRM records and one `booking.rescheduled` webhook event.
Either all of it commits or none of it does, so a caller never ends with no booking or with two,
and no rollback is needed. The old booking's ranges do not count against the new time, so a
booking can move to a time that overlaps itself (10:00 → 10:15 with the same host); a ledger
day both touch is one guarded update (docs/bookings.md, "Reschedule").

Same event type, host pool, booker, attendees and message; the new booking stays on the old one's
contact and opportunity; the old management token stops working (the new booking has its own);
reminders move (the new booking's are scheduled in the transaction, the old one's cancelled
after it); a notetaker bot moves with it. The new booking continues the old one's invitation
(same UID, SEQUENCE + 1), and its email says "Rescheduled": one change, one email.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from scheduling.domain.models import Booking
from scheduling.errors import Conflict, NotFound
from scheduling.services import notetaker
from scheduling.services.booking_cancel import CancelPlan, checked_reason, finish_cancel, plan_cancel, read_for_cancel
from scheduling.services.booking_create import AttendeeInput, CreateBookingInput, CreatedBooking, Replacing, create_booking
from scheduling.services.invitations import invitation_uid

logger = logging.getLogger("scheduling.booking_reschedule")


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
    instant: datetime | None = None,
) -> RescheduledBooking:
    """The new booking and the cancelled old one; raises scheduling.errors exceptions only.

    `timezone` (of `date`/`time`) defaults to the booking's own. `instant` (an aware datetime: the
    /scheduling/* family's ISO `slot`) stands for `date`/`time`; the create reads it in that zone as
    it reads a create's `start_time`, so the moved booking keeps the zone it would keep with
    date/time, without a read of the booking before this one's."""
    reason = checked_reason(reason)

    def read() -> CancelPlan:
        return _movable(company_id, booking_id, reason or "Rescheduled", now)

    replacing = Replacing(read(), reason, read)
    old = replacing.plan.booking
    created = create_booking(company_id, _same_booker(old, date, time, timezone or old.timezone, instant), now,
                             replacing=replacing)
    new = created.booking
    cancelled = finish_cancel(replacing.plan, now)
    if cancelled.may_have_notetaker:
        _move_notetaker(replacing.plan.booking, new, now)
    return RescheduledBooking(new, cancelled.booking, created)


def _movable(company_id: str, booking_id: str, reason: str, now: datetime) -> CancelPlan:
    """The old booking's cancel, read (one BatchGetItem: the booking, its work, its notetaker
    record) while it is still confirmed; the reschedule commits it with the new booking."""
    old, existing, record = read_for_cancel(company_id, booking_id)
    if old is None:
        raise NotFound(f"No booking {booking_id}.")
    if old.status != "confirmed":
        raise Conflict(
            f"This booking is {old.status.replace('_', ' ')} and can no longer be moved.",
            code="INVALID_STATUS_TRANSITION",
            fix="Only confirmed bookings can be rescheduled; make a new booking instead.",
            details={"current_status": old.status},
        )
    return plan_cancel(old, existing, record, reason, now, moved=True)


def _same_booker(old: Booking, date: str, time: str, timezone: str, instant: datetime | None) -> CreateBookingInput:
    return CreateBookingInput(
        date=None if instant else date, time=None if instant else time,
        start_time=instant.isoformat() if instant else None, timezone=timezone, event_type_id=old.event_type_id,
        full_name=old.booker_name, email=old.booker_email, phone=old.booker_phone, message=old.message,
        company_name=old.company_name,
        attendees=[AttendeeInput(a.email, a.name, a.phone) for a in old.attendees],
        opportunity_id=old.deal_id,
        ical_uid=invitation_uid(old), ical_sequence=old.ical_sequence + 1,
    )


def _move_notetaker(old: Booking, new: Booking, now: datetime) -> None:
    try:
        notetaker.on_booking_rescheduled(old, new, now=now)
    except Exception:  # the move is retried by the notetaker job; the reschedule stands
        logger.exception("moving the notetaker of %s to %s failed", old.id, new.id)
