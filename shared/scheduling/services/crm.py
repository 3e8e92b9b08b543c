"""CRM writes for a booking: contact upsert, customer, opportunity, activity (contract §2, §3.3).

`plan_booked` reads what the CRM knows and returns the ids the booking will carry plus
TransactWriteItems entries, which commit in the booking's own transaction: a booking never exists
without its CRM records, and a lost race re-plans both together. The booking service reads the
pointer items (`lookup_keys`) in the same BatchGetItem as the booking's ledger days and passes
them in, so the lookup itself costs at most the GetItem of a returning booker's contact.

Rules:
* contact: matched by email (case-insensitive), else by phone; a new one otherwise. On a match,
  name, email, phone, `booker_state` and `booker_timezone` are written only into empty fields.
* customer: from `company_name`, matched by name (case-insensitive); none without a company name.
* opportunity per the event type's `booking_deal_behavior`: `create` (always a new one),
  `update_or_create` (the contact's latest opportunity, else a new one), `never_create` (none);
  named by `booking_deal_name_template` (`{event_type}`, `{customer_name}`, `{date}`, `{time}`).
  An existing opportunity's `next_action_*` are never touched by bookings.
* activity: one per booking event (`booked`, `cancelled`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.domain.models import Booking, EventType
from scheduling.errors import ValidationFailed
from scheduling.formatting import format_date, format_instant, format_time
from scheduling.repositories.items import plain


@wiring.register
@lru_cache(maxsize=1)
def crm_repository() -> Any:
    from scheduling.repositories.crm import CrmRepository

    return CrmRepository(wiring.table())


# tools/local_inspection.py asks for `wiring.crm()`; provide it from here without editing wiring.py.
wiring.crm = crm_repository  # type: ignore[attr-defined]


@dataclass(frozen=True)
class BookerDetails:
    name: str
    email: str
    phone: str | None = None
    company_name: str | None = None
    state: str | None = None
    timezone: str | None = None


@dataclass
class CrmPlan:
    contact_id: str
    customer_id: str | None
    deal_id: str | None
    entries: list[dict[str, Any]] = field(default_factory=list)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def deal_name(template: str, *, event_type: str, customer_name: str, starts_at: datetime, zone: ZoneInfo) -> str:
    local = starts_at.astimezone(zone)
    values = _Blank(event_type=event_type, customer_name=customer_name, date=format_date(local.date()),
                    time=format_time(local))
    try:
        return template.format_map(values)
    except (ValueError, IndexError):  # a stray brace in an operator's template: show it as written
        return template


@dataclass(frozen=True)
class NamedRecords:
    """A contact and a deal the caller named by id (the /scheduling/* create's `contact_id`, `deal_id`)."""

    contact_id: str | None = None
    deal_id: str | None = None


NONE_NAMED = NamedRecords()


def lookup_keys(company_id: str, booker: BookerDetails, named: NamedRecords = NONE_NAMED) -> list[tuple[str, str]]:
    """The (PK, SK) of the CRM items `plan_booked` needs for this booker: pointers, named records."""
    repo = crm_repository()
    return [*repo.lookup_keys(company_id, booker.email, booker.phone, booker.company_name).values(),
            *repo.record_keys(company_id, named.contact_id, named.deal_id).values()]


def plan_booked(booking: Booking, event_type: EventType, booker: BookerDetails, now: datetime,
                opportunity_id: str | None = None, *,
                pointers: Mapping[tuple[str, str], dict[str, Any]], named: NamedRecords = NONE_NAMED) -> CrmPlan:
    """The CRM writes for a new booking; `opportunity_id` keeps an existing opportunity (reschedule).

    `pointers`: the items already read at `lookup_keys(...)` (absent ones left out). `named`: the
    contact the booking belongs to instead of the one its email matches, and the deal it joins
    instead of the event type's deal behaviour; VALIDATION_ERROR when this company has no such record."""
    repo = crm_repository()
    company_id = booking.company_id
    found = repo.lookup(company_id, booker.email, booker.phone, booker.company_name, pointers=pointers)
    records = repo.record_keys(company_id, named.contact_id, named.deal_id)
    if named.contact_id:
        contact_item = pointers.get(records["contact"])
        if contact_item is None:
            raise ValidationFailed("contact_id", "the id of a contact of this company",
                                   message=f"No contact with id '{named.contact_id}'.")
        found = replace(found, contact=plain(contact_item))
    if named.deal_id:
        if pointers.get(records["opportunity"]) is None:
            raise ValidationFailed("deal_id", "the id of a deal (opportunity) of this company",
                                   message=f"No deal with id '{named.deal_id}'.")
        opportunity_id = named.deal_id
    entries: list[dict[str, Any]] = []

    customer_id = found.customer_id
    if booker.company_name and booker.company_name.strip() and customer_id is None:
        customer_id = str(uuid.uuid4())
        entries += repo.new_customer_entries(company_id, {
            "id": customer_id, "company_id": company_id, "name": booker.company_name.strip(),
            "created_at": now.isoformat()})

    contact = found.contact
    contact_id = contact["id"] if contact else str(uuid.uuid4())
    deal_id: str | None = None
    new_opportunity = False
    behaviour = event_type.booking_deal_behavior
    if opportunity_id:
        deal_id = opportunity_id
        entries.append(repo.touch_opportunity_entry(company_id, deal_id, booking.id, now))
    elif behaviour == "update_or_create" and contact and contact.get("latest_opportunity_id"):
        deal_id = contact["latest_opportunity_id"]
        entries.append(repo.touch_opportunity_entry(company_id, deal_id, booking.id, now))
    elif behaviour in ("create", "update_or_create"):
        deal_id, new_opportunity = str(uuid.uuid4()), True
        name = deal_name(event_type.booking_deal_name_template, event_type=event_type.name,
                         customer_name=(booker.company_name or "").strip() or booker.name,
                         starts_at=booking.starts_at, zone=ZoneInfo(booking.timezone))
        entries.append(repo.new_opportunity_entry(company_id, {
            "id": deal_id, "company_id": company_id, "contact_id": contact_id, "customer_id": customer_id,
            "name": name, "booking_id": booking.id, "created_at": now.isoformat(), "updated_at": now.isoformat()}))

    details = {"name": booker.name, "email": booker.email, "phone": booker.phone, "state": booker.state,
               "timezone": booker.timezone}
    if contact is None:
        entries += repo.new_contact_entries(company_id, {
            "id": contact_id, "company_id": company_id, **details, "created_at": now.isoformat(),
            "updated_at": now.isoformat(), "latest_opportunity_id": deal_id if new_opportunity else None})
    else:
        entries += repo.fill_contact_entries(
            company_id, contact_id, details, now,
            add_email_pointer=booker.email if not found.email_taken else None,
            add_phone_pointer=booker.phone if booker.phone and not found.phone_taken else None,
            latest_opportunity_id=deal_id if new_opportunity else None)

    entries.append(_booked_activity(booking, event_type, contact_id, deal_id, now))
    return CrmPlan(contact_id=contact_id, customer_id=customer_id, deal_id=deal_id, entries=entries)


def plan_moved(booking: Booking, event_type: EventType, moved_from: Booking, now: datetime) -> CrmPlan | None:
    """The CRM writes for a reschedule's new booking when the old one belongs to a contact: the
    same contact, customer and opportunity (the booker's details are the old booking's, so there
    is nothing to look up or fill in), the opportunity touched and a `booked` activity. None when
    the old booking has no contact (a seeded one): then `plan_booked` looks the booker up."""
    if moved_from.contact_id is None:
        return None
    entries = [_booked_activity(booking, event_type, moved_from.contact_id, moved_from.deal_id, now)]
    if moved_from.deal_id:
        entries.insert(0, crm_repository().touch_opportunity_entry(booking.company_id, moved_from.deal_id,
                                                                   booking.id, now))
    return CrmPlan(contact_id=moved_from.contact_id, customer_id=moved_from.customer_id,
                   deal_id=moved_from.deal_id, entries=entries)


def _booked_activity(booking: Booking, event_type: EventType, contact_id: str, deal_id: str | None,
                     now: datetime) -> dict[str, Any]:
    return crm_repository().activity_entry(booking.company_id, {
        "id": str(uuid.uuid4()), "type": "booked", "booking_id": booking.id, "opportunity_id": deal_id,
        "contact_id": contact_id,
        "summary": f"{booking.booker_name} booked {event_type.name} for "
                   f"{format_instant(booking.starts_at, ZoneInfo(booking.timezone))}",
        "created_at": now.isoformat()})


def cancelled_activity_entry(booking: Booking, reason: str | None, now: datetime) -> dict[str, Any]:
    when = format_instant(booking.starts_at, ZoneInfo(booking.timezone))
    summary = f"{booking.booker_name}'s {booking.event_type_name} on {when} was cancelled"
    summary += f": {reason}" if reason else "."
    return crm_repository().activity_entry(booking.company_id, {
        "id": str(uuid.uuid4()), "type": "cancelled", "booking_id": booking.id,
        "opportunity_id": booking.deal_id, "contact_id": booking.contact_id, "summary": summary,
        "created_at": now.isoformat()})
