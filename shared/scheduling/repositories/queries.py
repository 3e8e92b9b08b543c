"""Queries several repositories share."""

from __future__ import annotations

from typing import Any

from scheduling.repositories import keys
from scheduling.repositories.conditions import Key, SortKeyPrefix


def company_items(table: Any, company_id: str, sk_prefix: str, *, consistent: bool = False) -> list[dict[str, Any]]:
    """Every item of the company's partition whose sort key starts with `sk_prefix`, all pages.

    `consistent` reads what was just written (a cancel reading the booking's pending work)."""
    condition = Key("PK").eq(keys.company_pk(company_id)) & SortKeyPrefix("SK", sk_prefix)
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
    return query_within_budget(table, kwargs, limit)[0]


def query_within_budget(
    table: Any, kwargs: dict[str, Any], limit: int, *, items_per_query: int | None = None,
    read_budget: int | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """`query_one_more_than`, with a bound on the work of a filtered Query.

    A FilterExpression is applied after the read, so a filter that rarely matches would otherwise
    read the whole key range to fill one page. Each Query reads up to `items_per_query` items
    (DynamoDB's `Limit` counts items read, not matches), and once `read_budget` items have been
    read without finding `limit + 1` matches the answer is what was found plus the key it stopped
    at (`LastEvaluatedKey`), from which the caller hands out a cursor: a shorter page (perhaps an
    empty one) that still says there is more, as DynamoDB itself does at 1 MB.
    Returns (matches, stopped_at); stopped_at is None when the matches decide the next page."""
    kwargs["Limit"] = items_per_query or limit + 1
    found: list[dict[str, Any]] = []
    read = 0
    while len(found) <= limit:
        page = table.query(**kwargs)
        items = page.get("Items", [])
        found.extend(items)
        read += page.get("ScannedCount", len(items))
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        if read_budget is not None and read >= read_budget and len(found) <= limit:
            return found, page["LastEvaluatedKey"]
    return found, None
