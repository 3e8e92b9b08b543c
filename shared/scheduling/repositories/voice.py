"""What the voice tools keep in the table: a caller's bookings by phone, and answered tool calls.

    COMPANY#<cid>   VOICE_CALL#<sha256 of call_id, tool, args>   one Retell tool call's answer
        status "working" (lease_until_epoch) → "done" (answer_text, answer_status);
        expires_at_epoch (the table's TTL attribute) removes it a day later.
    GSI BookingsByPhone  COMPANY#<cid>#PHONE#<e164> / <starts_at utc>#<bid>   the caller's bookings
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from scheduling import wiring
from scheduling.domain.models import Booking
from scheduling.repositories import keys
from scheduling.repositories.conditions import Key
from scheduling.repositories.items import from_item, plain

CALL_TTL_SECONDS = 24 * 60 * 60


def voice_call_sk(fingerprint: str) -> str:
    return f"VOICE_CALL#{fingerprint}"


class VoiceRepository:
    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client

    # the caller's bookings --------------------------------------------------------------------
    def list_by_phone(self, company_id: str, phone: str, starts_after: datetime) -> list[Booking]:
        """Bookings of `phone` (E.164) starting after `starts_after`, any status, by start."""
        condition = Key("BookingsByPhonePK").eq(f"{keys.company_pk(company_id)}#PHONE#{phone}") & Key(
            "BookingsByPhoneSK"
        ).gt(keys.utc_iso(starts_after))
        kwargs: dict[str, Any] = {"IndexName": "BookingsByPhone", "KeyConditionExpression": condition}
        bookings: list[Booking] = []
        while True:
            page = self._table.query(**kwargs)
            bookings.extend(from_item(Booking, item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return [b for b in bookings if b.starts_at > starts_after]

    # answered tool calls ------------------------------------------------------------------------
    def claim_call(self, company_id: str, fingerprint: str, token: str, now_epoch: int, lease_seconds: int) -> bool:
        """Take the right to answer this call: True for the first claimant (or after a dead lease)."""
        item = {
            "PK": keys.company_pk(company_id),
            "SK": voice_call_sk(fingerprint),
            "status": "working",
            "token": token,
            "lease_until_epoch": now_epoch + lease_seconds,
            keys.TABLE_TTL_ATTRIBUTE: now_epoch + CALL_TTL_SECONDS,
        }
        try:
            self._table.put_item(
                Item=item,
                ConditionExpression="attribute_not_exists(PK) OR (#status = :working AND lease_until_epoch < :now)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":working": "working", ":now": now_epoch},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get_call(self, company_id: str, fingerprint: str) -> dict[str, Any] | None:
        key = {"PK": keys.company_pk(company_id), "SK": voice_call_sk(fingerprint)}
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return plain(item) if item else None

    def complete_call(
        self, company_id: str, fingerprint: str, token: str, text: str, status: int, now_epoch: int
    ) -> None:
        """Store the answer, only if this claimant still holds the call."""
        try:
            self._table.update_item(
                Key={"PK": keys.company_pk(company_id), "SK": voice_call_sk(fingerprint)},
                UpdateExpression="SET #status = :done, answer_text = :text, answer_status = :code, #ttl = :ttl "
                "REMOVE lease_until_epoch",
                ConditionExpression="#token = :token",
                ExpressionAttributeNames={"#status": "status", "#token": "token", "#ttl": keys.TABLE_TTL_ATTRIBUTE},
                ExpressionAttributeValues={
                    ":done": "done", ":text": text, ":code": status, ":token": token,
                    ":ttl": now_epoch + CALL_TTL_SECONDS,
                },
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            pass  # our lease ran out and another attempt took over; its answer wins

    def release_call(self, company_id: str, fingerprint: str, token: str) -> None:
        """Forget an attempt that produced no answer worth repeating (a crash, a 5xx)."""
        try:
            self._table.delete_item(
                Key={"PK": keys.company_pk(company_id), "SK": voice_call_sk(fingerprint)},
                ConditionExpression="#token = :token",
                ExpressionAttributeNames={"#token": "token"},
                ExpressionAttributeValues={":token": token},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            pass


@wiring.register
@lru_cache(maxsize=1)
def voice_repository() -> VoiceRepository:
    return VoiceRepository(wiring.table())
