"""One notetaker record per booking: the claim that makes attaching idempotent, then the bot's life.

    PK COMPANY#<cid>   SK NOTETAKER#<bid>       state, bot_id, claim_token, join_at, …
        while work is pending it is on the sparse DueWorkByTime index:
        DueWorkByTimePK DUE#notetaker_billing   <ends_at + 10 min utc>#<bid>   (bill after the meeting)
        DueWorkByTimePK DUE#notetaker_retry     <retry at utc>#<bid>           (a provider call to redo)

States:
    claimed         an attach call holds the claim and is creating the bot (stale after 60 s)
    scheduled       the provider has a bot; due for billing after the meeting
    billed          billed once (the per-bot marker in repositories/credits.py guards it)
    no_recording    the bot finished without recording anything: nothing to bill
    failed          gave up (the provider never reported a finished bot); last_error says why
    delete_pending  the booking was cancelled/moved but deleting the bot failed: retried by the job
    create_pending  a reschedule could not create the new bot: retried by the job
    removed         the bot was deleted (booking cancelled) or moved to another booking

The record, not the booking item, is the source of truth for "which bot": services that rewrite a
whole booking item (cancel, status marks) cannot lose it. `notetaker_bot_id` on the booking is kept
in step for readers of the booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scheduling.repositories import keys
from scheduling.repositories.due_work import due_items
from scheduling.repositories.items import plain

BILLING = "notetaker_billing"
RETRY = "notetaker_retry"


def notetaker_sk(booking_id: str) -> str:
    return f"NOTETAKER#{booking_id}"


@dataclass(frozen=True)
class NotetakerRecord:
    company_id: str
    booking_id: str
    state: str
    bot_id: str | None = None
    claim_token: str | None = None
    claimed_at: datetime | None = None
    meeting_url: str | None = None
    join_at: datetime | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    moved_to_booking_id: str | None = None
    due_kind: str | None = None
    due_sk: str | None = None  # DueWorkByTimeSK as read: the value a conditional update expects

    @property
    def key(self) -> dict[str, str]:
        return record_key(self.company_id, self.booking_id)


def record_key(company_id: str, booking_id: str) -> dict[str, str]:
    return {"PK": keys.company_pk(company_id), "SK": notetaker_sk(booking_id)}


_INSTANTS = ("claimed_at", "join_at", "starts_at", "ends_at")
_PLAIN = ("bot_id", "claim_token", "meeting_url", "last_error", "moved_to_booking_id")


def record_from_item(item: dict[str, Any]) -> NotetakerRecord:
    item = plain(item)
    due_pk = item.get("DueWorkByTimePK")
    return NotetakerRecord(
        company_id=item["company_id"], booking_id=item["booking_id"], state=item["state"],
        **{name: item.get(name) for name in _PLAIN},
        **{name: datetime.fromisoformat(item[name]) if item.get(name) else None for name in _INSTANTS},
        attempts=int(item.get("attempts") or 0),
        due_kind=due_pk.removeprefix("DUE#") if due_pk else None,
        due_sk=item.get("DueWorkByTimeSK"),
    )


class LostRecord(Exception):
    """The record changed under us (another caller or job run got there first)."""


class NotetakerRepository:
    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client

    @property
    def table_name(self) -> str:
        return str(self._table.name)

    # reads ------------------------------------------------------------------------------------
    def get(self, company_id: str, booking_id: str) -> NotetakerRecord | None:
        item = self._table.get_item(Key=record_key(company_id, booking_id), ConsistentRead=True).get("Item")
        return record_from_item(item) if item else None

    def due(self, kind: str, now: datetime, limit: int = 100) -> list[NotetakerRecord]:
        """Records on `DUE#<kind>` due at or before `now`, oldest first (one Query, no Scan)."""
        return [record_from_item(item) for item in due_items(self._table, kind, now, limit)]

    # the attach claim -------------------------------------------------------------------------
    def claim(self, company_id: str, booking_id: str, token: str, now: datetime, stale_before: datetime) -> bool:
        """Take the booking's claim: no record yet, a `claimed` one abandoned before `stale_before`, or one
        whose bot is gone (`removed`) or still to be created by the job (`create_pending`)."""
        try:
            self._table.put_item(
                Item={**record_key(company_id, booking_id), "company_id": company_id, "booking_id": booking_id,
                      "state": "claimed", "claim_token": token, "claimed_at": now.isoformat()},
                ConditionExpression=("attribute_not_exists(PK) OR (#state = :claimed AND claimed_at < :stale) "
                                     "OR #state IN (:removed, :create_pending)"),
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":claimed": "claimed", ":stale": stale_before.isoformat(),
                                           ":removed": "removed", ":create_pending": "create_pending"},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def release(self, company_id: str, booking_id: str, token: str) -> None:
        """Give a claim back (the provider failed); a claim someone else took over is left alone."""
        try:
            self._table.delete_item(
                Key=record_key(company_id, booking_id),
                ConditionExpression="claim_token = :token AND #state = :claimed",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":token": token, ":claimed": "claimed"},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            pass

    def commit_scheduled(self, *, company_id: str, booking_id: str, token: str | None, bot_id: str,
                         meeting_url: str, join_at: datetime, starts_at: datetime, ends_at: datetime,
                         bill_at: datetime, now: datetime, state_expected: str = "claimed",
                         extra: list[dict[str, Any]] = ()) -> None:  # type: ignore[assignment]
        """Record the bot and put it on the billing index, and set `notetaker_bot_id` on a booking that
        is still not cancelled, in one transaction (with `extra`, its webhook event). Raises
        LostRecord when either condition fails."""
        names = {"#state": "state"}
        values: dict[str, Any] = {
            ":scheduled": "scheduled", ":bot": bot_id, ":url": meeting_url, ":join": join_at.isoformat(),
            ":starts": starts_at.isoformat(), ":ends": ends_at.isoformat(), ":now": now.isoformat(),
            ":expected": state_expected, ":zero": 0,
            ":due_pk": f"DUE#{BILLING}", ":due_sk": keys.due_work(BILLING, bill_at, booking_id)["DueWorkByTimeSK"],
        }
        condition = "#state = :expected"
        if token is not None:
            condition += " AND claim_token = :token"
            values[":token"] = token
        record_update = {
            "TableName": self.table_name, "Key": record_key(company_id, booking_id),
            "UpdateExpression": (
                "SET #state = :scheduled, bot_id = :bot, meeting_url = :url, join_at = :join, "
                "starts_at = :starts, ends_at = :ends, updated_at = :now, attempts = :zero, "
                "DueWorkByTimePK = :due_pk, DueWorkByTimeSK = :due_sk REMOVE last_error"
            ),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names, "ExpressionAttributeValues": values,
        }
        booking_update = {
            "TableName": self.table_name,
            "Key": {"PK": keys.company_pk(company_id), "SK": keys.booking_sk(booking_id)},
            "UpdateExpression": "SET notetaker_bot_id = :bot, updated_at = :now",
            "ConditionExpression": "attribute_exists(PK) AND #status <> :cancelled",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":bot": bot_id, ":now": now.isoformat(), ":cancelled": "cancelled"},
        }
        self._transact([{"Update": record_update}, {"Update": booking_update}, *extra])

    def set_booking_bot_id(self, company_id: str, booking_id: str, bot_id: str) -> None:
        """Repair `notetaker_bot_id` on a booking whose item was rewritten without it."""
        self._table.update_item(
            Key={"PK": keys.company_pk(company_id), "SK": keys.booking_sk(booking_id)},
            UpdateExpression="SET notetaker_bot_id = :bot",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":bot": bot_id},
        )

    def record_transcript(self, *, company_id: str, booking_id: str, deal_id: str | None, url: str, bot_id: str,
                          now: datetime) -> bool:
        """Write the transcript link into the booking's `extra.notetaker_transcript_url` and, when the
        booking has an opportunity (`deal_id`), onto that CRM opportunity (`OPPORTUNITY#<id>`, the layout
        of repositories/crm.py) as `transcript_url`. Returns True when an opportunity was updated."""
        booking_key = {"PK": keys.company_pk(company_id), "SK": keys.booking_sk(booking_id)}
        try:
            self._table.update_item(
                Key=booking_key,
                UpdateExpression="SET #extra.notetaker_transcript_url = :url",
                ConditionExpression="attribute_exists(PK) AND attribute_type(#extra, :map)",
                ExpressionAttributeNames={"#extra": "extra"},
                ExpressionAttributeValues={":url": url, ":map": "M"},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            try:  # an item written without an `extra` map
                self._table.update_item(
                    Key=booking_key, UpdateExpression="SET #extra = :extra",
                    ConditionExpression="attribute_exists(PK) AND attribute_not_exists(#extra)",
                    ExpressionAttributeNames={"#extra": "extra"},
                    ExpressionAttributeValues={":extra": {"notetaker_transcript_url": url}},
                )
            except self._client.exceptions.ConditionalCheckFailedException:
                pass
        if not deal_id:
            return False
        try:
            self._table.update_item(
                Key={"PK": keys.company_pk(company_id), "SK": f"OPPORTUNITY#{deal_id}"},
                UpdateExpression="SET transcript_url = :url, transcript_booking_id = :booking, "
                                 "transcript_bot_id = :bot, updated_at = :now",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues={":url": url, ":booking": booking_id, ":bot": bot_id,
                                           ":now": now.isoformat()},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    # state changes used by hooks and the job --------------------------------------------------
    def put_pending(self, *, company_id: str, booking_id: str, state: str, retry_at: datetime, now: datetime,
                    **attributes: Any) -> None:
        """Create/replace a record that the retry job must finish (`create_pending`, `delete_pending`)."""
        item = {**record_key(company_id, booking_id), "company_id": company_id, "booking_id": booking_id,
                "state": state, "updated_at": now.isoformat(), "attempts": 0,
                **{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in attributes.items()
                   if v is not None},
                **keys.due_work(RETRY, retry_at, booking_id)}
        self._table.put_item(Item=item)

    def transition(self, record: NotetakerRecord, *, state: str, now: datetime, due: tuple[str, datetime] | None = None,
                   **attributes: Any) -> NotetakerRecord:
        """Move a record to `state` (on `due` = (kind, at), or off the index), only if it is unchanged
        since it was read (same state and due key). Returns the record as written; raises LostRecord."""
        update, names, values = self._transition_update(record, state=state, now=now, due=due, **attributes)
        try:
            self._table.update_item(Key=record.key, UpdateExpression=update, ConditionExpression=names.pop("__cond"),
                                    ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        except self._client.exceptions.ConditionalCheckFailedException as error:
            raise LostRecord(record.booking_id) from error
        new_due_sk = keys.due_work(due[0], due[1], record.booking_id)["DueWorkByTimeSK"] if due else None
        return NotetakerRecord(**{**record.__dict__, "state": state, "due_kind": due[0] if due else None,
                                  "due_sk": new_due_sk,
                                  **{k: v for k, v in attributes.items() if k in NotetakerRecord.__dataclass_fields__}})

    def absent_entry(self, company_id: str, booking_id: str) -> dict[str, Any]:
        """A TransactWriteItems check that the booking still has no record."""
        return {"ConditionCheck": {"TableName": self.table_name, "Key": record_key(company_id, booking_id),
                                   "ConditionExpression": "attribute_not_exists(PK)"}}

    def transition_entry(self, record: NotetakerRecord, *, state: str, now: datetime,
                         due: tuple[str, datetime] | None = None, **attributes: Any) -> dict[str, Any]:
        """The same change as `transition`, as a TransactWriteItems entry (billing commits it atomically)."""
        update, names, values = self._transition_update(record, state=state, now=now, due=due, **attributes)
        return {"Update": {"TableName": self.table_name, "Key": record.key, "UpdateExpression": update,
                           "ConditionExpression": names.pop("__cond"), "ExpressionAttributeNames": names,
                           "ExpressionAttributeValues": values}}

    @staticmethod
    def _transition_update(record: NotetakerRecord, *, state: str, now: datetime,
                           due: tuple[str, datetime] | None, **attributes: Any
                           ) -> tuple[str, dict[str, str], dict[str, Any]]:
        names = {"#state": "state"}
        values: dict[str, Any] = {":state": state, ":now": now.isoformat(), ":read_state": record.state}
        sets = ["#state = :state", "updated_at = :now"]
        removes = []
        for n, (name, value) in enumerate(attributes.items()):
            names[f"#a{n}"] = name
            if value is None:
                removes.append(f"#a{n}")
            else:
                values[f":a{n}"] = value.isoformat() if isinstance(value, datetime) else value
                sets.append(f"#a{n} = :a{n}")
        if due:
            kind, at = due
            values[":due_pk"] = f"DUE#{kind}"
            values[":due_sk"] = keys.due_work(kind, at, record.booking_id)["DueWorkByTimeSK"]
            sets += ["DueWorkByTimePK = :due_pk", "DueWorkByTimeSK = :due_sk"]
        else:
            removes += ["DueWorkByTimePK", "DueWorkByTimeSK"]
        condition = "#state = :read_state"
        if record.due_sk:
            condition += " AND DueWorkByTimeSK = :read_due"
            values[":read_due"] = record.due_sk
        update = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        names["__cond"] = condition
        return update, names, values

    # ------------------------------------------------------------------------------------------
    def _transact(self, writes: list[dict[str, Any]]) -> None:
        try:
            self._client.transact_write_items(TransactItems=writes)
        except self._client.exceptions.TransactionCanceledException as error:
            raise LostRecord(str(error)) from error
