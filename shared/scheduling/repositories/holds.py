"""Slot holds in the same ledger that makes double booking impossible (docs/holds.md).

    COMPANY#<cid>  HOLD#<hold id>               the hold (domain `Hold`); TTL a day after expiry
    COMPANY#<cid>  HOST_DAY#<uid>#<utc date>    `holds.<hold id> = [start, end, expires_at]`
    COMPANY#<cid>  CALL_HOLD#<hashed call id>   `hold_id` of the voice call's offered-slot hold

Placing a hold is ONE TransactWriteItems: the hold item (`attribute_not_exists`) and each ledger
day its buffered range touches, for each of its hosts, conditioned on the version read, exactly
like a booking (repositories/bookings.py). So a hold and a booking, or two holds, that overlap
for a host share a ledger item and can never both commit. Nothing ever has to remove an expired
hold: every reader skips ranges whose `expires_at` has passed, and the next write of the day
drops them (`LedgerDay.pruned`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from scheduling.domain.models import Hold
from scheduling.repositories import keys
from scheduling.repositories.bookings import HeldRange, LedgerDay, held_value, transact, utc_days
from scheduling.repositories.items import from_item, to_item
from scheduling.slots.ranges import TimeRange

TOMBSTONE_DAYS = 1  # a consumed, released or expired hold answers 410 this long, then 404


def hold_range(hold: Hold) -> TimeRange:
    """The time a hold keeps, buffers included, exactly as a booking of that slot would."""
    return TimeRange.utc(hold.starts_at, hold.ends_at).widen(
        timedelta(minutes=hold.buffer_before_minutes), timedelta(minutes=hold.buffer_after_minutes))


def _epoch(instant: datetime) -> Decimal:
    return Decimal(str(instant.timestamp()))


def _live_condition(now: datetime) -> dict[str, Any]:
    """A hold item that is still `held` and not expired at `now` (expiry needs no job: the
    write itself refuses an expired hold)."""
    return {"ConditionExpression": "#status = :held AND live_until_epoch > :now",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":held": "held", ":now": _epoch(now)}}


class HoldRepository:
    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client

    def key(self, company_id: str, hold_id: str) -> tuple[str, str]:
        """(PK, SK) of a hold, for a BatchGetItem that reads it with a create's ledger days."""
        return keys.company_pk(company_id), keys.hold_sk(hold_id)

    def get(self, company_id: str, hold_id: str) -> Hold | None:
        pk, sk = self.key(company_id, hold_id)
        item = self._table.get_item(Key={"PK": pk, "SK": sk}, ConsistentRead=True).get("Item")
        return self.from_item(item) if item else None

    @staticmethod
    def from_item(item: dict[str, Any]) -> Hold:
        return from_item(Hold, item)

    def call_hold_id(self, company_id: str, call_id: str) -> str | None:
        """The id of the last hold placed for a voice call (live or not), or None."""
        item = self._table.get_item(Key={"PK": keys.company_pk(company_id), "SK": keys.call_hold_sk(call_id)},
                                    ConsistentRead=True).get("Item")
        return item["hold_id"] if item else None

    def place(self, hold: Hold, guard: list[LedgerDay]) -> None:
        """Commit the hold and its ranges in `guard` (each host's ledger days its range touches,
        as read and pruned) in one transaction, or raise LedgerConflict. A hold for a voice call
        also points the call at itself in that transaction (the call's next `book` finds it)."""
        value = HeldRange(hold_range(hold), hold.expires_at)
        tidy_up = {keys.TABLE_TTL_ATTRIBUTE: int(hold.expires_at.timestamp()) + TOMBSTONE_DAYS * 86400}
        item = to_item(hold, PK=keys.company_pk(hold.company_id), SK=keys.hold_sk(hold.id),
                       live_until_epoch=_epoch(hold.expires_at), **tidy_up)
        writes = [{"Put": {"TableName": self._table.name, "Item": item,
                           "ConditionExpression": "attribute_not_exists(PK)"}}]
        writes.extend(self._ledger_hold(hold.company_id, day, hold.id, value) for day in guard)
        if hold.call_id:  # after the ledger days: commit_guarded reads failures at 1..len(guard) as theirs
            pointer = {"PK": keys.company_pk(hold.company_id), "SK": keys.call_hold_sk(hold.call_id),
                       "hold_id": hold.id, **tidy_up}
            writes.append({"Put": {"TableName": self._table.name, "Item": pointer}})
        transact(self._client, writes)

    def release(self, hold: Hold, now: datetime) -> None:
        """Mark the hold released (condition: still live at `now`) and take its ranges out of the
        ledger days, bumping their versions so a racing read re-checks. LedgerConflict when the
        hold was consumed, released or expired meanwhile."""
        writes = [self._finish(hold, "released", now), *self._ledger_drop(hold, skip=set())]
        transact(self._client, writes)

    def consume_entries(self, hold: Hold, booking_id: str, now: datetime,
                        booked_days: set[tuple[str, Any]]) -> list[dict[str, Any]]:
        """TransactWriteItems entries that consume `hold` in the booking's own transaction: the
        hold item (condition: still live at `now`) and, for ledger days of the hold the booking
        does not write (its event type's duration or buffers changed since), the hold's range.
        The booking's own ledger writes drop the hold from the days they share (pruned guard)."""
        return [self._finish(hold, "consumed", now, booking_id=booking_id), *self._ledger_drop(hold, skip=booked_days)]

    # entries ---------------------------------------------------------------------------------
    def _finish(self, hold: Hold, status: str, now: datetime, booking_id: str | None = None) -> dict[str, Any]:
        live = _live_condition(now)
        update = {
            "TableName": self._table.name,
            "Key": {"PK": keys.company_pk(hold.company_id), "SK": keys.hold_sk(hold.id)},
            "UpdateExpression": "SET #status = :status, finished_at = :finished, booking_id = :booking",
            "ConditionExpression": live["ConditionExpression"],
            "ExpressionAttributeNames": live["ExpressionAttributeNames"],
            "ExpressionAttributeValues": {**live["ExpressionAttributeValues"], ":status": status,
                                          ":finished": now.isoformat(), ":booking": booking_id},
        }
        return {"Update": update}

    def _ledger_drop(self, hold: Hold, skip: set[tuple[str, Any]]) -> list[dict[str, Any]]:
        entries = []
        for host_id in hold.host_user_ids:
            for day in utc_days(hold_range(hold)):
                if (host_id, day) in skip:
                    continue
                entries.append({"Update": {
                    "TableName": self._table.name,
                    "Key": {"PK": keys.company_pk(hold.company_id), "SK": keys.host_day_sk(host_id, day)},
                    "UpdateExpression": "REMOVE holds.#hold SET version = version + :one",
                    "ConditionExpression": "attribute_exists(holds)",
                    "ExpressionAttributeNames": {"#hold": hold.id},
                    "ExpressionAttributeValues": {":one": 1},
                }})
        return entries

    def _ledger_hold(self, company_id: str, day: LedgerDay, hold_id: str, value: HeldRange) -> dict[str, Any]:
        key = {"PK": keys.company_pk(company_id), "SK": keys.host_day_sk(day.user_id, day.day)}
        # The whole map is written: the version guard makes that safe, and it drops the expired
        # holds the caller pruned from `day` in the same write.
        holds = {**{h: held_value(v) for h, v in day.holds.items()}, hold_id: held_value(value)}
        if day.version == 0:
            item = {**key, "version": 1, "ranges": {}, "holds": holds}
            return {"Put": {"TableName": self._table.name, "Item": item,
                            "ConditionExpression": "attribute_not_exists(PK)"}}
        return {"Update": {
            "TableName": self._table.name,
            "Key": key,
            "UpdateExpression": "SET holds = :holds, version = :next",
            "ConditionExpression": "version = :read",
            "ExpressionAttributeValues": {":holds": holds, ":next": day.version + 1, ":read": day.version},
        }}
