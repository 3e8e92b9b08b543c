"""After the meeting: mark a booking attended, late or no-show (contract §3 items 7–9).

    confirmed ──► attended | late | no_show
    late ──────► attended | no_show
    X ─────────► X          200 no-op: nothing written, nothing sent, the first mark's activity id
    otherwise               409 INVALID_STATUS_TRANSITION, details.current_status

One transaction per mark, conditioned on the status that was read (so two concurrent marks
cannot both win; the loser re-reads and becomes a no-op or a 409), holding:
* the booking's new status, `updated_at` and `<status>_activity_id` (what a repeat returns);
* a CRM activity (`attended` / `late` / `no_show`) with the booking's contact and opportunity;
* attended: the linked opportunity's `next_action_at` / `next_action_note` set to null;
* late: the event type's `late` notifications, as reminders due now;
* no-show: its `no_show` notifications due now and its `rebooking` reminders due at
  mark time + `offset_minutes`.
After the commit, notifications due now are sent at once through the reminder sender (a provider
failure leaves them pending for the send_reminders job), and attended cancels pending reminders.

DynamoDB calls of a late / no-show mark (docs/reminders.md, "Calls per mark"): the booking
(GetItem, consistent), the company's configuration (ONE Query: event type, company, hosts for the
notification), the transaction, and per notification one write per message sent (the last one
with its finish). The notifications are committed already claimed, so no claim and no re-read of
the booking follow the commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scheduling import wiring
from scheduling.domain.models import Booking
from scheduling.errors import Conflict, NotFound
from scheduling.formatting import format_instant
from scheduling.repositories import keys
from scheduling.repositories.companies import CompanyConfig
from scheduling.repositories.items import from_item
from scheduling.services import notifications, reminders, webhooks

ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "confirmed": ("attended", "late", "no_show"),
    "late": ("attended", "no_show"),
}
_SUMMARIES = {
    "attended": "{booker} attended {event_type} on {when}.",
    "late": "{booker} was late for {event_type} on {when}.",
    "no_show": "{booker} did not show up for {event_type} on {when}.",
}
_ATTEMPTS = 3


@dataclass(frozen=True)
class MarkResult:
    booking: Booking
    activity_id: str | None
    notifications_sent: int
    reminders_scheduled: int
    changed: bool


def mark_attended(company_id: str, booking_id: str, now: datetime) -> MarkResult:
    return mark(company_id, booking_id, "attended", now)


def mark_late(company_id: str, booking_id: str, now: datetime) -> MarkResult:
    return mark(company_id, booking_id, "late", now)


def mark_no_show(company_id: str, booking_id: str, now: datetime) -> MarkResult:
    return mark(company_id, booking_id, "no_show", now)


def mark(company_id: str, booking_id: str, target: str, now: datetime) -> MarkResult:
    """Move the booking to `target` (attended | late | no_show) with its side effects."""
    table = wiring.table()
    client = table.meta.client
    config = None
    for _ in range(_ATTEMPTS):
        item = table.get_item(Key={"PK": keys.company_pk(company_id), "SK": keys.booking_sk(booking_id)},
                              ConsistentRead=True).get("Item")
        if item is None:
            raise NotFound(f"No booking {booking_id}.")
        booking = from_item(Booking, item)
        if booking.status == target:
            return MarkResult(booking, item.get(_activity_attribute(target)), 0, 0, changed=False)
        allowed = ALLOWED_TRANSITIONS.get(booking.status, ())
        if target not in allowed:
            raise _invalid_transition(booking.status, target)
        if config is None and target != "attended":  # attended sends nothing
            config = wiring.companies().load_config(company_id)
        plan = _plan(booking, target, now, config)
        try:
            client.transact_write_items(TransactItems=plan.writes)
        except client.exceptions.TransactionCanceledException:
            continue  # the status (or the opportunity) changed meanwhile: read again
        break
    else:
        raise Conflict("The booking kept changing while it was being marked.", code="CONFLICT",
                       fix="Retry the request.")
    webhooks.dispatch(plan.event)
    if target == "attended":
        reminders.cancel_pending_reminders(company_id, booking_id, now=now)
    sent = 0
    if plan.send_now:
        context = notifications.load_context(plan.booking, config=config)
        sent = sum(reminders.send_claimed(put, context, now).messages for put in plan.send_now)
    return MarkResult(plan.booking, plan.activity_id, sent, plan.reminders_scheduled, changed=True)


@dataclass(frozen=True)
class _Plan:
    booking: Booking
    activity_id: str
    writes: list[dict[str, Any]]
    send_now: list[dict[str, Any]]  # the notifications' Puts, committed claimed
    reminders_scheduled: int
    event: webhooks.PendingEvent


def _plan(booking: Booking, target: str, now: datetime, config: CompanyConfig | None) -> _Plan:
    from scheduling.services.crm import crm_repository

    table_name = wiring.table().name
    company_id = booking.company_id
    activity_id = str(uuid.uuid4())
    updated = booking.model_copy(update={"status": target, "updated_at": now})
    writes: list[dict[str, Any]] = [{"Update": {
        "TableName": table_name,
        "Key": {"PK": keys.company_pk(company_id), "SK": keys.booking_sk(booking.id)},
        "UpdateExpression": "SET #status = :target, updated_at = :now, #activity = :activity",
        "ConditionExpression": "#status = :read",
        "ExpressionAttributeNames": {"#status": "status", "#activity": _activity_attribute(target)},
        "ExpressionAttributeValues": {":target": target, ":now": now.isoformat(), ":read": booking.status,
                                      ":activity": activity_id},
    }}]
    event_type = config.event_type(booking.event_type_id) if config else None
    claim_id = str(uuid.uuid4())
    notifications: list[dict[str, Any]] = []
    scheduled: list[dict[str, Any]] = []
    if target == "late":
        notifications = reminders.immediate_items(updated, event_type, "late", now, claim_id)
    elif target == "no_show":
        notifications = reminders.immediate_items(updated, event_type, "no_show", now, claim_id)
        scheduled = reminders.rebooking_items(updated, event_type, now)
    elif target == "attended" and booking.deal_id:
        repo = crm_repository()
        if repo.get_opportunity(company_id, booking.deal_id) is not None:
            writes.append({"Update": {
                "TableName": table_name,
                "Key": {"PK": keys.company_pk(company_id), "SK": f"OPPORTUNITY#{booking.deal_id}"},
                "UpdateExpression": "SET next_action_at = :null, next_action_note = :null, updated_at = :now",
                "ConditionExpression": "attribute_exists(PK)",
                "ExpressionAttributeValues": {":null": None, ":now": now.isoformat()},
            }})
    writes += notifications + scheduled
    when = format_instant(booking.starts_at, ZoneInfo(booking.timezone))
    writes.append(crm_repository().activity_entry(company_id, {
        "id": activity_id, "type": target, "booking_id": booking.id, "opportunity_id": booking.deal_id,
        "contact_id": booking.contact_id,
        "summary": _SUMMARIES[target].format(booker=booking.booker_name, event_type=booking.event_type_name,
                                             when=when),
        "created_at": now.isoformat(),
    }))
    event = webhooks.booking_event(f"booking.{target}", updated, now)
    writes.append(event.entry)
    return _Plan(updated, activity_id, writes, notifications, len(scheduled), event)


def _activity_attribute(status: str) -> str:
    return f"{status}_activity_id"


def _invalid_transition(current: str, target: str) -> Conflict:
    allowed = ALLOWED_TRANSITIONS.get(current, ())
    fix = (f"A {current} booking can only be marked {' or '.join(allowed)}." if allowed
           else f"A {current} booking cannot be marked any more; check its status with GET first.")
    return Conflict(
        f"A {current} booking cannot be marked {target}.",
        code="INVALID_STATUS_TRANSITION",
        fix=fix,
        details={"current_status": current, "requested_status": target, "allowed": list(allowed)},
    )
