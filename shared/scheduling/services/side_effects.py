"""Calendar and email work for bookings: recorded in the booking's transaction, done right after,
retried by `jobs.retry_side_effects` until done (the outbox pattern; docs/bookings.md).

    record  pending items commit with the booking (or cancel) → nothing is lost if we crash
    perform the request that made them tries at once; the job retries what is still due
    finish  done items leave the due index; a failure moves the due time out (backoff)

Exactly once per item: a worker claims an item by moving its due key (a conditional update), and
may only finish it while it still holds that key. Calendar inserts are also idempotent at Google
(event id derived from the booking id), so a crash between insert and "done" cannot duplicate an
event. A cancel marks a pending insert obsolete; a worker that inserted meanwhile notices when
finishing fails and deletes the event it made, so no orphan event stays behind.

No second transaction: after the booking's own commit every write is a single-item conditional
one. A calendar insert writes its event onto the booking first (refused once the booking is
cancelled), then marks itself done; a cancel landing in between sees the event on the booking and
deletes it, and writes the cancelled booking without its link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.adapters.calendar import CalendarEventRequest, event_id_for_booking
from scheduling.adapters.errors import ProviderUnavailable
from scheduling.domain.models import Booking, EventType, User
from scheduling.formatting import format_date, format_instant, format_time
from scheduling.repositories.side_effects import INLINE_LEASE, LostClaim, SideEffect, with_due_sk
from scheduling.services import invitations

logger = logging.getLogger("scheduling.side_effects")

MAX_ATTEMPTS = 12
JOB_LEASE = timedelta(minutes=2)


@wiring.register
@lru_cache(maxsize=1)
def side_effect_repository() -> Any:
    from scheduling.repositories.side_effects import SideEffectRepository

    return SideEffectRepository(wiring.table())


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


# ── what to do ─────────────────────────────────────────────────────────────────────────────


def management_url(company_slug: str, token: str) -> str:
    from scheduling.settings import get_settings

    return f"{get_settings().app_base_url.rstrip('/')}/book/{company_slug}/manage/{token}"


def template_values(booking: Booking, *, management_link: str | None, meet_link: str | None) -> dict[str, str]:
    """Contract §4 template variables for one booking, in the booker's time zone."""
    zone = ZoneInfo(booking.timezone)
    local = booking.starts_at.astimezone(zone)
    return {
        "booker_name": booking.booker_name,
        "event_type": booking.event_type_name,
        "date": format_date(local.date()),
        "time": format_time(local),
        "duration": f"{booking.duration_minutes} min",
        "meet_link": meet_link or "",
        "management_url": management_link or "",
        "rebook_link": "",
    }


CONFIRMATION_SUBJECT = "Confirmed: {event_type} on {date} at {time}"
CONFIRMATION_BODY = (
    "Hi {booker_name},\n\n"
    "Your {event_type} ({duration}) is confirmed for {date} at {time}.\n"
    "{meet_line}"
    "\nTo view, reschedule or cancel this booking: {management_url}\n"
)
RESCHEDULED_SUBJECT = "Rescheduled: {event_type} moved to {new_when}"
RESCHEDULED_BODY = (
    "Hi {booker_name},\n\n"
    "Your {event_type} on {old_date} at {old_time} has moved to {new_when}.{reason_line}\n"
    "The attached invitation updates your calendar.\n"
    "{meet_line}"
    "\nTo view, reschedule or cancel this booking: {management_url}\n"
)
MEETING_NAMES = {"google_meet": "Google Meet", "teams": "Microsoft Teams"}
CANCELLATION_SUBJECT = "Cancelled: {event_type} on {date} at {time}"
CANCELLATION_BODY = (
    "Hi {booker_name},\n\n"
    "Your {event_type} on {date} at {time} has been cancelled.{reason_line}\n"
)


def booked_effects(booking: Booking, event_type: EventType, hosts: list[User], company_slug: str,
                   now: datetime, *, moved_from: Booking | None = None, reason: str | None = None) -> list[SideEffect]:
    """The pending calendar event and confirmation email of a new booking (due after the inline lease).

    `moved_from`: the booking a reschedule replaces; the email then says "Rescheduled" (from that
    booking's time, with `reason`) and is the only email of the move: one change, one email, as
    one `booking.rescheduled` webhook event.

    `hosts` in booking order. The event goes on the first host's calendar that we keep (provider
    not `none`), with that provider's meeting; the other hosts are invited to it, whatever their
    own provider (a collective booking may mix providers). With no such host there is no event:
    the email's invitation (invite.ics) is then the only calendar entry."""
    from scheduling.adapters.calendar.port import meeting_for

    link = management_url(company_slug, booking.management_token or "")
    zone = ZoneInfo(booking.timezone)
    description_lines = [event_type.description or "", f"Booked by {booking.booker_name} ({booking.booker_email})."]
    if booking.message:
        description_lines.append(f"Message: {booking.message}")
    description_lines.append(f"Manage this booking: {link}")
    due = now + INLINE_LEASE
    organizer = next((h for h in hosts if h.calendar_provider != "none"), None)
    invitees = [booking.booker_email, *[a.email for a in booking.attendees]]
    effects: list[SideEffect] = []
    meeting = None
    if organizer is not None:
        meeting = meeting_for(event_type.location, organizer.calendar_provider)
        effects.append(SideEffect(booking.company_id, booking.id, "calendar_insert", due, payload={
            "calendar_id": organizer.calendar_id,
            "provider": organizer.calendar_provider,
            "summary": f"{event_type.name}: {booking.booker_name}",
            "description": "\n".join(line for line in description_lines if line),
            "attendees": [*invitees, *[h.email for h in hosts if h.id != organizer.id]],
            "with_meet": meeting is not None,
            "host_user_id": organizer.id,
        }))
    host = organizer or (hosts[0] if hosts else None)
    effects.append(SideEffect(booking.company_id, booking.id, "confirmation_email", due, payload={
        "to": [booking.booker_email], "management_url": link,
        "location": event_type.location, "meeting": meeting,
        "formatted": format_instant(booking.starts_at, zone),
        "summary": f"{event_type.name} with {host.name}" if host else event_type.name,
        "organizer": {"name": host.name, "email": host.email} if host else None,
        "invitees": invitees,
        **({"moved_from": moved_from.starts_at.isoformat(), "reason": reason or ""} if moved_from else {}),
    }))
    return [with_due_sk(e) for e in effects]


def cancelled_effects(booking: Booking, existing: list[SideEffect], reason: str | None,
                      now: datetime, *, moved: bool = False) -> tuple[list[SideEffect], list[SideEffect]]:
    """(pending work to make obsolete, new work to record) for cancelling `booking`.

    `moved`: a reschedule's cancel; the new booking carries this booking's invitation on (its UID)
    and tells the booker in its own email: no cancellation email (a CANCEL of the shared UID would
    delete the moved event).

    The event to delete is the done insert's, or, while the insert is still pending, the one its
    worker may already have made: the id it wrote onto the booking, else the booking's own event id
    (a worker can die after Google made the event and before writing it down; deleting an event
    that was never made is a 404, which counts as done). Either way no event outlives the booking.
    """
    by_kind = {e.kind: e for e in existing}
    obsolete = [e for e in existing if e.status == "pending" and e.kind in ("calendar_insert", "confirmation_email")]
    new: list[SideEffect] = []
    due = now + INLINE_LEASE
    insert = by_kind.get("calendar_insert")
    event_id = _event_of(insert, booking) if insert else None
    if event_id and "calendar_delete" not in by_kind:
        new.append(SideEffect(booking.company_id, booking.id, "calendar_delete", due, payload={
            "calendar_id": insert.payload["calendar_id"], "event_id": event_id,
            "provider": insert.payload.get("provider", "google")}))
    if "cancellation_email" not in by_kind and not moved:
        confirmation = by_kind.get("confirmation_email")
        about = {key: confirmation.payload[key] for key in ("summary", "organizer", "invitees")
                 if confirmation and key in confirmation.payload}
        new.append(SideEffect(booking.company_id, booking.id, "cancellation_email", due, payload={
            "to": [booking.booker_email], "reason": reason or "", **about}))
    return obsolete, [with_due_sk(e) for e in new]


def _event_of(insert: SideEffect, booking: Booking) -> str | None:
    if insert.status == "done":
        return insert.result.get("event_id")
    if insert.status == "pending":
        return booking.calendar_event_ids.get(insert.payload.get("host_user_id", "")) or event_id_for_booking(booking.id)
    return None


def without_unfinished_event(booking: Booking, obsolete: list[SideEffect]) -> Booking:
    """The booking a cancel writes: when it makes a pending insert obsolete, that insert's event is
    being deleted, so the cancelled booking does not show its Meet link (as if the insert never
    finished; a booking cancelled after its insert was done keeps its link, as before)."""
    insert = next((e for e in obsolete if e.kind == "calendar_insert"), None)
    if insert is None:
        return booking
    ids = {h: e for h, e in booking.calendar_event_ids.items() if h != insert.payload.get("host_user_id")}
    return booking.model_copy(update={**NO_MEETING, "calendar_event_ids": ids})


NO_MEETING: dict[str, Any] = {"google_meet_link": None, "meeting_link": None, "meeting_provider": None}


def meeting_fields(link: str | None, provider: str | None) -> dict[str, Any]:
    """The booking's meeting fields for a calendar insert's result (contract §11)."""
    if not link:
        return dict(NO_MEETING)
    return {"meeting_link": link, "meeting_provider": provider,
            "google_meet_link": link if provider == "google_meet" else None}


# ── doing it ───────────────────────────────────────────────────────────────────────────────


@dataclass
class Outcome:
    done: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    meet_link: str | None = None
    meeting_provider: str | None = None
    cancelled_meanwhile: bool = False  # a cancel made this work obsolete while we did it


def perform_all(effects: list[SideEffect], booking: Booking, now: datetime) -> Outcome:
    """Do each effect (calendar first, so the email can carry the Meet link); never raises
    for provider failures: those stay pending with a backoff. Once a cancel has overtaken the
    work (the insert lost to it), the rest is obsolete too: no confirmation after the cancellation."""
    outcome = Outcome()
    order = {"calendar_insert": 0, "calendar_delete": 1, "confirmation_email": 2, "cancellation_email": 3}
    for effect in sorted(effects, key=lambda e: order.get(e.kind, 9)):
        if outcome.cancelled_meanwhile:
            break
        booking = perform_one(effect, booking, now, outcome)
    return outcome


def perform_one(effect: SideEffect, booking: Booking | None, now: datetime, outcome: Outcome) -> Booking | None:
    """Do one effect and record how it went (single-item conditional writes, no transaction)."""
    repo = side_effect_repository()
    try:
        result = _execute(effect, booking)
    except ProviderUnavailable as error:
        attempts = max(1, effect.attempts)  # the inline try is unclaimed and counts as the first
        try:
            if not error.retryable or attempts >= MAX_ATTEMPTS:
                repo.give_up(effect, error.message, now)
                outcome.failed.append(effect.id)
                logger.error("side effect %s failed for good: %s", effect.id, error.message)
            else:
                repo.retry_later(effect, error.message, now + backoff(attempts), now)
                outcome.retrying.append(effect.id)
        except LostClaim:
            outcome.lost.append(effect.id)
        return booking
    if not _finish(effect, result, now, outcome):
        return booking
    if effect.kind == "calendar_insert":
        outcome.meet_link = result.get("meet_link")
        outcome.meeting_provider = _meeting_provider_of(result)
        if booking is not None:
            ids = {**booking.calendar_event_ids, effect.payload["host_user_id"]: result["event_id"]}
            booking = booking.model_copy(update={
                **meeting_fields(result.get("meet_link"), _meeting_provider_of(result)), "calendar_event_ids": ids})
    return booking


def _finish(effect: SideEffect, result: dict[str, Any], now: datetime, outcome: Outcome) -> bool:
    """Record a success. A calendar insert writes its event onto the booking FIRST, then marks
    itself done: a crash in between leaves it pending, and the job's repeat of the (idempotent)
    insert finishes it. Losing either write (a cancel made the insert obsolete, or another worker
    holds the item) undoes an event nobody wants any more."""
    repo = side_effect_repository()
    try:
        if effect.kind == "calendar_insert" and result.get("event_id"):
            repo.attach_event(effect, result["event_id"], result.get("meet_link"), _meeting_provider_of(result))
        repo.complete(effect, result, now)
    except LostClaim:
        outcome.lost.append(effect.id)
        if effect.kind == "calendar_insert":
            outcome.meet_link = outcome.meeting_provider = None
            outcome.cancelled_meanwhile = _undo_if_obsolete(effect, result, now)
        return False
    outcome.done.append(effect.id)
    return True


def _execute(effect: SideEffect, booking: Booking | None) -> dict[str, Any]:
    """Call the provider; returns the result to store."""
    if booking is None:
        booking = wiring.bookings().get(effect.company_id, effect.booking_id)
        if booking is None:
            return {"skipped": "booking not found"}
    p = effect.payload
    if effect.kind == "calendar_insert":
        created = wiring.calendar().insert_event(CalendarEventRequest(
            calendar_id=p["calendar_id"], booking_id=booking.id, summary=p["summary"],
            description=p["description"], start=booking.starts_at, end=booking.ends_at,
            attendees=list(p["attendees"]), with_meet=bool(p["with_meet"]), timezone=booking.timezone,
            provider=p.get("provider", "google")))
        return {"event_id": created.event_id, "meet_link": created.meet_link,
                "meeting_provider": created.meeting_provider}
    if effect.kind == "calendar_delete":
        if p.get("event_id"):
            wiring.calendar().delete_event(p["calendar_id"], p["event_id"], booking.id, p.get("provider", "google"))
        return {"deleted": p.get("event_id")}
    if effect.kind == "confirmation_email":
        link = booking.join_link
        values_ = template_values(booking, management_link=p.get("management_url"), meet_link=link)
        expected = p.get("meeting") or ("google_meet" if p.get("location") == "google_meet" else None)
        meet_line = f"Join with {MEETING_NAMES.get(booking.meeting_provider or 'google_meet')}: {link}\n" if link else (
            "The video link will follow in your calendar invitation.\n" if expected else "")
        subject, body, kind = CONFIRMATION_SUBJECT, CONFIRMATION_BODY, "confirmation"
        if p.get("moved_from"):
            zone = ZoneInfo(booking.timezone)
            old = datetime.fromisoformat(p["moved_from"]).astimezone(zone)
            subject, body, kind = RESCHEDULED_SUBJECT, RESCHEDULED_BODY, "rescheduled"
            values_ = {**values_, "old_date": format_date(old.date()), "old_time": format_time(old),
                       "new_when": format_instant(booking.starts_at, zone),
                       "reason_line": f"\nReason: {p['reason']}" if p.get("reason") else ""}
        message_id = wiring.email().send(
            list(p["to"]), subject.format(**values_), body.format(**values_, meet_line=meet_line), kind, booking.id,
            attachments=[invitations.invitation_attachment(booking, p, cancelled=False)])
        return {"message_id": message_id}
    if effect.kind == "cancellation_email":
        values_ = template_values(booking, management_link=None, meet_link=None)
        reason_line = f"\nReason: {p['reason']}" if p.get("reason") else ""
        message_id = wiring.email().send(
            list(p["to"]), CANCELLATION_SUBJECT.format(**values_),
            CANCELLATION_BODY.format(**values_, reason_line=reason_line), "cancellation", booking.id,
            attachments=[invitations.invitation_attachment(booking, p, cancelled=True)])
        return {"message_id": message_id}
    raise ValueError(f"unknown side effect kind {effect.kind!r}")


def _meeting_provider_of(result: dict[str, Any]) -> str | None:
    """Results stored before Microsoft hosts existed carry no provider: their links are Meet links."""
    if not result.get("meet_link"):
        return None
    return result.get("meeting_provider") or "google_meet"


def _undo_if_obsolete(effect: SideEffect, result: dict[str, Any], now: datetime) -> bool:
    """A calendar insert that lost to a cancel: delete the event we just made (no orphan); True
    when it had lost to a cancel.

    The booking needs no clean-up: a cancel writes it without the event of an insert it made
    obsolete (`without_unfinished_event`), and `attach_event` refuses a cancelled booking."""
    if effect.kind != "calendar_insert" or not result.get("event_id"):
        return False
    current = side_effect_repository().get(effect.company_id, effect.booking_id, effect.kind)
    if current is None or current.status != "obsolete":
        return False
    try:
        wiring.calendar().delete_event(effect.payload["calendar_id"], result["event_id"], effect.booking_id,
                                       effect.payload.get("provider", "google"))
    except ProviderUnavailable as error:
        # Record the clean-up as work of its own so the job finishes it: a delete the cancel
        # recorded that is still pending is the same work; one it already ran (before we made
        # the event, so it deleted nothing) is put back to pending.
        cleanup = with_due_sk(SideEffect(effect.company_id, effect.booking_id, "calendar_delete", now, payload={
            "calendar_id": effect.payload["calendar_id"], "event_id": result["event_id"],
            "provider": effect.payload.get("provider", "google")}, last_error=error.message))
        try:
            side_effect_repository().record(cleanup)
        except Exception:  # noqa: BLE001 - the request or job still ends normally; say so
            logger.warning("could not record clean-up of %s", effect.id)
    return True


# ── the job ────────────────────────────────────────────────────────────────────────────────


def run_due(now: datetime, limit: int = 100) -> dict[str, int]:
    """Claim and perform every side effect due at `now`; counts for the job's summary."""
    repo = side_effect_repository()
    due = repo.due(now, limit)
    outcome = Outcome()
    claimed = skipped = 0
    for effect in due:
        mine = repo.claim(effect, now + JOB_LEASE, now)
        if mine is None:
            skipped += 1
            continue
        claimed += 1
        perform_one(replace(mine), None, now, outcome)
    return {"due": len(due), "claimed": claimed, "skipped": skipped, "done": len(outcome.done),
            "retrying": len(outcome.retrying), "failed": len(outcome.failed), "lost": len(outcome.lost)}
