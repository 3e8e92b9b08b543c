"""Queries several repositories share."""

from __future__ import annotations

from typing import Any

from scheduling.repositories import keys
from scheduling.repositories.conditions import Key


def company_items(table: Any, company_id: str, sk_prefix: str, *, consistent: bool = False) -> list[dict[str, Any]]:
    """Every item of the company's partition whose sort key starts with `sk_prefix`, all pages.

    `consistent` reads what was just written (a cancel reading the booking's pending work)."""
    condition = Key("PK").eq(keys.company_pk(company_id)) & Key("SK").begins_with(sk_prefix)
    kwargs: dict[str, Any] = {"KeyConditionExpression": condition, "ConsistentRead": consistent}
    items: list[dict[str, Any]] = []
    while True:
        page = table.query(**kwargs)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def query_one_more_than(table: Any, kwargs: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    """Up to `limit + 1` items of a Query, following pages: the extra item says whether there is a
    next page without another round trip. `kwargs` gets `Limit` and is advanced page by page."""
    kwargs["Limit"] = limit + 1
    found: list[dict[str, Any]] = []
    while len(found) <= limit:
        page = table.query(**kwargs)
        found.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return found
