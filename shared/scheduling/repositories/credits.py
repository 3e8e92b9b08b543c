"""The company's credits: the balance on the company item plus an immutable ledger of every charge.

    PK COMPANY#<cid>   SK CONFIG#COMPANY                  credits (the balance, contract §2)
    PK COMPANY#<cid>   SK CREDIT#<utc created>#<id>       ledger entry (never updated or deleted)
    PK COMPANY#<cid>   SK NOTETAKER_BILLED#<bot id>       "this bot is billed" marker → entry id

`bill_once` commits, in one TransactWriteItems: the balance change (conditioned on the balance it
read, so the entry's `balance_after` is exact and concurrent charges cannot interleave), the ledger
entry, the per-bot marker (`attribute_not_exists`, so a bot is billed exactly once however often
the job re-runs) and any further entries the caller adds (the notetaker record leaving the billing
index). The balance never goes below zero: when it is short, what is left is charged and the entry
says `reason: "insufficient_balance"` with the unpaid `shortfall` (docs/notetaker.md).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scheduling.repositories import keys
from scheduling.repositories.conditions import Key
from scheduling.repositories.items import plain

USAGE = "notetaker_usage"
INSUFFICIENT_BALANCE = "insufficient_balance"


def ledger_sk(created_at: datetime, entry_id: str) -> str:
    return f"CREDIT#{keys.utc_iso(created_at)}#{entry_id}"


def billed_marker_sk(bot_id: str) -> str:
    return f"NOTETAKER_BILLED#{bot_id}"


@dataclass(frozen=True)
class Charge:
    already_billed: bool
    charged: int  # credits taken from the balance
    shortfall: int  # credits due but not taken because the balance was short
    balance_after: int | None
    entry_id: str | None
    reason: str | None


class BillingConflict(Exception):
    """A caller-supplied transaction entry failed its condition (e.g. another job run moved the record)."""


class CreditsRepository:
    def __init__(self, table: Any, *, max_attempts: int = 5) -> None:
        self._table = table
        self._client = table.meta.client
        self._max_attempts = max_attempts

    # reads ------------------------------------------------------------------------------------
    def balance(self, company_id: str) -> int:
        return self._read_balance(company_id) or 0

    def entries(self, company_id: str) -> list[dict[str, Any]]:
        """The ledger, oldest first."""
        condition = Key("PK").eq(keys.company_pk(company_id)) & Key("SK").begins_with("CREDIT#")
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"KeyConditionExpression": condition, "ConsistentRead": True}
        while True:
            page = self._table.query(**kwargs)
            items.extend(plain(i) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return [{k: v for k, v in i.items() if k not in ("PK", "SK")} for i in items]
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def billed_marker(self, company_id: str, bot_id: str) -> dict[str, Any] | None:
        key = {"PK": keys.company_pk(company_id), "SK": billed_marker_sk(bot_id)}
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return plain(item) if item else None

    # the one write ----------------------------------------------------------------------------
    def bill_once(self, *, company_id: str, bot_id: str, booking_id: str, amount: int, now: datetime,
                  details: dict[str, Any] | None = None,
                  extra_writes: list[dict[str, Any]] | None = None) -> Charge:
        """Charge `amount` credits for `bot_id` exactly once; a repeat returns `already_billed=True`.

        Raises BillingConflict when one of `extra_writes` fails its condition (nothing is charged).
        """
        for _ in range(self._max_attempts):
            marker = self.billed_marker(company_id, bot_id)
            if marker:
                return _already(marker)
            before = self._read_balance(company_id)
            available = max(before or 0, 0)
            charged = min(available, amount)
            shortfall = amount - charged
            entry_id = str(uuid.uuid4())
            reason = USAGE if shortfall == 0 else INSUFFICIENT_BALANCE
            entry = {
                "PK": keys.company_pk(company_id), "SK": ledger_sk(now, entry_id),
                "id": entry_id, "company_id": company_id, "amount": -charged, "credits_due": amount,
                "shortfall": shortfall, "reason": reason, "balance_before": before or 0,
                "balance_after": (before or 0) - charged, "booking_id": booking_id, "bot_id": bot_id,
                "created_at": now.isoformat(), **(details or {}),
            }
            marker_item = {"PK": keys.company_pk(company_id), "SK": billed_marker_sk(bot_id), "entry_id": entry_id,
                           "charged": charged, "shortfall": shortfall, "reason": reason,
                           "balance_after": entry["balance_after"], "booking_id": booking_id,
                           "created_at": now.isoformat()}
            writes = [
                self._balance_update(company_id, before, entry["balance_after"]),
                {"Put": {"TableName": self._table.name, "Item": entry,
                         "ConditionExpression": "attribute_not_exists(PK)"}},
                {"Put": {"TableName": self._table.name, "Item": marker_item,
                         "ConditionExpression": "attribute_not_exists(PK)"}},
                *(extra_writes or []),
            ]
            try:
                self._client.transact_write_items(TransactItems=writes)
            except self._client.exceptions.TransactionCanceledException as error:
                failed = [n for n, r in enumerate(error.response.get("CancellationReasons") or [])
                          if r.get("Code") == "ConditionalCheckFailed"]
                if 2 in failed:
                    continue  # billed meanwhile: the next round reads the marker
                if any(n >= 3 for n in failed):
                    raise BillingConflict(bot_id) from error
                continue  # the balance moved (or the reasons are missing): read it again
            return Charge(False, charged, shortfall, entry["balance_after"], entry_id, reason)
        raise BillingConflict(f"the balance of {company_id} kept changing; billing {bot_id} is left for the next run")

    # ------------------------------------------------------------------------------------------
    def _read_balance(self, company_id: str) -> int | None:
        item = self._table.get_item(Key={"PK": keys.company_pk(company_id), "SK": keys.COMPANY_SK},
                                    ProjectionExpression="credits", ConsistentRead=True).get("Item")
        if not item or item.get("credits") is None:
            return None
        return int(item["credits"])

    def _balance_update(self, company_id: str, before: int | None, after: int) -> dict[str, Any]:
        update: dict[str, Any] = {
            "TableName": self._table.name,
            "Key": {"PK": keys.company_pk(company_id), "SK": keys.COMPANY_SK},
            "UpdateExpression": "SET credits = :after",
            "ExpressionAttributeValues": {":after": after},
        }
        if before is None:
            update["ConditionExpression"] = "attribute_exists(PK) AND attribute_not_exists(credits)"
        else:
            update["ConditionExpression"] = "credits = :before"
            update["ExpressionAttributeValues"][":before"] = before
        return {"Update": update}


def _already(marker: dict[str, Any]) -> Charge:
    return Charge(True, int(marker.get("charged") or 0), int(marker.get("shortfall") or 0),
                  marker.get("balance_after"), marker.get("entry_id"), marker.get("reason"))
