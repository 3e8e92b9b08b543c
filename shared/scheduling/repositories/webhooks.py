"""Outgoing webhooks (contract §8): subscriptions, events and deliveries in the single table.

    COMPANY#<cid>  WEBHOOK_SUB#<sid>                   a subscription (url, events, secrets)
    COMPANY#<cid>  WEBHOOK_EVENT#<evt id>              one event per booking change, written in the
                                                       change's own transaction (the body, signed later)
    COMPANY#<cid>  WEBHOOK_DELIVERY#<sid>#<dlv id>     one per (event, subscription), made when the
                                                       event fans out; dlv ids sort by event time, so a
                                                       reverse Query is the log newest first

Pending events and deliveries sit on the sparse DueWorkByTime index (`DUE#webhook_event`,
`DUE#webhook_delivery`); the due sort key doubles as the claim (as in the side-effect outbox): a
worker moves it to its lease with a condition on the value it read, and finishes only while it
still holds that value, so overlapping job runs never send one delivery twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scheduling.repositories import keys
from scheduling.repositories.conditions import Key, SortKeyPrefix
from scheduling.repositories.due_work import due_items
from scheduling.repositories.items import plain
from scheduling.repositories.queries import company_items, query_one_more_than

EVENT_DUE = "webhook_event"
DELIVERY_DUE = "webhook_delivery"
SUB_PREFIX = "WEBHOOK_SUB#"
EVENT_PREFIX = "WEBHOOK_EVENT#"
DELIVERY_PREFIX = "WEBHOOK_DELIVERY#"


class LostClaim(Exception):
    """Another worker holds (or finished) this item."""


def subscription_key(company_id: str, subscription_id: str) -> dict[str, str]:
    return {"PK": keys.company_pk(company_id), "SK": f"{SUB_PREFIX}{subscription_id}"}


def event_key(company_id: str, event_id: str) -> dict[str, str]:
    return {"PK": keys.company_pk(company_id), "SK": f"{EVENT_PREFIX}{event_id}"}


def delivery_key(company_id: str, subscription_id: str, delivery_id: str) -> dict[str, str]:
    return {"PK": keys.company_pk(company_id), "SK": f"{DELIVERY_PREFIX}{subscription_id}#{delivery_id}"}


def _clean(item: dict[str, Any] | None) -> dict[str, Any] | None:
    return plain(item) if item else None


class WebhookRepository:
    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client

    # subscriptions ----------------------------------------------------------------------------
    def put_subscription(self, item: dict[str, Any]) -> None:
        key = subscription_key(item["company_id"], item["id"])
        self._table.put_item(Item={**key, **item}, ConditionExpression="attribute_not_exists(PK)")

    def get_subscription(self, company_id: str, subscription_id: str) -> dict[str, Any] | None:
        found = self._table.get_item(Key=subscription_key(company_id, subscription_id), ConsistentRead=True)
        return _clean(found.get("Item"))

    def subscriptions(self, company_id: str) -> list[dict[str, Any]]:
        return [plain(i) for i in company_items(self._table, company_id, SUB_PREFIX, consistent=True)]

    def page_subscriptions(self, company_id: str, limit: int, after: str | None) -> tuple[list[dict[str, Any]], str | None]:
        condition = Key("PK").eq(keys.company_pk(company_id)) & SortKeyPrefix("SK", SUB_PREFIX)
        kwargs: dict[str, Any] = {"KeyConditionExpression": condition, }
        if after:
            kwargs["ExclusiveStartKey"] = {**subscription_key(company_id, after)}
        found = query_one_more_than(self._table, kwargs, limit)
        items = [plain(i) for i in found[:limit]]
        return items, (items[-1]["id"] if len(found) > limit else None)

    def update_subscription(self, company_id: str, subscription_id: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        names = {f"#f{i}": name for i, name in enumerate(changes)}
        values = {f":v{i}": value for i, value in enumerate(changes.values())}
        expression = "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(changes)))
        try:
            result = self._table.update_item(
                Key=subscription_key(company_id, subscription_id), UpdateExpression=expression,
                ConditionExpression="attribute_exists(PK)", ExpressionAttributeNames=names,
                ExpressionAttributeValues=values, ReturnValues="ALL_NEW")
        except self._client.exceptions.ConditionalCheckFailedException:
            return None
        return plain(result["Attributes"])

    def delete_subscription(self, company_id: str, subscription_id: str) -> bool:
        try:
            self._table.delete_item(Key=subscription_key(company_id, subscription_id),
                                    ConditionExpression="attribute_exists(PK)")
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    # events -------------------------------------------------------------------------------------
    def event_entry(self, company_id: str, event: dict[str, Any], due_at: datetime, expires_epoch: int) -> dict[str, Any]:
        """The transaction entry that records an event with the change it reports."""
        item = {**event_key(company_id, event["id"]), "company_id": company_id, "event_id": event["id"],
                "event_type": event["type"], "created_at": event["created_at"],
                "body": _body_text(event), keys.TABLE_TTL_ATTRIBUTE: expires_epoch,
                **keys.due_work(EVENT_DUE, due_at, f"{company_id}/{event['id']}")}
        return {"Put": {"TableName": self._table.name, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}

    def put_event(self, company_id: str, event: dict[str, Any], expires_epoch: int) -> None:
        """An event with no change to report with (a ping), already fanned out by its caller."""
        self._table.put_item(Item={**event_key(company_id, event["id"]), "company_id": company_id,
                                   "event_id": event["id"], "event_type": event["type"],
                                   "created_at": event["created_at"], "body": _body_text(event),
                                   keys.TABLE_TTL_ATTRIBUTE: expires_epoch})

    def event_body(self, company_id: str, event_id: str) -> str | None:
        found = self._table.get_item(Key=event_key(company_id, event_id), ProjectionExpression="body").get("Item")
        return found["body"] if found else None

    def due_events(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        return [plain(i) for i in due_items(self._table, EVENT_DUE, now, limit)]

    def due_deliveries(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        return [plain(i) for i in due_items(self._table, DELIVERY_DUE, now, limit)]

    def event_fanned_out(self, company_id: str, event_id: str, due_sk: str) -> bool:
        """Take the event off the due index (its deliveries exist); False if another worker did."""
        try:
            self._table.update_item(
                Key=event_key(company_id, event_id),
                UpdateExpression="REMOVE DueWorkByTimePK, DueWorkByTimeSK",
                ConditionExpression="DueWorkByTimeSK = :held",
                ExpressionAttributeValues={":held": due_sk})
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def claim(self, key: dict[str, str], held_sk: str, lease_sk: str) -> None:
        """Move an event's or delivery's due key from the value read to this worker's lease."""
        try:
            self._table.update_item(Key=key, UpdateExpression="SET DueWorkByTimeSK = :lease",
                                    ConditionExpression="DueWorkByTimeSK = :held",
                                    ExpressionAttributeValues={":lease": lease_sk, ":held": held_sk})
        except self._client.exceptions.ConditionalCheckFailedException:
            raise LostClaim from None

    # deliveries ---------------------------------------------------------------------------------
    def create_delivery(self, item: dict[str, Any]) -> bool:
        """False when this (event, subscription) delivery exists already (a re-run fan-out)."""
        key = delivery_key(item["company_id"], item["subscription_id"], item["id"])
        try:
            self._table.put_item(Item={**key, **item}, ConditionExpression="attribute_not_exists(PK)")
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get_delivery(self, company_id: str, subscription_id: str, delivery_id: str) -> dict[str, Any] | None:
        found = self._table.get_item(Key=delivery_key(company_id, subscription_id, delivery_id), ConsistentRead=True)
        return _clean(found.get("Item"))

    def page_deliveries(self, company_id: str, subscription_id: str, limit: int,
                        after: str | None) -> tuple[list[dict[str, Any]], str | None]:
        condition = Key("PK").eq(keys.company_pk(company_id)) & SortKeyPrefix(
            "SK", f"{DELIVERY_PREFIX}{subscription_id}#")
        kwargs: dict[str, Any] = {"KeyConditionExpression": condition, "ScanIndexForward": False,
                                  "ConsistentRead": True}
        if after:
            kwargs["ExclusiveStartKey"] = delivery_key(company_id, subscription_id, after)
        found = query_one_more_than(self._table, kwargs, limit)
        items = [plain(i) for i in found[:limit]]
        return items, (items[-1]["id"] if len(found) > limit else None)

    def finish_delivery(self, key: dict[str, str], held_sk: str, changes: dict[str, Any],
                        due: dict[str, str] | None) -> None:
        """Record an attempt's outcome while still holding the claim; `due` None leaves the index."""
        fields = dict(changes)
        if due:
            fields.update(due)
        names = {f"#f{i}": name for i, name in enumerate(fields)}
        values = {f":v{i}": value for i, value in enumerate(fields.values())}
        values[":held"] = held_sk
        expression = "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields)))
        if not due:
            expression += " REMOVE DueWorkByTimePK, DueWorkByTimeSK"
        try:
            self._table.update_item(Key=key, UpdateExpression=expression,
                                    ConditionExpression="DueWorkByTimeSK = :held",
                                    ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        except self._client.exceptions.ConditionalCheckFailedException:
            raise LostClaim from None

    def reopen_delivery(self, key: dict[str, str], due: dict[str, str]) -> bool:
        """Redeliver: put a finished delivery back on the index, held by the caller (its lease)."""
        try:
            self._table.update_item(
                Key=key, UpdateExpression="SET #status = :pending, DueWorkByTimePK = :pk, DueWorkByTimeSK = :sk",
                ConditionExpression="attribute_exists(PK) AND attribute_not_exists(DueWorkByTimeSK)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":pending": "pending", ":pk": due["DueWorkByTimePK"],
                                           ":sk": due["DueWorkByTimeSK"]})
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True


def _body_text(event: dict[str, Any]) -> str:
    import json

    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)
