"""Every sentence and layout the voice agent reads (contract §5 items 11–14), and nothing else.

Pure functions of already-decided facts: no storage, no clock. Times are shown in the caller's
zone (slots, book) or the booking's own zone (cancel, reschedule), through `scheduling.formatting`
so voice and JSON can never disagree. Answers are plain speakable text: no JSON, no ISO instants,
no markdown except the bold `**BOOKING FAILED: …**` line, and always under 15,000 characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduling.domain.models import Booking
from scheduling.formatting import format_date, format_instant, format_time, format_voice_day

MAX_CHARS = 15_000
MAX_DAYS = 3
MAX_SLOTS_PER_DAY = 6
MAX_ALTERNATIVES = 3
MAX_LISTED_BOOKINGS = 20
_MAX_REASON_CHARS = 300
_MAX_NAME_CHARS = 200
_MAX_DESCRIPTION_CHARS = 1_000

NOTHING_CANCELLED = "WHICH BOOKING? Nothing has been cancelled yet."
NOTHING_CHANGED = "WHICH BOOKING? Nothing has been changed yet."
CANCEL_FAILED = "BOOKING CANCELLATION FAILED:"
RESCHEDULE_FAILED = "RESCHEDULE FAILED:"


@dataclass(frozen=True)
class Offering:
    """The event type as the agent introduces it."""

    name: str
    duration_minutes: int
    host_names: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class DaySlots:
    """One local day's slot starts (aware instants), in order."""

    day: date
    starts: tuple[datetime, ...]


def slot_key(instant: datetime, tz: ZoneInfo) -> str:
    """"2026-04-27 09:00": the value the agent passes back as `slot`, in the caller's zone."""
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")


# ── slots ─────────────────────────────────────────────────────────────────────────────────────


def offering_lines(offering: Offering) -> list[str]:
    lines = [f"Offering: {_clip(offering.name, _MAX_NAME_CHARS)} ({offering.duration_minutes} min)"]
    if offering.host_names:
        lines.append(f"Host: {', '.join(_clip(name, _MAX_NAME_CHARS) for name in offering.host_names)}")
    if offering.description and offering.description.strip():
        lines.append(f"Description: {_clip(' '.join(offering.description.split()), _MAX_DESCRIPTION_CHARS)}")
    return lines


def day_line(day: DaySlots, tz: ZoneInfo) -> str:
    shown = day.starts[:MAX_SLOTS_PER_DAY]
    line = f"{format_voice_day(day.day)}: " + ", ".join(
        f"{format_time(start, tz)} [slot:{slot_key(start, tz)}]" for start in shown
    )
    hidden = len(day.starts) - len(shown)
    return line + (f" (+{hidden} more)" if hidden > 0 else "")


def booking_footer(first_start: datetime, tz: ZoneInfo) -> str:
    return (
        f'To book, pass the exact slot value (e.g. slot:"{slot_key(first_start, tz)}") '
        "with the caller's name and email."
    )


def held_text(start: datetime, expires_at: datetime, tz: ZoneInfo, now: datetime) -> str:
    """The line saying the first offered time is kept for this call (hold_offered_slot_seconds)."""
    minutes = max(1, round((expires_at - now).total_seconds() / 60))
    return (f"{format_instant(start, tz)} is held for this caller for about {minutes} minute"
            f'{"s" if minutes != 1 else ""}: book slot:"{slot_key(start, tz)}" before then and it is theirs.')


def slots_text(offering: Offering, days: Sequence[DaySlots], tz: ZoneInfo) -> str:
    """The header, up to 3 day lines of up to 6 slots each, and the footer; `days` must hold slots."""
    listed = [d for d in days if d.starts][:MAX_DAYS]
    if not listed:
        raise ValueError("slots_text needs at least one day with slots; use no_slots_text")
    footer = booking_footer(listed[0].starts[0], tz)
    lines = [*offering_lines(offering), "", *(day_line(d, tz) for d in listed), "", footer]
    return finish("\n".join(lines))


def no_slots_text(offering: Offering, asked: str, nearest: DaySlots | None, tz: ZoneInfo) -> str:
    """No slot for what was asked (`asked` completes "No times are available …"), and the nearest day."""
    lines = [*offering_lines(offering), ""]
    if nearest is None or not nearest.starts:
        lines.append(f"No times are available {asked}, and there are no other free times to offer right now.")
        return finish("\n".join(lines))
    lines += [
        f"No times are available {asked}. The nearest available day is {format_date(nearest.day)}:",
        day_line(nearest, tz),
        "",
        booking_footer(nearest.starts[0], tz),
    ]
    return finish("\n".join(lines))


# ── book ──────────────────────────────────────────────────────────────────────────────────────


def booked_text(booking: Booking, offering: Offering, video_expected: bool) -> str:
    tz = ZoneInfo(booking.timezone)
    lines = [booked_sentence(booking.booker_name, offering.name, booking.duration_minutes,
                             format_instant(booking.starts_at, tz), format_time(booking.ends_at, tz),
                             booking.booker_email)]
    lines += offering_lines(offering)[1:]
    lines += video_lines(booking.join_link, video_expected)
    lines.append(booking_id_line(booking.id))
    return finish("\n".join(lines))


# The sentences below take plain values, so the MCP tools (api/mcp_tools.py), which only have a JSON
# answer, say the same things in the same words as the voice tools.

def booked_sentence(booker_name: str, event_type_name: str, duration_minutes: int, when: str, ending: str,
                    booker_email: str) -> str:
    """`when`: the start as `format_instant` writes it; `ending`: the end as `format_time` does."""
    return (f"Booked! {_clip(booker_name, _MAX_NAME_CHARS)}'s {_clip(event_type_name, _MAX_NAME_CHARS)} "
            f"({duration_minutes} min) is confirmed for {when}, ending at {ending}. "
            f"A confirmation has been sent to {booker_email}.")


def video_lines(join_link: str | None, video_expected: bool) -> list[str]:
    if join_link:
        return [f"Video link: {join_link}"]
    return ["Video link: not ready yet; it will be in the calendar invitation."] if video_expected else []


def booking_id_line(booking_id: str) -> str:
    return f"Booking ID: {booking_id}"


def booking_failed_text(reason: str, fix: str | None, alternatives: Sequence[datetime], tz: ZoneInfo) -> str:
    lines = [f"**BOOKING FAILED: {_reason(reason)}. Do not tell the caller this is booked.**"]
    if fix:
        lines.append(f"What to do: {_reason(fix)}.")
    lines += alternative_lines(alternatives, tz)
    return finish("\n".join(lines))


def alternative_lines(alternatives: Sequence[datetime], tz: ZoneInfo) -> list[str]:
    shown = list(alternatives)[:MAX_ALTERNATIVES]
    if not shown:
        return []
    return ["Times still available:", *(f"{format_instant(s, tz)} [slot:{slot_key(s, tz)}]" for s in shown)]


# ── cancel and reschedule ─────────────────────────────────────────────────────────────────────


def booking_line(number: int, booking: Booking) -> str:
    when = format_instant(booking.starts_at, ZoneInfo(booking.timezone))
    return f"{number}. {_clip(booking.event_type_name, _MAX_NAME_CHARS)} on {when}"


def which_booking_text(first_line: str, numbered: Sequence[tuple[int, Booking]]) -> str:
    """`first_line` (NOTHING_CANCELLED / NOTHING_CHANGED) and `N. <event type> on <formatted>` lines."""
    shown = list(numbered)[:MAX_LISTED_BOOKINGS]
    lines = [first_line, *(booking_line(n, b) for n, b in shown)]
    if len(numbered) > len(shown):
        lines.append(f"(+{len(numbered) - len(shown)} more)")
    return finish("\n".join(lines))


def cancelled_text(booking: Booking) -> str:
    when = format_instant(booking.starts_at, ZoneInfo(booking.timezone))
    return finish(cancelled_sentence(booking.event_type_name, booking.duration_minutes, when))


def cancelled_sentence(event_type_name: str, duration_minutes: int, when: str) -> str:
    return (f"Cancelled! Your {_clip(event_type_name, _MAX_NAME_CHARS)} ({duration_minutes} min) "
            f"on {when} has been cancelled.")


def rescheduled_text(new_booking: Booking) -> str:
    when = format_instant(new_booking.starts_at, ZoneInfo(new_booking.timezone))
    return finish(rescheduled_sentence(new_booking.event_type_name, when))


def rescheduled_sentence(event_type_name: str, when: str) -> str:
    return (f"Rescheduled! Your {_clip(event_type_name, _MAX_NAME_CHARS)} is now confirmed for {when}.\n"
            "The previous booking has been cancelled.")


def failed_text(prefix: str, reason: str, extra_lines: Sequence[str] = ()) -> str:
    """`BOOKING CANCELLATION FAILED: <reason>.` / `RESCHEDULE FAILED: <reason>.` and any details."""
    return finish("\n".join([f"{prefix} {_reason(reason)}.", *extra_lines]))


# ── limits ────────────────────────────────────────────────────────────────────────────────────


def _reason(text: str) -> str:
    """One line, no bold markers, no trailing full stop (the templates add it), bounded length."""
    return _clip(" ".join(str(text).replace("**", "").split()).rstrip(". "), _MAX_REASON_CHARS)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def finish(text: str) -> str:
    """Keep every answer under MAX_CHARS, cutting whole lines from the end (the first line stays)."""
    if len(text) < MAX_CHARS:
        return text
    lines = text.split("\n")
    kept = [lines[0][: MAX_CHARS - 200]]
    for line in lines[1:]:
        if sum(len(k) + 1 for k in kept) + len(line) + 40 >= MAX_CHARS:
            kept.append("(list shortened)")
            break
        kept.append(line)
    return "\n".join(kept)
