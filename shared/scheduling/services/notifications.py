"""The notifications of contract §4: who receives one, what it says, and sending it.

A notification rule (`NotificationRule`) turns into a list of `Delivery`s — one email per email
address and one SMS per E.164 number — that `send_delivery` hands to `wiring.email()` (SES) or
`wiring.sms()` (SNS). Storage, scheduling and "at most once" live in `services.reminders`; this
module only renders and sends.

Templates. `{name}` is replaced by the variable of that name:

    {booker_name}     the booker's name                          Sarah Jones
    {event_type}      the event type's name                      Free Consultation
    {date}            start date in the booking's time zone      Tuesday, 1 December 2026
    {time}            start time in the booking's time zone      9:00 AM
    {duration}        the booking's length                       30 minutes
    {meet_link}       the Google Meet link, or empty             https://meet.google.com/abc-defg-hij
    {management_url}  {APP_BASE_URL}/book/{company_slug}/manage/{management_token}, or empty
                      once the token has expired
    {rebook_link}     {APP_BASE_URL}/book/{company_slug}/{event_type_slug}

Unknown variables (`{foo}`) are left in the text exactly as written and logged as a warning, so a
typo in a template shows up in the message and in the logs instead of failing the send. Braces
that do not look like a variable (`{ }`, `{{`, JSON) are left alone.

Recipients: `booker` → the booker; `booker_and_attendees` → the booker and every attendee;
`team` → the booking's hosts (their user email and phone); `all` → both. Addresses are
de-duplicated case-insensitively. SMS goes only to numbers that are (or normalise to) E.164 with
the company's `settings.default_country`; others are skipped and logged. A rule without a subject
or body uses the defaults of `DEFAULT_TEMPLATES` for its kind.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.domain.models import Booking, Company, NotificationRule, User
from scheduling.formatting import format_date, format_time
from scheduling.services.booking_input import try_normalise_phone

if TYPE_CHECKING:
    from scheduling.repositories.companies import CompanyConfig

logger = logging.getLogger("scheduling.notifications")

KINDS = ("pre_meeting", "meeting_start", "late", "no_show", "rebooking")
TEMPLATE_VARIABLES = (
    "booker_name", "event_type", "date", "time", "duration", "meet_link", "management_url", "rebook_link",
)
_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    "pre_meeting": {
        "email_subject": "Reminder: {event_type} on {date} at {time}",
        "email_body": "Hi {booker_name},\n\nThis is a reminder of your {event_type} ({duration}) on {date} at "
                      "{time}.\n\nJoin: {meet_link}\nManage your booking: {management_url}\n",
        "sms_body": "Reminder: {event_type} on {date} at {time}. Manage: {management_url}",
    },
    "meeting_start": {
        "email_subject": "{event_type} is starting now",
        "email_body": "Hi {booker_name},\n\nYour {event_type} is starting now.\n\nJoin: {meet_link}\n",
        "sms_body": "Your {event_type} is starting now. {meet_link}",
    },
    "late": {
        "email_subject": "We're waiting for you: {event_type}",
        "email_body": "Hi {booker_name},\n\nYour {event_type} started at {time}. We're still waiting for you."
                      "\n\nJoin: {meet_link}\n",
        "sms_body": "Your {event_type} started at {time}. We're waiting for you. {meet_link}",
    },
    "no_show": {
        "email_subject": "We missed you: {event_type}",
        "email_body": "Hi {booker_name},\n\nWe missed you at your {event_type} on {date} at {time}.\n\n"
                      "Book another time: {rebook_link}\n",
        "sms_body": "We missed you at your {event_type}. Book another time: {rebook_link}",
    },
    "rebooking": {
        "email_subject": "Book another {event_type}",
        "email_body": "Hi {booker_name},\n\nWould you like to book another {event_type}?\n\n{rebook_link}\n",
        "sms_body": "Book another {event_type}: {rebook_link}",
    },
}


@dataclass(frozen=True)
class Delivery:
    """One message to one recipient on one channel."""

    channel: Literal["email", "sms"]
    to: str
    body: str
    subject: str | None = None

    @property
    def key(self) -> str:
        """Stable id of this delivery within its reminder (what "already delivered" remembers)."""
        return f"{self.channel}:{self.to.lower()}"


@dataclass(frozen=True)
class NotificationContext:
    """Everything a template needs to know about a booking."""

    booking: Booking
    company: Company
    event_type_name: str
    event_type_slug: str
    hosts: tuple[User, ...] = ()


def template_variables(context: NotificationContext, app_base_url: str) -> dict[str, str]:
    booking, company = context.booking, context.company
    zone = ZoneInfo(booking.timezone)
    base = app_base_url.rstrip("/")
    minutes = booking.duration_minutes
    return {
        "booker_name": booking.booker_name,
        "event_type": context.event_type_name,
        "date": format_date(booking.starts_at.astimezone(zone).date()),
        "time": format_time(booking.starts_at, zone),
        "duration": f"{minutes} minute" if minutes == 1 else f"{minutes} minutes",
        "meet_link": booking.join_link or "",
        "management_url": (f"{base}/book/{company.slug}/manage/{booking.management_token}"
                           if booking.management_token else ""),
        "rebook_link": f"{base}/book/{company.slug}/{context.event_type_slug}",
    }


def render(template: str, variables: dict[str, str]) -> str:
    """Replace every `{known}` variable; leave unknown ones as written and log them."""
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in variables:
            return variables[name]
        unknown.append(name)
        return match.group(0)

    text = _VARIABLE.sub(replace, template)
    if unknown:
        logger.warning("unknown template variables left as written: %s", ", ".join(sorted(set(unknown))))
    return text


def recipients(who: str, booking: Booking, hosts: tuple[User, ...], default_country: str) -> tuple[list[str], list[str]]:
    """(emails, E.164 phones) for a rule's `recipients`, de-duplicated, in a stable order."""
    people: list[tuple[str | None, str | None]] = []
    if who in ("booker", "booker_and_attendees", "all"):
        people.append((booking.booker_email, booking.booker_phone))
    if who in ("booker_and_attendees", "all"):
        people.extend((a.email, a.phone) for a in booking.attendees)
    if who in ("team", "all"):
        people.extend((h.email, h.phone) for h in hosts)
    emails: list[str] = []
    phones: list[str] = []
    for email, phone in people:
        if email and email.lower() not in {e.lower() for e in emails}:
            emails.append(email)
        number = try_normalise_phone(phone, default_country)
        if phone and number is None:
            logger.warning("SMS skipped: %r is not a phone number in E.164 or %s form", phone, default_country)
        if number and number not in phones:
            phones.append(number)
    return emails, phones


def deliveries(kind: str, rule: NotificationRule, context: NotificationContext, app_base_url: str) -> list[Delivery]:
    """The messages one rule produces for one booking, rendered."""
    defaults = DEFAULT_TEMPLATES[kind]
    variables = template_variables(context, app_base_url)
    emails, phones = recipients(rule.recipients, context.booking, context.hosts,
                                context.company.settings.default_country)
    out: list[Delivery] = []
    if "email" in rule.channels:
        subject = render(rule.email_subject or defaults["email_subject"], variables)
        body = render(rule.email_body or defaults["email_body"], variables)
        out.extend(Delivery("email", to, body, subject) for to in emails)
    if "sms" in rule.channels:
        body = render(rule.sms_body or defaults["sms_body"], variables)
        out.extend(Delivery("sms", to, body) for to in phones)
    return out


def send_delivery(kind: str, delivery: Delivery, booking_id: str) -> str:
    """Send one message; provider failures raise the adapter's `ProviderUnavailable` subclass."""
    if delivery.channel == "email":
        return wiring.email().send([delivery.to], delivery.subject or "", delivery.body, kind, booking_id)
    return wiring.sms().send(delivery.to, delivery.body, kind, booking_id)


def load_context(booking: Booking, *, event_type_slug: str | None = None,
                 cache: dict[str, object] | None = None, config: CompanyConfig | None = None
                 ) -> NotificationContext | None:
    """Company, event type and hosts of a booking (None when the company is gone); taken from
    `config` when the caller has already read the company's configuration (no read at all)."""
    if config is not None:
        company: Company | None = config.company
        event_type = config.event_type(booking.event_type_id)
        users = [config.user(uid) for uid in booking.host_user_ids]
    else:
        cache = cache if cache is not None else {}
        companies = wiring.companies()

        def cached(key: str, load):  # noqa: ANN001, ANN202 - tiny local memo
            if key not in cache:
                cache[key] = load()
            return cache[key]

        company = cached(f"company#{booking.company_id}", lambda: companies.get(booking.company_id))
        if company is None:
            return None
        event_type = cached(f"event_type#{booking.company_id}#{booking.event_type_id}",
                            lambda: companies.get_event_type(booking.company_id, booking.event_type_id))
        users = [cached(f"user#{booking.company_id}#{uid}", lambda uid=uid: companies.get_user(booking.company_id, uid))
                 for uid in booking.host_user_ids]
    return NotificationContext(
        booking=booking,
        company=company,
        event_type_name=event_type.name if event_type else booking.event_type_name,
        event_type_slug=event_type.slug if event_type else (event_type_slug or booking.event_type_id),
        hosts=tuple(user for user in users if user is not None),
    )
