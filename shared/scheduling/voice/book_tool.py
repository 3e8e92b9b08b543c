"""POST /v1/scheduling/voice/{event_type_id}/book: book the slot the agent read out.

Everything is the JSON create's (`booking_create.create_booking`): the same checks, the same
locks, the same side effects; `notes` becomes the booking's message, `slot` is the date and time
in the caller's zone, `hold_id` (optional) a slot hold the agent placed, consumed by the booking;
without one, the hold the call's `slots` answer placed (hold_offered_slot_seconds) when it keeps this time.
Every failure answers 200 with the bold `**BOOKING FAILED: …**` first line, and up to 3
alternative slots when the time itself was the problem.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.domain.models import ONLINE_LOCATIONS
from scheduling.errors import DomainError, MissingFields, ValidationFailed
from scheduling.services import availability, holds
from scheduling.services.booking_create import CreateBookingInput, create_booking
from scheduling.services.event_types import resolve_event_type
from scheduling.timezones import local_to_instant, parse_date, parse_hhmm
from scheduling.voice.answers import VoiceAnswer, fix_for, reason_for
from scheduling.voice.caller import booking_phone, caller_zone
from scheduling.voice.envelope import VoiceRequest, parse_voice_body
from scheduling.voice.retries import answer_once
from scheduling.voice.texts import MAX_ALTERNATIVES, Offering, booked_text, booking_failed_text

logger = logging.getLogger("scheduling.voice")

CRASHED = "Something went wrong on our side"
CRASH_FIX = "Apologise, wait a moment and try once more; if it fails again, offer to take a message"
_SLOT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{1,2}:[0-9]{2})(?::00)?")
SLOT_EXPECTED = 'a slot value exactly as the slots tool gave it, such as "2026-04-27 09:00"'


def answer_book(company_id: str, event_type_id: str, body: str | None, now: datetime) -> VoiceAnswer:
    try:
        request = parse_voice_body(body)
    except DomainError as error:
        return VoiceAnswer(booking_failed_text(reason_for(error), fix_for(error), [], ZoneInfo("UTC")))
    try:
        return answer_once(company_id, request, f"book:{event_type_id}", now,
                           lambda: book(company_id, event_type_id, request, now))
    except Exception:  # never a 5xx from a write tool: the agent must hear that nothing is confirmed
        logger.exception("voice book crashed")
        return VoiceAnswer(booking_failed_text(CRASHED, CRASH_FIX, [], ZoneInfo("UTC")), remember=False)


def book(company_id: str, event_type_id: str, request: VoiceRequest, now: datetime) -> VoiceAnswer:
    tz = ZoneInfo("Australia/Sydney")
    asked: datetime | None = None
    try:
        missing = [name for name in ("slot", "name", "email") if not request.text(name)]
        if missing:
            raise MissingFields(f"These details are missing: {_words(missing)}", details={"fields": missing})
        tz = caller_zone(request)
        day, at = parse_slot(request.text("slot") or "")
        asked = slot_instant(day, at, tz)
        config = wiring.companies().load_config(company_id)
        hold_id = request.text("hold_id")
        if hold_id is None and request.call_id:
            event_type = resolve_event_type(company_id, event_type_id=event_type_id, event_types=config.event_types)
            hold_id = holds.call_hold_for_booking(company_id, request.call_id, event_type, asked, now)
        created = create_booking(company_id, CreateBookingInput(
            date=day, time=at, timezone=tz.key, event_type_id=event_type_id,
            full_name=request.text("name") or "", email=request.text("email") or "",
            phone=booking_phone(request, config.company), message=request.text("notes"),
            booker_state=request.text("state"), booker_timezone=request.text("timezone"),
            hold_id=hold_id,
        ), now, config=config)
    except DomainError as error:
        return VoiceAnswer(
            booking_failed_text(reason_for(error), fix_for(error), alternatives_from(error, tz, asked), tz),
            remember=error.status < 500,
        )
    users = {u.id: u.name for u in config.users}
    event_type = created.event_type
    offering = Offering(event_type.name, event_type.default_duration_minutes,
                        tuple(users[h] for h in created.booking.host_user_ids if h in users), event_type.description)
    return VoiceAnswer(booked_text(created.booking, offering, video_expected=event_type.location in ONLINE_LOCATIONS))


def parse_slot(value: str) -> tuple[str, str]:
    """"2026-04-27 09:00" (also `slot:…`, `[slot:…]`, quoted, or with a T) → ("2026-04-27", "09:00")."""
    text = value.strip().strip("[]\"' ")
    if text.lower().startswith("slot:"):
        text = text[5:].strip().strip("\"' ")
    match = _SLOT.fullmatch(text)
    if not match:
        raise ValidationFailed("slot", SLOT_EXPECTED, message=f"'{value[:60]}' is not a slot value")
    day, at = match[1], match[2].zfill(5)
    try:
        parse_date(day)
        parse_hhmm(at)
    except ValueError:
        raise ValidationFailed("slot", SLOT_EXPECTED, message=f"'{value[:60]}' is not a real date and time") from None
    return day, at


def alternatives_from(error: DomainError, tz: ZoneInfo, asked: datetime | None) -> list[datetime]:
    """Up to 3 of the service's alternatives (given in the caller's zone), closest to the asked time."""
    if error.code != "SLOT_UNAVAILABLE":
        return []
    found = []
    for option in error.details.get("alternatives") or []:
        try:
            found.append(local_to_instant(parse_date(option["date"]), parse_hhmm(option["time"]), tz))
        except (KeyError, TypeError, ValueError):
            continue
    if asked is not None:
        found.sort(key=lambda s: (abs(s - asked), s))
    return sorted(found[:MAX_ALTERNATIVES])


def slot_instant(day: str, at: str, tz: ZoneInfo) -> datetime:
    """The instant a slot value names (for a time the clocks skip: the moment they jump)."""
    return availability.requested_time(parse_date(day), parse_hhmm(at), tz).instant


def _words(fields: list[str]) -> str:
    return fields[0] if len(fields) == 1 else ", ".join(fields[:-1]) + " and " + fields[-1]
