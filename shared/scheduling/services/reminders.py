"""Reminders: scheduled notifications stored as due items, sent by the send_reminders job.

Hooks for the booking services (see docs/reminders.md):

    reminder_items_for_new_booking(booking, event_type, company, now) -> list[dict]
        TransactWriteItems entries (boto3 resource-client form, plain Python values) to commit
        *in the booking's own transaction*: one reminder per `pre_meeting` / `meeting_start`
        rule still in the future, and the booking's token-expiry item.
    cancel_pending_reminders(company_id, booking_id) -> int
        After a cancel (or mark-attended) commits: every pending reminder of the booking becomes
        `cancelled` and leaves the due index. Safe to call twice.

One item per rule (n = the rule's index in its list):

    PK COMPANY#<cid>   SK REMINDER#<bid>#<kind>#<n>
    DueWorkByTimePK DUE#reminder   DueWorkByTimeSK <next attempt utc>#<bid>#<kind>#<n>
    state      pending → sending → sent | skipped | failed ;  pending → cancelled
    rule       the NotificationRule as it was when scheduled (a snapshot)
    delivered  keys (`email:<addr>`, `sms:<e164>`) of messages already accepted by SES/SNS

The due-index attributes exist only while the reminder can still be sent, so the index holds
only live work. "At most once" comes from a conditional claim: a run moves an item from
`pending` to `sending` with a lease (`claim_id`, `lease_until` = now + 5 min) and only the
claimant may record deliveries or finish it; an overlapping or retried run fails the condition
and skips the item. A provider failure releases the item to `pending` with its next attempt a
minute later (doubling, at most an hour; `failed` after MAX_ATTEMPTS). A run that dies after
claiming leaves the item `sending`; once the lease has passed the next run claims it again and
sends only the deliveries not yet recorded — at-least-once for that crash window, chosen over
losing a reminder (docs/reminders.md).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scheduling import wiring
from scheduling.adapters.errors import ProviderUnavailable
from scheduling.domain.models import Booking, Company, EventType, NotificationRule
from scheduling.repositories import keys
from scheduling.repositories.due_work import due_items
from scheduling.repositories.queries import company_items
from scheduling.services import notifications
from scheduling.services.token_expiry import token_expiry_put

logger = logging.getLogger("scheduling.reminders")

DUE_KIND = "reminder"
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(hours=1)
FINISHED_RETENTION = timedelta(days=30)  # finished items are removed by the table's TTL after this
# The booking status a reminder of each kind still makes sense for.
SENDABLE_STATUS = {
    "pre_meeting": {"confirmed"},
    "meeting_start": {"confirmed"},
    "late": {"late"},
    "no_show": {"no_show"},
    "rebooking": {"no_show"},
}
_GSI_ATTRIBUTES = "DueWorkByTimePK, DueWorkByTimeSK"


def reminder_sk(booking_id: str, kind: str, n: int) -> str:
    return f"REMINDER#{booking_id}#{kind}#{n}"


def reminder_key(company_id: str, booking_id: str, kind: str, n: int) -> dict[str, str]:
    return {"PK": keys.company_pk(company_id), "SK": reminder_sk(booking_id, kind, n)}


# -- scheduling -------------------------------------------------------------------------------

def reminder_put(booking: Booking, kind: str, n: int, rule: NotificationRule, due_at: datetime,
                 event_type_slug: str, now: datetime, *, claim_id: str | None = None) -> dict[str, Any]:
    """The TransactWriteItems Put of one pending reminder; with `claim_id`, one already claimed
    (`sending`, lease from `now`), so the run that commits it sends it without a claim of its own."""
    item = {
        **reminder_key(booking.company_id, booking.id, kind, n),
        "type": "reminder",
        "company_id": booking.company_id,
        "booking_id": booking.id,
        "kind": kind,
        "n": n,
        "due_at": keys.utc_iso(due_at),
        "state": "pending",
        "rule": rule.model_dump(mode="json", exclude_none=True),
        "event_type_slug": event_type_slug,
        "attempts": 0,
        "delivered": [],
        "created_at": keys.utc_iso(now),
        **keys.due_work(DUE_KIND, due_at, f"{booking.id}#{kind}#{n}"),
    }
    if claim_id is not None:
        item.update({"state": "sending", "claim_id": claim_id, "lease_until": keys.utc_iso(now + LEASE),
                     "attempts": 1})
    return {"Put": {"TableName": wiring.table().name, "Item": item}}


def reminder_items_for_new_booking(booking: Booking, event_type: EventType, company: Company,
                                   now: datetime) -> list[dict[str, Any]]:
    """Entries to add to the booking's TransactWriteItems so reminders commit with it.

    `pre_meeting` rules are due `offset_minutes` (missing = 0) before the start, `meeting_start`
    rules at the start; a reminder whose instant is already past at booking time is not scheduled
    (a "1 hour before" note for a meeting 10 minutes away would be wrong). Also schedules the
    expiry of the booking's management token. `company` is accepted for symmetry and future use.
    """
    del company
    rules = event_type.booking_notifications
    items: list[dict[str, Any]] = []
    for kind, offsets in (("pre_meeting", rules.pre_meeting), ("meeting_start", rules.meeting_start)):
        for n, rule in enumerate(offsets):
            offset = timedelta(minutes=rule.offset_minutes or 0) if kind == "pre_meeting" else timedelta(0)
            due_at = booking.starts_at - offset
            if due_at >= now:
                items.append(reminder_put(booking, kind, n, rule, due_at, event_type.slug, now))
    expiry = token_expiry_put(booking)
    if expiry:
        items.append(expiry)
    return items


def rebooking_items(booking: Booking, event_type: EventType | None, marked_at: datetime) -> list[dict[str, Any]]:
    """`rebooking` reminders due `offset_minutes` (missing = 0) after the no-show mark."""
    if event_type is None:
        return []
    return [
        reminder_put(booking, "rebooking", n, rule, marked_at + timedelta(minutes=rule.offset_minutes or 0),
                     event_type.slug, marked_at)
        for n, rule in enumerate(event_type.booking_notifications.rebooking)
    ]


def immediate_items(booking: Booking, event_type: EventType | None, kind: str, now: datetime,
                    claim_id: str) -> list[dict[str, Any]]:
    """`late` / `no_show` notifications as reminders due now, committed already claimed by
    `claim_id`: the mark's own transaction is the claim, so `send_claimed` sends them right after
    the commit; if that run dies, the lease runs out and the job sends them (at-least-once, as for
    any claim)."""
    if event_type is None:
        return []
    rules = getattr(event_type.booking_notifications, kind)
    return [reminder_put(booking, kind, n, rule, now, event_type.slug, now, claim_id=claim_id)
            for n, rule in enumerate(rules)]


# -- reading and cancelling -------------------------------------------------------------------

def reminders_for_booking(company_id: str, booking_id: str) -> list[dict[str, Any]]:
    """Every reminder item of a booking (any state), in key order."""
    return company_items(wiring.table(), company_id, f"REMINDER#{booking_id}#", consistent=True)


def cancel_pending_reminders(company_id: str, booking_id: str, *, now: datetime | None = None) -> int:
    """Cancel every still-pending reminder of the booking; returns how many were cancelled.

    A reminder being sent at this very moment (`sending`) is not interrupted; its sender re-reads
    the booking after claiming and skips cancelled / attended bookings, so only a send already in
    flight can still go out.
    """
    table = wiring.table()
    client = table.meta.client
    cancelled = 0
    for item in reminders_for_booking(company_id, booking_id):
        if item.get("state") != "pending":
            continue
        values: dict[str, Any] = {":pending": "pending", ":cancelled": "cancelled"}
        expression = f"SET #state = :cancelled REMOVE {_GSI_ATTRIBUTES}"
        if now is not None:
            values.update({":now": keys.utc_iso(now), ":ttl": _ttl(now)})
            expression = f"SET #state = :cancelled, finished_at = :now, {keys.TABLE_TTL_ATTRIBUTE} = :ttl " \
                         f"REMOVE {_GSI_ATTRIBUTES}"
        try:
            table.update_item(
                Key={"PK": item["PK"], "SK": item["SK"]}, UpdateExpression=expression,
                ConditionExpression="#state = :pending", ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues=values)
            cancelled += 1
        except client.exceptions.ConditionalCheckFailedException:
            continue  # claimed or finished meanwhile
    return cancelled


# -- sending ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    result: str  # sent | retry | skipped | failed | busy
    messages: int = 0


def send_due_reminders(now: datetime, *, limit: int = 200) -> dict[str, int]:
    """The send_reminders job: send every reminder due at or before `now`, each at most once.

    Returns counts: due (found in the index), sent, messages (emails + SMS delivered),
    retry_later (provider failure, still pending), skipped (booking cancelled / attended /
    over), failed (gave up after MAX_ATTEMPTS), busy (claimed by another run).
    """
    due = due_items(wiring.table(), DUE_KIND, now, limit)
    summary = {"due": 0, "sent": 0, "messages": 0, "retry_later": 0, "skipped": 0, "failed": 0, "busy": 0}
    names = {"retry": "retry_later"}
    cache: dict[str, object] = {}
    for item in due[:limit]:
        summary["due"] += 1
        outcome = deliver_reminder({"PK": item["PK"], "SK": item["SK"]}, now, cache=cache)
        summary[names.get(outcome.result, outcome.result)] += 1
        summary["messages"] += outcome.messages
    return summary


def deliver_reminder(key: dict[str, str], now: datetime, *, cache: dict[str, object] | None = None) -> Outcome:
    """Claim one due reminder and send what it has not delivered yet."""
    table = wiring.table()
    client = table.meta.client
    claim_id = str(uuid.uuid4())
    try:
        item = table.update_item(
            Key=key,
            UpdateExpression="SET #state = :sending, claim_id = :claim, lease_until = :lease, "
                             "attempts = if_not_exists(attempts, :zero) + :one",
            ConditionExpression="#state = :pending OR (#state = :sending AND lease_until < :now)",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={":sending": "sending", ":pending": "pending", ":claim": claim_id,
                                       ":lease": keys.utc_iso(now + LEASE), ":now": keys.utc_iso(now),
                                       ":zero": 0, ":one": 1},
            ReturnValues="ALL_NEW",
        )["Attributes"]
    except client.exceptions.ConditionalCheckFailedException:
        return Outcome("busy")
    claim = _Claim(table, key, claim_id, now)
    kind = item["kind"]
    booking = wiring.bookings().get(item["company_id"], item["booking_id"])
    if booking is None:
        return claim.finish("skipped", reason="booking_missing")
    if booking.status not in SENDABLE_STATUS[kind]:
        return claim.finish("skipped", reason=f"booking_{booking.status}")
    if kind in ("pre_meeting", "meeting_start") and now >= booking.ends_at:
        return claim.finish("skipped", reason="meeting_over")
    context = notifications.load_context(booking, event_type_slug=item.get("event_type_slug"), cache=cache)
    if context is None:
        return claim.finish("skipped", reason="company_missing")
    return _send(claim, item, context)


def send_claimed(put: dict[str, Any], context: notifications.NotificationContext, now: datetime) -> Outcome:
    """Send a reminder that was committed already claimed (`reminder_put(..., claim_id=)`), in the
    same transaction that gave `context.booking` its status: no claim and no re-read of the booking
    are needed, since both were settled by that commit."""
    item = put["Put"]["Item"]
    claim = _Claim(wiring.table(), {"PK": item["PK"], "SK": item["SK"]}, item["claim_id"], now)
    return _send(claim, item, context)


def _send(claim: _Claim, item: dict[str, Any], context: notifications.NotificationContext) -> Outcome:
    """Send the deliveries of a claimed reminder not yet recorded. Each accepted message is recorded
    before the next one is sent, the last one together with the finish (one write fewer, the same
    at-most-once: no message is sent while an earlier one is unrecorded)."""
    kind = item["kind"]
    rule = NotificationRule.model_validate(item["rule"])
    done = set(item.get("delivered") or []) | set(item.get("failed_deliveries") or [])
    sent = 0
    retry_error: str | None = None
    for delivery in notifications.deliveries(kind, rule, context, _app_base_url()):
        if delivery.key in done:
            continue
        if not claim.flush():
            return Outcome("busy", sent)
        try:
            notifications.send_delivery(kind, delivery, context.booking.id)
        except ProviderUnavailable as error:
            if error.retryable:
                retry_error = error.message
                logger.warning("reminder %s: %s will be retried: %s", item["SK"], delivery.key, error.message)
                continue
            logger.error("reminder %s: %s refused for good: %s", item["SK"], delivery.key, error.message)
            claim.record(delivery.key, failed=True)
            continue
        sent += 1
        claim.record(delivery.key)
    if retry_error is None:
        return claim.finish("sent", messages=sent)
    if int(item.get("attempts", 1)) >= MAX_ATTEMPTS:
        return claim.finish("failed", reason=retry_error, messages=sent)
    return claim.release(retry_error, attempts=int(item.get("attempts", 1)), due_id=item["DueWorkByTimeSK"],
                         messages=sent)


class _Claim:
    """Writes allowed only while this run still holds the item's claim. Deliveries noted with
    `record` are written by the next write: `flush` (before another message goes out), `finish`
    or `release`."""

    def __init__(self, table: Any, key: dict[str, str], claim_id: str, now: datetime) -> None:
        self._table, self._key, self._claim_id, self._now = table, key, claim_id, now
        self._client = table.meta.client
        self._unrecorded: dict[str, list[str]] = {}

    def _update(self, expression: str, values: dict[str, Any], names: dict[str, str] | None = None) -> bool:
        sets, values = self._recording(values)
        if sets:
            expression = _with_sets(expression, sets) if expression else f"SET {sets}"
        try:
            self._table.update_item(
                Key=self._key, UpdateExpression=expression, ConditionExpression="claim_id = :claim",
                ExpressionAttributeValues={":claim": self._claim_id, **values},
                **({"ExpressionAttributeNames": names} if names else {}))
            self._unrecorded.clear()
            return True
        except self._client.exceptions.ConditionalCheckFailedException:
            logger.warning("reminder %s: claim lost (lease expired and another run took it)", self._key["SK"])
            return False

    def _recording(self, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        sets = []
        for attribute, delivered in self._unrecorded.items():
            sets.append(f"{attribute} = list_append(if_not_exists({attribute}, :empty), :{attribute})")
            values = {**values, ":empty": [], f":{attribute}": delivered}
        return ", ".join(sets), values

    def record(self, delivery_key: str, *, failed: bool = False) -> None:
        self._unrecorded.setdefault("failed_deliveries" if failed else "delivered", []).append(delivery_key)

    def flush(self) -> bool:
        """Write what `record` noted (nothing to write: True at no cost)."""
        return self._update("", {}) if self._unrecorded else True

    def finish(self, state: str, *, reason: str | None = None, messages: int = 0) -> Outcome:
        values: dict[str, Any] = {":state": state, ":now": keys.utc_iso(self._now), ":ttl": _ttl(self._now)}
        expression = f"SET #state = :state, finished_at = :now, {keys.TABLE_TTL_ATTRIBUTE} = :ttl"
        if reason:
            expression += ", reason = :reason"
            values[":reason"] = reason
        expression += f" REMOVE claim_id, lease_until, {_GSI_ATTRIBUTES}"
        if not self._update(expression, values, {"#state": "state"}):
            return Outcome("busy", messages)
        return Outcome(state, messages)

    def release(self, error: str, *, attempts: int, due_id: str, messages: int) -> Outcome:
        """Back to pending, next attempt 1, 2, 4 … minutes later (at most MAX_BACKOFF)."""
        delay = min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)
        item_id = due_id.split("#", 1)[1]
        values = {":pending": "pending", ":error": error,
                  ":next": f"{keys.utc_iso(self._now + delay)}#{item_id}"}
        ok = self._update("SET #state = :pending, last_error = :error, DueWorkByTimeSK = :next "
                          "REMOVE claim_id, lease_until", values, {"#state": "state"})
        return Outcome("retry" if ok else "busy", messages)


def _with_sets(expression: str, sets: str) -> str:
    """`expression` ("SET … [REMOVE …]") with `sets` added to its SET clause."""
    head, separator, tail = expression.partition(" REMOVE ")
    return f"{head}, {sets}{separator}{tail}"


def _ttl(now: datetime) -> int:
    return int((now + FINISHED_RETENTION).timestamp())


def _app_base_url() -> str:
    from scheduling.settings import get_settings

    return get_settings().app_base_url
