"""The side-effect outbox: calendar and email work recorded with the booking, done right after.

One item per booking and kind (`SIDE_EFFECT#<booking id>#<kind>`), written in the booking's own
transaction. While it is pending it sits on the sparse `DueWorkByTime` index
(`DUE#side_effect`, `<due utc>#<id>`); done, obsolete or failed items leave the index, so the
retry job finds its work with one Query, never a Scan.

The due sort key doubles as the claim: a worker moves it into the future (its lease) with a
condition on the value it read, so two overlapping job runs cannot both take the same item, and
completing requires the worker to still hold that exact value.

Only the booking's (or cancel's) own transaction writes several items at once. Everything after
it is a single-item conditional write (half the cost of a transactional one): claiming, finishing,
backing off, and `attach_event` (the calendar event and Meet link onto the booking item, written
*before* the insert is marked done, so a crash in between leaves the work pending for the job).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from scheduling.repositories import keys
from scheduling.repositories.due_work import due_items
from scheduling.repositories.items import plain
from scheduling.repositories.queries import company_items

DUE_KIND = "side_effect"
KINDS = ("calendar_insert", "calendar_delete", "confirmation_email", "cancellation_email")


@dataclass(frozen=True)
class SideEffect:
    company_id: str
    booking_id: str
    kind: str
    due_at: datetime
    status: str = "pending"  # pending | done | obsolete | failed
    attempts: int = 0
    payload: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)
    last_error: str | None = None
    due_sk: str | None = None  # the DueWorkByTimeSK as read (the claim token)

    @property
    def id(self) -> str:
        return f"{self.booking_id}:{self.kind}"

    @property
    def key(self) -> dict[str, str]:
        return {"PK": keys.company_pk(self.company_id), "SK": side_effect_sk(self.booking_id, self.kind)}


class LostClaim(Exception):
    """The item changed under us: another worker took it, or a cancel made it obsolete."""


def side_effect_sk(booking_id: str, kind: str) -> str:
    return f"SIDE_EFFECT#{booking_id}#{kind}"


class SideEffectRepository:
    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client

    # transaction entries (committed with a booking or a cancel) -----------------------------
    def put_entry(self, effect: SideEffect) -> dict[str, Any]:
        item = {**effect.key, **self._attributes(effect)}
        if effect.status == "pending":
            item.update(keys.due_work(DUE_KIND, effect.due_at, effect.id))
        return {"Put": {"TableName": self._table.name, "Item": item,
                        "ConditionExpression": "attribute_not_exists(PK)"}}

    def obsolete_entry(self, effect: SideEffect, now: datetime) -> dict[str, Any]:
        """Mark pending work obsolete (a cancel got there first); fails if it was done meanwhile."""
        return {"Update": {
            "TableName": self._table.name, "Key": effect.key,
            "UpdateExpression": "SET #status = :obsolete, updated_at = :now REMOVE DueWorkByTimePK, DueWorkByTimeSK",
            "ConditionExpression": "#status = :pending",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":obsolete": "obsolete", ":pending": "pending", ":now": now.isoformat()},
        }}

    # reads ----------------------------------------------------------------------------------
    def list_for_booking(self, company_id: str, booking_id: str) -> list[SideEffect]:
        items = company_items(self._table, company_id, f"SIDE_EFFECT#{booking_id}#", consistent=True)
        return [self.from_item(i) for i in items]

    def get(self, company_id: str, booking_id: str, kind: str) -> SideEffect | None:
        key = {"PK": keys.company_pk(company_id), "SK": side_effect_sk(booking_id, kind)}
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return self.from_item(item) if item else None

    def due(self, now: datetime, limit: int = 100) -> list[SideEffect]:
        """Pending work due at or before `now`, oldest first (one Query on DueWorkByTime)."""
        return [self.from_item(item) for item in due_items(self._table, DUE_KIND, now, limit)]

    # claims ---------------------------------------------------------------------------------
    def claim(self, effect: SideEffect, lease_until: datetime, now: datetime) -> SideEffect | None:
        """Take pending work until `lease_until`; None when someone else changed it first."""
        new_sk = keys.due_work(DUE_KIND, lease_until, effect.id)["DueWorkByTimeSK"]
        try:
            self._table.update_item(
                Key=effect.key,
                UpdateExpression="SET DueWorkByTimeSK = :lease, attempts = attempts + :one, updated_at = :now",
                ConditionExpression="#status = :pending AND DueWorkByTimeSK = :seen",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":lease": new_sk, ":one": 1, ":pending": "pending",
                                           ":seen": effect.due_sk, ":now": now.isoformat()},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return None
        return replace(effect, due_at=lease_until, due_sk=new_sk, attempts=effect.attempts + 1)

    def complete(self, effect: SideEffect, result: dict[str, Any], now: datetime) -> None:
        """Done: leave the due index; only while this worker still holds the claim it read."""
        self._conditional_update(
            effect,
            "SET #status = :done, #result = :result, updated_at = :now "
            "REMOVE DueWorkByTimePK, DueWorkByTimeSK, last_error",
            {":done": "done", ":result": result, ":now": now.isoformat()},
            names={"#result": "result"},
        )

    def attach_event(self, effect: SideEffect, event_id: str, meet_link: str | None,
                     meeting_provider: str | None = "google_meet") -> None:
        """Write a calendar insert's event id and meeting link onto its booking; LostClaim when the
        booking is gone or cancelled (the cancel made this insert obsolete in the same transaction
        that flipped the status, and wrote the booking without them). `google_meet_link` is
        written only for a Meet (contract §11: it equals `meeting_link` there)."""
        expression = "SET calendar_event_ids.#host = :event"
        values: dict[str, Any] = {":event": event_id, ":cancelled": "cancelled"}
        if meet_link:
            expression += ", meeting_link = :link, meeting_provider = :kind"
            values[":link"] = meet_link
            values[":kind"] = meeting_provider
            if meeting_provider == "google_meet":
                expression += ", google_meet_link = :link"
        try:
            self._table.update_item(
                Key={"PK": keys.company_pk(effect.company_id), "SK": keys.booking_sk(effect.booking_id)},
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(PK) AND #status <> :cancelled",
                ExpressionAttributeNames={"#host": effect.payload["host_user_id"], "#status": "status"},
                ExpressionAttributeValues=values,
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            raise LostClaim(effect.id) from None

    def record(self, effect: SideEffect) -> bool:
        """Put new work on its own (outside a booking's transaction). Work of that kind still
        pending is the same work: False. Finished work of that kind is replaced, since it has to
        happen again (a cancel's delete that ran before an in-flight insert made the event)."""
        try:
            self._table.put_item(
                Item=self.put_entry(effect)["Put"]["Item"],
                ConditionExpression="attribute_not_exists(PK) OR #status <> :pending",
                ExpressionAttributeNames={"#status": "status"}, ExpressionAttributeValues={":pending": "pending"})
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def retry_later(self, effect: SideEffect, error: str, next_attempt_at: datetime, now: datetime) -> None:
        new_sk = keys.due_work(DUE_KIND, next_attempt_at, effect.id)["DueWorkByTimeSK"]
        self._conditional_update(
            effect,
            "SET DueWorkByTimeSK = :next, last_error = :error, next_attempt_at = :at, updated_at = :now",
            {":next": new_sk, ":error": error[:500], ":at": next_attempt_at.isoformat(), ":now": now.isoformat()},
        )

    def give_up(self, effect: SideEffect, error: str, now: datetime) -> None:
        self._conditional_update(
            effect,
            "SET #status = :failed, last_error = :error, updated_at = :now REMOVE DueWorkByTimePK, DueWorkByTimeSK",
            {":failed": "failed", ":error": error[:500], ":now": now.isoformat()},
        )

    # ----------------------------------------------------------------------------------------
    def _conditional_update(self, effect: SideEffect, expression: str, values: dict[str, Any],
                            names: dict[str, str] | None = None) -> None:
        try:
            self._table.update_item(
                Key=effect.key, UpdateExpression=expression,
                ConditionExpression="#status = :pending AND DueWorkByTimeSK = :held",
                ExpressionAttributeNames={"#status": "status", **(names or {})},
                ExpressionAttributeValues={**values, ":pending": "pending", ":held": effect.due_sk},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            raise LostClaim(effect.id) from None

    @staticmethod
    def _attributes(effect: SideEffect) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": effect.id, "company_id": effect.company_id, "booking_id": effect.booking_id,
            "kind": effect.kind, "status": effect.status, "attempts": effect.attempts,
            "due_at": effect.due_at.isoformat(), "payload": effect.payload,
        }
        if effect.result:
            item["result"] = effect.result
        if effect.last_error:
            item["last_error"] = effect.last_error
        return item

    @staticmethod
    def from_item(item: dict[str, Any]) -> SideEffect:
        data = plain(item)
        return SideEffect(
            company_id=data["company_id"], booking_id=data["booking_id"], kind=data["kind"],
            due_at=datetime.fromisoformat(data["due_at"]), status=data["status"],
            attempts=int(data.get("attempts", 0)), payload=data.get("payload") or {},
            result=data.get("result") or {}, last_error=data.get("last_error"),
            due_sk=data.get("DueWorkByTimeSK"),
        )


def initial_due_sk(effect: SideEffect) -> str:
    return keys.due_work(DUE_KIND, effect.due_at, effect.id)["DueWorkByTimeSK"]


def with_due_sk(effect: SideEffect) -> SideEffect:
    """The effect as it will read once committed (its claim token is its initial due key)."""
    return replace(effect, due_sk=initial_due_sk(effect))


INLINE_LEASE = timedelta(minutes=2)  # longer than a Lambda's 15 s timeout: the job waits this out
