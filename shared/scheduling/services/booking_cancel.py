"""Cancel a booking (contract §3 item 4): free the slot, delete the event, tell the booker.

One TransactWriteItems flips the status (condition: still `confirmed`), removes the booking's
ranges from its hosts' ledger days, marks calendar/email work that has not happened yet obsolete
(so no event appears after the cancel, and the booking drops the link of an insert still in
flight), records the calendar delete (when an event exists) and the cancellation email as pending
work, and logs the CRM activity. The work is then done at once; the retry job finishes whatever a
provider refused. Opportunities are not touched.

Cancelling a cancelled booking is a no-op (`already_cancelled`); `attended`, `late` and
`no_show` bookings cannot be cancelled (409 INVALID_STATUS_TRANSITION).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from scheduling import wiring
from scheduling.domain.models import Booking
from scheduling.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from scheduling.repositories.bookings import LedgerConflict
from scheduling.services import notetaker, reminders
from scheduling.services.crm import cancelled_activity_entry
from scheduling.services.side_effects import (
    Outcome,
    cancelled_effects,
    perform_all,
    side_effect_repository,
    without_unfinished_event,
)

logger = logging.getLogger("scheduling.booking_cancel")

MAX_ATTEMPTS = 4
MAX_REASON_LENGTH = 1000


@dataclass
class CancelledBooking:
    booking: Booking
    already_cancelled: bool
    side_effects: Outcome | None = None


def cancel_booking(company_id: str, booking_id: str, reason: str | None, now: datetime, *,
                   superseded_by: str | None = None) -> CancelledBooking:
    """`superseded_by`: the reschedule's new booking, which carries this booking's invitation on."""
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed("cancellation_reason", f"at most {MAX_REASON_LENGTH} characters")
    bookings = wiring.bookings()
    effects_repo = side_effect_repository()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        booking = bookings.get(company_id, booking_id)
        if booking is None:
            raise NotFound(f"No booking {booking_id}.")
        if booking.status == "cancelled":
            return CancelledBooking(booking, already_cancelled=True)
        if booking.status != "confirmed":
            raise Conflict(
                f"This booking is marked {booking.status} and can no longer be cancelled.",
                code="INVALID_STATUS_TRANSITION",
                fix="Only confirmed bookings can be cancelled.",
                details={"current_status": booking.status},
            )
        existing = effects_repo.list_for_booking(company_id, booking_id)
        obsolete, new = cancelled_effects(booking, existing, reason, now, superseded_by)
        cancelled = without_unfinished_event(booking, obsolete).model_copy(update={
            "status": "cancelled", "cancellation_reason": reason, "cancelled_at": now, "updated_at": now})
        extra = [*(effects_repo.obsolete_entry(e, now) for e in obsolete),
                 *(effects_repo.put_entry(e) for e in new),
                 *notetaker.cancel_entries(booking, now),
                 cancelled_activity_entry(booking, reason, now)]
        try:
            bookings.cancel(cancelled, extra)
        except LedgerConflict:
            # Cancelled by someone else, or a calendar insert finished meanwhile: read again.
            logger.info("cancel of %s raced on attempt %d; re-reading", booking_id, attempt)
            continue
        outcome = perform_all(new, cancelled, now)
        reminders.cancel_pending_reminders(company_id, booking_id, now=now)
        notetaker.on_booking_cancelled(cancelled, now=now)  # deletes the bot; a crash or outage: bill_notetaker
        return CancelledBooking(cancelled, already_cancelled=False, side_effects=outcome)
    raise ServiceUnavailable("The booking kept changing while we cancelled it; nothing was cancelled.",
                             fix="Retry in a few seconds.")
