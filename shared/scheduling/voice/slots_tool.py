"""POST /v1/scheduling/voice/{event_type_id}/slots: the times to offer, as the agent reads them.

One availability snapshot over the whole booking window (one ledger query per host, one
freebusy call), then everything is filtering: the asked days and time of day, in the caller's
zone. Nothing there → the nearest day that has a matching time (else any time), either side.
Slots whose local time happens twice (the repeated hour when clocks go back) are left out:
their key "YYYY-MM-DD HH:MM" would book the first occurrence instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.errors import DomainError, NotFound
from scheduling.services import availability, holds
from scheduling.services.event_types import resolve_event_type
from scheduling.timezones import local_date, resolve_timezone
from scheduling.voice.answers import VoiceAnswer, fix_for, reason_for
from scheduling.voice.caller import caller_zone
from scheduling.voice.envelope import parse_voice_body
from scheduling.voice.preferences import DayPreference, TimePreference, parse_preferences
from scheduling.voice.texts import DaySlots, Offering, failed_text, finish, held_text, no_slots_text, slots_text

_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
SLOTS_FAILED = "COULD NOT LIST TIMES:"


def answer_slots(company_id: str, event_type_id: str, body: str | None, now: datetime, *,
                 may_hold: bool = False) -> VoiceAnswer:
    """The slot list text; a failure is text too, with the error's status (400/404/503).
    `may_hold`: the key could place a hold itself (a write scope), so the event type's
    hold_offered_slot_seconds applies; a read-only key lists times and keeps nothing."""
    try:
        request = parse_voice_body(body)
        config = wiring.companies().load_config(company_id)
        company = config.company
        if not _ID.fullmatch(event_type_id or ""):
            raise NotFound(f"No bookable event type with id '{event_type_id[:100]}'.", code="EVENT_TYPE_NOT_FOUND")
        event_type = resolve_event_type(company_id, event_type_id=event_type_id, event_types=config.event_types)
        tz = caller_zone(request)
        window = availability.booking_window(now, event_type, resolve_timezone(company.timezone))
        today = local_date(now, tz)
        last = local_date(max(window.start, window.end - timedelta(microseconds=1)), tz)
        day_pref, time_pref = parse_preferences(request.text("preferred_day"), request.text("preferred_time"),
                                                today, last)
        snapshot = availability.load_snapshot(config, event_type, window, now)
        starts = [s.start for s in availability.nameable(availability.slots(snapshot), tz)]
        offering = Offering(event_type.name, event_type.default_duration_minutes,
                            tuple(h.name for h in snapshot.hosts), event_type.description)
        text, first_offered = slots_answer(offering, starts, day_pref, time_pref, tz)
        if first_offered is not None and may_hold:
            hold = holds.hold_offered_slot(company_id, request.call_id, event_type, first_offered, tz, now,
                                           config=config)
            if hold is not None:
                text = finish(text + "\n" + held_text(hold.starts_at, hold.expires_at, tz, now))
        return VoiceAnswer(text)
    except DomainError as error:
        return VoiceAnswer(slots_failed_text(error), status=error.status, remember=False)


def slots_answer(offering: Offering, starts: Iterable[datetime], day_pref: DayPreference,
                 time_pref: TimePreference, tz: ZoneInfo) -> tuple[str, datetime | None]:
    """The text for slot `starts` (sorted instants) given what the caller asked for, and the
    first time it offers (the one its booking example names), if any."""
    every_day = by_local_day(starts, tz)
    matching = {d: [s for s in day if time_pref.allows(s.astimezone(tz).time())] for d, day in every_day.items()}
    matching = {d: day for d, day in matching.items() if day}
    wanted = [DaySlots(d, tuple(matching[d])) for d in sorted(matching) if day_pref.first <= d <= day_pref.last]
    if wanted:
        return slots_text(offering, wanted, tz), wanted[0].starts[0]
    nearest = nearest_day(matching, day_pref) or nearest_day(every_day, day_pref)
    asked = " ".join(p for p in (day_pref.phrase, time_pref.phrase) if p and p != "soon") or "soon"
    return no_slots_text(offering, asked, nearest, tz), nearest.starts[0] if nearest and nearest.starts else None


def by_local_day(starts: Iterable[datetime], tz: ZoneInfo) -> dict[date, list[datetime]]:
    days: dict[date, list[datetime]] = {}
    for start in starts:
        days.setdefault(start.astimezone(tz).date(), []).append(start)
    return days


def nearest_day(days: dict[date, list[datetime]], pref: DayPreference) -> DaySlots | None:
    """The day with slots closest to the asked range (outside it); the later one on a tie."""
    outside = [d for d in days if days[d] and not pref.first <= d <= pref.last]
    if not outside:
        return None

    def distance(d: date) -> tuple[int, bool]:
        return ((pref.first - d).days if d < pref.first else (d - pref.last).days, d < pref.first)

    best = min(outside, key=distance)
    return DaySlots(best, tuple(days[best]))


def slots_failed_text(error: DomainError) -> str:
    # failed_text clips reason and fix like the other tools' failures: a 60 KB preferred_day or
    # argument name is not read back to the agent.
    lines = [failed_text(SLOTS_FAILED, reason_for(error))]
    fix = fix_for(error)
    if fix:
        lines.append(failed_text("What to do:", fix))
    return finish("\n".join(lines))

