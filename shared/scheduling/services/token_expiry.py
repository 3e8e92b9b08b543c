"""Management tokens expire at `ends_at + 24 h` (contract §4): the expire_tokens job clears them.

Each booking with a token has one due item, written in the booking's own transaction by the
create hook (`services.reminders.reminder_items_for_new_booking` includes `token_expiry_put`):

    PK COMPANY#<cid>   SK TOKEN_EXPIRY#<bid>   token, expires_at
    DueWorkByTimePK DUE#token_expiry   DueWorkByTimeSK <expires_at utc>#<bid>

`expire_due_tokens(now)` Queries that index up to `now` (no Scan) and, per item, removes the
token from the booking (and from the BookingByToken index) *only if it is still the token the item
recorded* — a token that was already replaced or cleared is left alone — and deletes the due item
in the same transaction. At the expiry instant itself the token counts as expired.

Seeded bookings get the same due item from the seed loader (`seed.apply_seed`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from scheduling import wiring
from scheduling.domain.models import Booking
from scheduling.repositories import keys
from scheduling.repositories.due_work import due_items

logger = logging.getLogger("scheduling.token_expiry")

DUE_KIND = "token_expiry"
TOKEN_LIFETIME_AFTER_END = timedelta(hours=24)


def token_expiry_sk(booking_id: str) -> str:
    return f"TOKEN_EXPIRY#{booking_id}"


def token_expiry_put(booking: Booking) -> dict[str, Any] | None:
    """The TransactWriteItems entry that schedules this booking's token expiry (None: no token)."""
    if not booking.management_token:
        return None
    expires_at = booking.management_token_expires_at or booking.ends_at + TOKEN_LIFETIME_AFTER_END
    item = {
        "PK": keys.company_pk(booking.company_id),
        "SK": token_expiry_sk(booking.id),
        "type": "token_expiry",
        "company_id": booking.company_id,
        "booking_id": booking.id,
        "token": booking.management_token,
        "expires_at": keys.utc_iso(expires_at),
        **keys.due_work(DUE_KIND, expires_at, booking.id),
    }
    return {"Put": {"TableName": wiring.table().name, "Item": item}}


def expire_due_tokens(now: datetime, *, limit: int = 500) -> dict[str, int]:
    """Clear every token whose expiry is ≤ now; returns {"due", "expired", "already_gone"}."""
    due = due_items(wiring.table(), DUE_KIND, now, limit)
    summary = {"due": 0, "expired": 0, "already_gone": 0}
    for item in due[:limit]:
        summary["due"] += 1
        cleared = clear_token(item["company_id"], item["booking_id"], item["token"], now,
                              due_item_key={"PK": item["PK"], "SK": item["SK"]})
        summary["expired" if cleared else "already_gone"] += 1
    return summary


def clear_token(company_id: str, booking_id: str, token: str, now: datetime,
                due_item_key: dict[str, str] | None = None) -> bool:
    """Remove the token if the booking still holds it (a targeted update: nothing else of the
    booking is rewritten), then drop the due item when given. True if cleared.

    No transaction is needed: a crash between the two writes leaves the due item, and the next
    run finds the token already gone and drops it."""
    table = wiring.table()
    try:
        table.update_item(
            Key={"PK": keys.company_pk(company_id), "SK": keys.booking_sk(booking_id)},
            UpdateExpression="REMOVE management_token, BookingByTokenPK, BookingByTokenSK SET updated_at = :now",
            ConditionExpression="management_token = :token",
            ExpressionAttributeValues={":token": token, ":now": keys.utc_iso(now)},
        )
        cleared = True
    except table.meta.client.exceptions.ConditionalCheckFailedException:
        # The booking no longer holds this token (replaced, cleared, or the booking is gone).
        logger.info("token of booking %s already gone", booking_id)
        cleared = False
    if due_item_key:
        table.delete_item(Key=due_item_key)
    return cleared
