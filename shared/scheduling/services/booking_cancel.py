"""Cancel a booking (contract §3 item 4): free the slot, delete the event, tell the booker.

One TransactWriteItems flips the status (condition: still `confirmed`), removes the booking's
ranges from its hosts' ledger days, marks calendar/email work that has not happened yet obsolete
(so no event appears after the cancel, and the booking drops the link of an insert still in
flight), records the calendar delete (when an event exists) and the cancellation email as pending
work, and logs the CRM activity. The work is then done at once; the retry job finishes whatever a
provider refused. Opportunities are not touched.

Cancelling a cancelled booking is a no-op (`already_cancelled`); `attended`, `late` and
`no_show` bookings cannot be cancelled (409 INVALID_STATUS_TRANSITION).

DynamoDB calls (docs/bookings.md, "Calls per cancel"): ONE consistent BatchGetItem reads the
booking, its recorded work (one item per kind, so the keys are known) and its notetaker record;
the transaction; one write per piece of work done at once (the cancellation email, the calendar
delete); the Query that finds pending reminders (plus one write per pending one); and, only
when the booking has a notetaker record, the bot's removal. A reschedule commits the same cancel
(`plan_cancel`) inside its new booking's transaction (services/booking_reschedule.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scheduling import wiring
from scheduling.domain.models import Booking
from scheduling.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from scheduling.repositories import keys
from scheduling.repositories.batch import batch_get
from scheduling.repositories.bookings import LedgerConflict
from scheduling.repositories.items import from_item
from scheduling.repositories.notetaker import NotetakerRecord, notetaker_sk, record_from_item
from scheduling.repositories.side_effects import KINDS, SideEffect, SideEffectRepository, side_effect_sk
from scheduling.services import notetaker, reminders, webhooks
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
    # False only when the cancel's own transaction checked that the booking has no notetaker record.
    may_have_notetaker: bool = True


@dataclass
class CancelPlan:
    """What cancelling one confirmed booking writes: `entries` commit in the cancel's transaction
    (next to the cancelled booking and its ledger release), `work` is done right after."""

    booking: Booking  # as read
    cancelled: Booking  # as written
    work: list[SideEffect]
    entries: list[dict[str, Any]]
    notetaker_record: NotetakerRecord | None


def cancel_booking(company_id: str, booking_id: str, reason: str | None, now: datetime) -> CancelledBooking:
    reason = checked_reason(reason)
    bookings = wiring.bookings()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        booking, existing, notetaker_record = read_for_cancel(company_id, booking_id)
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
        plan = plan_cancel(booking, existing, notetaker_record, reason, now)
        event = webhooks.booking_event("booking.cancelled", plan.cancelled, now)
        try:
            bookings.cancel(plan.cancelled, [*plan.entries, *webhooks.entries(event)])
        except LedgerConflict:
            # Cancelled by someone else, or a calendar insert finished meanwhile: read again.
            logger.info("cancel of %s raced on attempt %d; re-reading", booking_id, attempt)
            continue
        webhooks.dispatch(event)
        return finish_cancel(plan, now)
    raise ServiceUnavailable("The booking kept changing while we cancelled it; nothing was cancelled.",
                             fix="Retry in a few seconds.")


def checked_reason(reason: str | None) -> str | None:
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed("cancellation_reason", f"at most {MAX_REASON_LENGTH} characters")
    return reason


def plan_cancel(booking: Booking, existing: list[SideEffect], notetaker_record: NotetakerRecord | None,
                reason: str | None, now: datetime, *, moved: bool = False) -> CancelPlan:
    """The cancel of `booking` (read with `read_for_cancel`, still confirmed). `moved`: a
    reschedule's, whose new booking carries this booking's invitation on and tells the booker in
    its own email; the cancelled booking is then written without its management token (the moved
    booking has its own link)."""
    obsolete, work = cancelled_effects(booking, existing, reason, now, moved=moved)
    retired = {"management_token": None} if moved else {}
    cancelled = without_unfinished_event(booking, obsolete).model_copy(update={
        "status": "cancelled", "cancellation_reason": reason, "cancelled_at": now, "updated_at": now, **retired})
    effects_repo = side_effect_repository()
    entries = [*(effects_repo.obsolete_entry(e, now) for e in obsolete),
               *(effects_repo.put_entry(e) for e in work),
               *notetaker.cancel_entries(booking, notetaker_record, now),
               cancelled_activity_entry(booking, reason, now)]
    return CancelPlan(booking, cancelled, work, entries, notetaker_record)


def finish_cancel(plan: CancelPlan, now: datetime) -> CancelledBooking:
    """After the cancel committed: its calendar and email work, the pending reminders, the bot."""
    cancelled = plan.cancelled
    outcome = perform_all(plan.work, cancelled, now)
    reminders.cancel_pending_reminders(cancelled.company_id, cancelled.id, now=now)
    if plan.notetaker_record is not None:  # none: the transaction checked there still was none
        notetaker.on_booking_cancelled(cancelled, now=now)  # deletes the bot; a crash or outage: bill_notetaker
    return CancelledBooking(cancelled, already_cancelled=False, side_effects=outcome,
                            may_have_notetaker=plan.notetaker_record is not None)


def read_for_cancel(company_id: str, booking_id: str) -> tuple[Booking | None, list[SideEffect],
                                                                NotetakerRecord | None]:
    """The booking, its recorded work and its notetaker record, read together and consistently."""
    pk = keys.company_pk(company_id)
    booking_key = (pk, keys.booking_sk(booking_id))
    effect_keys = [(pk, side_effect_sk(booking_id, kind)) for kind in KINDS]
    notetaker_key = (pk, notetaker_sk(booking_id))
    found = batch_get(wiring.table(), [booking_key, *effect_keys, notetaker_key])
    booking = found.get(booking_key)
    record = found.get(notetaker_key)
    return (from_item(Booking, booking) if booking else None,
            [SideEffectRepository.from_item(found[key]) for key in effect_keys if key in found],
            record_from_item(record) if record else None)

