"""Keyed reads of many items in one round trip (BatchGetItem), shared by the repositories.

DynamoDB takes at most 100 keys per BatchGetItem and may answer only part of a request
(`UnprocessedKeys`, e.g. when throttled): `batch_get` splits the keys into chunks of 100 and asks
again for what was left, with a short exponential backoff, until every key is answered. So a
caller with ≤ 100 keys that are all served at once pays exactly one call.

A BatchGetItem costs one read unit per item (≤ 4 KB, consistent) whether or not it exists; a Query
costs by the bytes it returns. Keyed reads suit a few known keys (a booking's ledger days, the CRM
pointers); a Query suits a range with many absent days (a month of ledger). See docs/bookings.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from scheduling.errors import ServiceUnavailable

MAX_KEYS = 100  # DynamoDB's limit per BatchGetItem
MAX_ROUNDS = 8  # asks for the unprocessed keys of one chunk at most this often
FIRST_BACKOFF_S = 0.025


Key = tuple[str, str]  # (PK, SK)


def batch_get(table: Any, keys: Iterable[Key], *, consistent: bool = True) -> dict[Key, dict[str, Any]]:
    """The items that exist among `keys` (duplicates allowed), by (PK, SK); absent keys are left out.

    Values come back as the resource's client gives them (numbers as Decimal). Raises
    ServiceUnavailable when DynamoDB keeps leaving keys unprocessed.
    """
    wanted = list(dict.fromkeys(keys))
    found: dict[Key, dict[str, Any]] = {}
    client = table.meta.client
    for first in range(0, len(wanted), MAX_KEYS):
        chunk = wanted[first:first + MAX_KEYS]
        request: dict[str, Any] = {table.name: {"Keys": [{"PK": pk, "SK": sk} for pk, sk in chunk],
                                                "ConsistentRead": consistent}}
        for round_number in range(MAX_ROUNDS):
            if round_number:
                time.sleep(FIRST_BACKOFF_S * 2 ** (round_number - 1))
            response = client.batch_get_item(RequestItems=request)
            for item in response.get("Responses", {}).get(table.name, []):
                found[(item["PK"], item["SK"])] = item
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
        else:
            raise ServiceUnavailable("The database is too busy to answer right now.",
                                     fix="Retry in a few seconds.")
    return found
