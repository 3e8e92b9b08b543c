"""POST /v1/scheduling/voice/cancel-booking and /reschedule-booking: the caller's own bookings.

Both find the caller (args.phone, else the call's other party) and their upcoming bookings
(confirmed, not started), then pick one with `booking_selector` (voice.selector). Several and no
selector → the `WHICH BOOKING? Nothing has been … yet.` list and nothing is done. The work itself
is the shared services': `booking_cancel.cancel_booking` and `booking_reschedule.reschedule_booking`
(the new booking and the old one's cancel in one transaction: both or neither). Every answer is 200.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.domain.models import Booking, Company
from scheduling.errors import DomainError, MissingFields, NotFound
from scheduling.services.booking_cancel import cancel_booking
from scheduling.services.booking_reschedule import reschedule_booking
from scheduling.voice.answers import VoiceAnswer, fix_for, reason_for
from scheduling.voice.book_tool import CRASH_FIX, CRASHED, alternatives_from, parse_slot, slot_instant
from scheduling.voice.caller import caller_phone, given_zone, upcoming_bookings
from scheduling.voice.envelope import VoiceRequest, parse_voice_body
from scheduling.voice.retries import answer_once
from scheduling.voice.selector import select_booking
from scheduling.voice.texts import (
    CANCEL_FAILED,
    NOTHING_CANCELLED,
    NOTHING_CHANGED,
    RESCHEDULE_FAILED,
    alternative_lines,
    booking_line,
    cancelled_text,
    failed_text,
    rescheduled_text,
    which_booking_text,
)

logger = logging.getLogger("scheduling.voice")

NOT_CANCELLED = "Nothing has been cancelled."
NOT_CHANGED = "Nothing has been changed; the booking is still at its original time."


def answer_cancel(company_id: str, body: str | None, now: datetime, *, company: Company | None = None) -> VoiceAnswer:
    """`company`: when the caller has read it already (the route, checking the signature)."""
    try:
        request = parse_voice_body(body)
    except DomainError as error:
        return VoiceAnswer(_failure(CANCEL_FAILED, error, NOT_CANCELLED))
    try:
        return answer_once(company_id, request, "cancel-booking", now, lambda: cancel(company_id, request, now, company=company))
    except Exception:
        logger.exception("voice cancel-booking crashed")
        return VoiceAnswer(failed_text(CANCEL_FAILED, CRASHED, [f"What to do: {CRASH_FIX}."]), remember=False)


def answer_reschedule(
    company_id: str, body: str | None, now: datetime, *, company: Company | None = None,
) -> VoiceAnswer:
    try:
        request = parse_voice_body(body)
    except DomainError as error:
        return VoiceAnswer(_failure(RESCHEDULE_FAILED, error, NOT_CHANGED))
    try:
        return answer_once(company_id, request, "reschedule-booking", now,
                           lambda: reschedule(company_id, request, now, company=company))
    except Exception:
        logger.exception("voice reschedule-booking crashed")
        return VoiceAnswer(failed_text(RESCHEDULE_FAILED, CRASHED, [f"What to do: {CRASH_FIX}."]), remember=False)


def cancel(company_id: str, request: VoiceRequest, now: datetime, *, company: Company | None = None) -> VoiceAnswer:
    try:
        chosen = _choose(company_id, request, now, CANCEL_FAILED, NOTHING_CANCELLED, NOT_CANCELLED, company)
        if isinstance(chosen, VoiceAnswer):
            return chosen
        result = cancel_booking(company_id, chosen.id, request.text("reason"), now)
    except DomainError as error:
        return VoiceAnswer(_failure(CANCEL_FAILED, error, NOT_CANCELLED), remember=error.status < 500)
    return VoiceAnswer(cancelled_text(result.booking))


def reschedule(company_id: str, request: VoiceRequest, now: datetime, *,
               company: Company | None = None) -> VoiceAnswer:
    tz: ZoneInfo | None = None
    asked: datetime | None = None
    try:
        chosen = _choose(company_id, request, now, RESCHEDULE_FAILED, NOTHING_CHANGED, NOT_CHANGED, company)
        if isinstance(chosen, VoiceAnswer):
            return chosen
        new_slot = request.text("new_slot")
        if not new_slot:
            raise MissingFields("The new time is missing", details={"fields": ["new_slot"]})
        tz = given_zone(request) or ZoneInfo(chosen.timezone)
        day, at = parse_slot(new_slot)
        asked = slot_instant(day, at, tz)
        moved = reschedule_booking(company_id, chosen.id, day, at, tz.key, now, request.text("reason"))
    except DomainError as error:
        extra = alternative_lines(alternatives_from(error, tz, asked), tz) if tz else []
        return VoiceAnswer(_failure(RESCHEDULE_FAILED, error, NOT_CHANGED, extra), remember=error.status < 500)
    return VoiceAnswer(rescheduled_text(moved.booking))


def _choose(company_id: str, request: VoiceRequest, now: datetime, prefix: str, which_first_line: str,
            nothing_done: str, company: Company | None) -> Booking | VoiceAnswer:
    """The booking to act on, or the answer to give instead (the list to choose from, or why not)."""
    company = company or _company(company_id)
    phone = caller_phone(request, company)
    upcoming = upcoming_bookings(company_id, phone, now)
    if not upcoming:
        return VoiceAnswer(failed_text(prefix, f"No upcoming booking was found for the phone number {phone}",
                                       [nothing_done, "Check the number with the caller and send it as 'phone'."]))
    selector = request.text("booking_selector")
    selection = select_booking(upcoming, selector)
    if selection.booking is not None:
        return selection.booking
    if selection.unmatched:
        return VoiceAnswer(failed_text(prefix, f"No upcoming booking matches '{(selector or '')[:80]}'",
                                       [nothing_done, *(booking_line(n, b) for n, b in selection.candidates)]))
    return VoiceAnswer(which_booking_text(which_first_line, selection.candidates))


def _failure(prefix: str, error: DomainError, nothing_done: str, extra: list[str] | None = None) -> str:
    lines = [nothing_done]
    fix = fix_for(error)
    if fix:
        lines.append(f"What to do: {fix.rstrip('. ')}.")
    return failed_text(prefix, reason_for(error), [*lines, *(extra or [])])


def _company(company_id: str) -> Company:
    company = wiring.companies().get(company_id)
    if company is None:
        raise NotFound(f"No company {company_id}.")
    return company
