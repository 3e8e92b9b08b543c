"""Idempotency-Key for writing POSTs (contract §1), on Powertools' idempotency utility.

Records live in the same table: `PK = IDEMPOTENCY#<company id>`, `SK = bookings#<md5 of key>`
(Powertools' `static_pk_value` + `sort_key_attr`), expiring after 24 h through the table's TTL
attribute. The hashed *payload* is the operation plus the request body (and path id), so:

* same key, same request within 24 h → the stored status and body, nothing done again;
* same key, different request (or another endpoint) → 409 IDEMPOTENCY_KEY_REUSED;
* same key while the first request is still running → 409 IDEMPOTENCY_REQUEST_IN_PROGRESS.

Only completed results are stored. A request that fails with an error leaves no record (Powertools
deletes it), so retrying it with the same key runs it again: errors such as SLOT_UNAVAILABLE
describe the state at that moment, not a result worth replaying.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from scheduling import wiring
from scheduling.errors import Conflict, ValidationFailed

TTL_SECONDS = 24 * 60 * 60
_KEY_SHAPE = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


@wiring.register
@lru_cache(maxsize=1)
def plain_dynamodb_client() -> Any:
    """A low-level DynamoDB client (Powertools sends typed attribute values, unlike our resource)."""
    import boto3

    from scheduling.settings import get_settings

    return boto3.client("dynamodb", region_name=get_settings().aws_region)


def idempotency_key_from(headers: dict[str, str] | None) -> str | None:
    for name, value in (headers or {}).items():
        if name.lower() == "idempotency-key":
            if value is None or not _KEY_SHAPE.fullmatch(value):
                raise ValidationFailed("Idempotency-Key", "1-255 printable ASCII characters without spaces")
            return value
    return None


def run_once(
    company_id: str,
    key: str | None,
    request: dict[str, Any],
    action: Callable[[], tuple[int, dict[str, Any]]],
    lambda_context: Any = None,
) -> tuple[int, dict[str, Any], bool]:
    """Run `action` (→ status, body) at most once per company and key; (status, body, replayed)."""
    if key is None:
        status, body = action()
        return status, body, False

    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    from scheduling.repositories.keys import TABLE_TTL_ATTRIBUTE

    store = DynamoDBPersistenceLayer(
        table_name=wiring.table().name, key_attr="PK", sort_key_attr="SK",
        static_pk_value=f"IDEMPOTENCY#{company_id}", expiry_attr=TABLE_TTL_ATTRIBUTE,
        boto3_client=plain_dynamodb_client())
    config = IdempotencyConfig(
        event_key_jmespath="key", payload_validation_jmespath="request", expires_after_seconds=TTL_SECONDS,
        response_hook=lambda response, _record: {**response, "replayed": True})
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        # A request that dies mid-way frees its key when its Lambda's time is up, not after 24 h.
        config.register_lambda_context(lambda_context)

    @idempotent_function(data_keyword_argument="envelope", persistence_store=store, config=config,
                         key_prefix="bookings")
    def execute(envelope: dict[str, Any]) -> dict[str, Any]:
        status, body = action()
        return {"status": status, "body": body}

    try:
        stored = execute(envelope={"key": key, "request": request})
    except IdempotencyValidationError:
        raise Conflict(
            "This Idempotency-Key was already used with a different request.",
            code="IDEMPOTENCY_KEY_REUSED",
            fix="Send a new Idempotency-Key for a new request; reuse a key only to retry the very same request.",
            details={"idempotency_key": key},
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed.",
            code="IDEMPOTENCY_REQUEST_IN_PROGRESS",
            fix="Retry in a few seconds with the same key to get its result.",
            details={"idempotency_key": key},
        ) from None
    return int(stored["status"]), stored["body"], bool(stored.get("replayed"))
