"""The booking's invitation (`invite.ics`, RFC 5545/5546) attached to its confirmation,
reschedule and cancellation emails, so a booker on any calendar (Outlook, Apple, Fastmail, …) adds
or updates the event in one click (contract §11).

One UID for a booking's whole life: `Booking.ical_uid`, or one derived from the booking id. A
reschedule's new booking continues the old booking's UID with SEQUENCE + 1, so calendars move the
event instead of adding a second one. A cancellation is `METHOD:CANCEL`, `STATUS:CANCELLED`, with
the SEQUENCE after the booking's own. Instants are UTC. `DTSTAMP` is the booking's `updated_at`
(when this version of the booking came to be), so re-sending an email repeats the same file.

icalendar is imported when an invitation is made, not with this module (cold starts).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any
from urllib.parse import urlparse

from scheduling.domain.models import Booking

FILENAME = "invite.ics"
PRODUCT_ID = "-//Scheduling Bookings//invite//EN"


def invitation_uid(booking: Booking) -> str:
    """The UID the booking's invitations carry (kept across reschedules)."""
    if booking.ical_uid:
        return booking.ical_uid
    from scheduling.settings import get_settings

    domain = urlparse(get_settings().app_base_url).hostname or "scheduling.invalid"
    return f"booking-{booking.id}@{domain}"


def invitation_ics(booking: Booking, *, cancelled: bool, summary: str, organizer: dict[str, str] | None,
                   invitees: list[str], management_url: str | None) -> str:
    """The VCALENDAR text: METHOD:REQUEST for a live booking, METHOD:CANCEL for a cancelled one."""
    from icalendar import Calendar, Event, vCalAddress, vText

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")

    event = Event()
    event.add("uid", invitation_uid(booking))
    event.add("sequence", booking.ical_sequence + (1 if cancelled else 0))
    event.add("dtstamp", booking.updated_at.astimezone(UTC))
    event.add("dtstart", booking.starts_at.astimezone(UTC))
    event.add("dtend", booking.ends_at.astimezone(UTC))
    event.add("summary", summary)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    link = booking.join_link
    lines = []
    if link:
        event.add("location", link)
        lines.append(f"Join: {link}")
    if management_url and not cancelled:
        event.add("url", management_url)
        lines.append(f"View, reschedule or cancel: {management_url}")
    if lines:
        event.add("description", "\n".join(lines))
    if organizer:
        address = vCalAddress(f"mailto:{organizer['email']}")
        address.params["cn"] = vText(organizer.get("name") or organizer["email"])
        event.add("organizer", address)
    for email in dict.fromkeys(e.strip() for e in invitees if e and e.strip()):
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def invitation_attachment(booking: Booking, payload: dict[str, Any], *, cancelled: bool) -> Any:
    """`invite.ics` for an email side effect's `payload` (its summary, organizer and invitees;
    work recorded before invitations existed falls back to the booking's own details)."""
    from scheduling.adapters.email import EmailAttachment

    text = invitation_ics(
        booking, cancelled=cancelled,
        summary=str(payload.get("summary") or booking.event_type_name),
        organizer=payload.get("organizer") or _sender(),
        invitees=list(payload.get("invitees") or [booking.booker_email, *[a.email for a in booking.attendees]]),
        management_url=payload.get("management_url"))
    method = "CANCEL" if cancelled else "REQUEST"
    return EmailAttachment(FILENAME, f"text/calendar; method={method}", text)


def _sender() -> dict[str, str]:
    from scheduling.settings import get_settings

    return {"name": "Bookings", "email": get_settings().email_from}
