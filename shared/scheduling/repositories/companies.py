"""Companies, their hosts, default availability, event types and API keys.

A company's configuration (the company item, default hours, users, event types) sorts under
`CONFIG#` in its partition, so `load_config` reads all of it with one Query (keys.py).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from scheduling.domain.models import ApiKey, Availability, Company, EventType, User
from scheduling.errors import NotFound, ValidationFailed
from scheduling.repositories import keys
from scheduling.repositories.conditions import Attr, Key, SortKeyPrefix
from scheduling.repositories.items import from_item, to_item
from scheduling.repositories.queries import company_items, query_one_more_than


class SlugTaken(Exception):
    """The slug already names another company / event type of the company."""


class EventTypeGone(Exception):
    """The event type was deleted between read and write."""


event_type_slug_sk = keys.event_type_slug_sk


@dataclass(frozen=True)
class CompanyConfig:
    """How a company is set up, read at one moment: what booking and availability need.

    `users` and `event_types` are in sort-key (id) order; `availability` is the company default
    hours (None when never set).
    """

    company: Company
    availability: Availability | None
    users: tuple[User, ...]
    event_types: tuple[EventType, ...]

    def user(self, user_id: str) -> User | None:
        return next((u for u in self.users if u.id == user_id), None)

    def event_type(self, event_type_id: str) -> EventType | None:
        return next((e for e in self.event_types if e.id == event_type_id), None)


def _slug_item(event_type: EventType) -> dict[str, Any]:
    return {"PK": keys.company_pk(event_type.company_id), "SK": event_type_slug_sk(event_type.slug),
            "event_type_id": event_type.id}


def _encode_sk_cursor(sk: str) -> str:
    return base64.urlsafe_b64encode(sk.encode()).decode().rstrip("=")


def _decode_sk_cursor(cursor: str, prefix: str) -> str:
    try:
        sk = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
    except (ValueError, UnicodeDecodeError, binascii.Error):
        sk = ""
    if not sk.startswith(prefix) or len(sk) > 200:
        raise ValidationFailed("after", "a next_cursor value returned by a previous page")
    return sk


class CompanyRepository:
    def __init__(self, table: Any) -> None:
        self._table = table

    # companies -----------------------------------------------------------------------------
    def get(self, company_id: str) -> Company | None:
        item = self._table.get_item(Key={"PK": keys.company_pk(company_id), "SK": keys.COMPANY_SK}).get("Item")
        return from_item(Company, item) if item else None

    def get_by_slug(self, slug: str) -> Company | None:
        pointer = self._table.get_item(Key=keys.company_slug_key(slug)).get("Item")
        return self.get(pointer["company_id"]) if pointer else None

    def put(self, company: Company) -> None:
        self._table.put_item(Item=to_item(company, PK=keys.company_pk(company.id), SK=keys.COMPANY_SK))
        self._table.put_item(Item={**keys.company_slug_key(company.slug), "company_id": company.id})

    def load_config(self, company_id: str) -> CompanyConfig:
        """The company with its default hours, users and event types: ONE consistent Query (all
        pages) over `CONFIG#`, so what the configuration API just wrote is seen. NotFound when
        the company does not exist."""
        company, availability = None, None
        users: list[User] = []
        event_types: list[EventType] = []
        for item in company_items(self._table, company_id, keys.CONFIG_PREFIX, consistent=True):
            sk = item["SK"]
            if sk == keys.COMPANY_SK:
                company = from_item(Company, item)
            elif sk == keys.AVAILABILITY_SK:
                availability = from_item(Availability, item)
            elif sk.startswith(keys.USER_PREFIX):
                users.append(from_item(User, item))
            elif sk.startswith(keys.EVENT_TYPE_PREFIX):
                event_types.append(from_item(EventType, item))
        if company is None:
            raise NotFound(f"No company {company_id}.")
        return CompanyConfig(company, availability, tuple(users), tuple(event_types))

    # availability --------------------------------------------------------------------------
    def get_default_availability(self, company_id: str) -> Availability | None:
        key = {"PK": keys.company_pk(company_id), "SK": keys.AVAILABILITY_SK}
        item = self._table.get_item(Key=key).get("Item")
        return from_item(Availability, item) if item else None

    def put_default_availability(self, company_id: str, availability: Availability) -> None:
        self._table.put_item(
            Item=to_item(availability, PK=keys.company_pk(company_id), SK=keys.AVAILABILITY_SK)
        )

    # users -----------------------------------------------------------------------------------
    def list_users(self, company_id: str) -> list[User]:
        return [from_item(User, i) for i in self._query_prefix(company_id, keys.USER_PREFIX)]

    def get_user(self, company_id: str, user_id: str) -> User | None:
        key = {"PK": keys.company_pk(company_id), "SK": keys.user_sk(user_id)}
        item = self._table.get_item(Key=key).get("Item")
        return from_item(User, item) if item else None

    def put_user(self, user: User) -> None:
        self._table.put_item(Item=to_item(user, PK=keys.company_pk(user.company_id), SK=keys.user_sk(user.id)))

    # event types -----------------------------------------------------------------------------
    def list_event_types(self, company_id: str) -> list[EventType]:
        return [from_item(EventType, i) for i in self._query_prefix(company_id, keys.EVENT_TYPE_PREFIX)]

    def get_event_type(self, company_id: str, event_type_id: str) -> EventType | None:
        key = {"PK": keys.company_pk(company_id), "SK": keys.event_type_sk(event_type_id)}
        item = self._table.get_item(Key=key).get("Item")
        return from_item(EventType, item) if item else None

    def put_event_type(self, event_type: EventType) -> None:
        self._table.put_item(
            Item=to_item(
                event_type, PK=keys.company_pk(event_type.company_id), SK=keys.event_type_sk(event_type.id)
            )
        )

    # API keys ----------------------------------------------------------------------------------
    def get_api_key(self, key_hash: str) -> ApiKey | None:
        item = self._table.get_item(Key=keys.api_key_lookup_key(key_hash)).get("Item")
        return from_item(ApiKey, item) if item else None

    def put_api_key(self, api_key: ApiKey) -> None:
        self._table.put_item(Item=to_item(api_key, **keys.api_key_lookup_key(api_key.key_hash)))
        self._table.put_item(
            Item=to_item(
                api_key, PK=keys.company_pk(api_key.company_id), SK=keys.api_key_listing_sk(api_key.key_hash)
            )
        )

    def list_api_keys(self, company_id: str) -> list[ApiKey]:
        return [from_item(ApiKey, i) for i in self._query_prefix(company_id, "API_KEY#")]

    # configuration writes (admin API and operator CLI) ---------------------------------------
    # Event type slugs are unique per company through a pointer item written in the same
    # transaction as the event type: COMPANY#<cid> / EVENT_TYPE_SLUG#<slug> → event_type_id.
    def create(self, company: Company) -> None:
        """Company and its slug pointer together; raises SlugTaken when the slug is in use."""
        writes = [
            self._put(to_item(company, PK=keys.company_pk(company.id), SK=keys.COMPANY_SK),
                      "attribute_not_exists(PK)"),
            self._put({**keys.company_slug_key(company.slug), "company_id": company.id}, "attribute_not_exists(PK)"),
        ]
        failed = self._transact(writes)
        if failed is not None:
            raise SlugTaken(company.slug)

    def create_event_type(self, event_type: EventType) -> None:
        """Event type and its slug pointer together; raises SlugTaken when the slug is in use."""
        failed = self._transact([
            self._put(self._event_type_item(event_type), "attribute_not_exists(PK)"),
            self._put(_slug_item(event_type), "attribute_not_exists(PK)"),
        ])
        if failed is not None:
            raise SlugTaken(event_type.slug)

    def replace_event_type(self, event_type: EventType, previous_slug: str) -> None:
        """Overwrite an existing event type (moving its slug pointer when the slug changed).

        Raises EventTypeGone when it was deleted meanwhile, SlugTaken when the new slug is in use.
        """
        writes = [self._put(self._event_type_item(event_type), "attribute_exists(PK)")]
        if previous_slug != event_type.slug:
            writes.append(self._delete_slug(event_type.company_id, previous_slug, event_type.id))
            writes.append(self._put(_slug_item(event_type), "attribute_not_exists(PK)"))
        failed = self._transact(writes)
        if failed == 0:
            raise EventTypeGone(event_type.id)
        if failed is not None:
            raise SlugTaken(event_type.slug)

    def delete_event_type(self, event_type: EventType) -> None:
        """Remove an event type and free its slug (a pointer held by another event type is kept)."""
        key = {"PK": keys.company_pk(event_type.company_id), "SK": keys.event_type_sk(event_type.id)}
        failed = self._transact([
            {"Delete": {"TableName": self._table.name, "Key": key}},
            self._delete_slug(event_type.company_id, event_type.slug, event_type.id),
        ])
        if failed is not None:  # the slug pointer names another event type: leave it, delete ours
            self._table.delete_item(Key=key)

    def event_type_has_bookings(self, company_id: str, event_type_id: str) -> bool:
        """Whether any booking (any status) names the event type; stops at the first one found.

        Reads the company's BookingsByStart index page by page (keys only projected out), so it
        costs up to one read of the company's bookings when there are none: fine for a rare delete.
        """
        kwargs: dict[str, Any] = {
            "IndexName": "BookingsByStart",
            "KeyConditionExpression": Key("BookingsByStartPK").eq(keys.company_pk(company_id)),
            "FilterExpression": Attr("event_type_id").eq(event_type_id),
            "ProjectionExpression": "PK",
        }
        while True:
            page = self._table.query(**kwargs)
            if page.get("Items"):
                return True
            if "LastEvaluatedKey" not in page:
                return False
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def page_event_types(self, company_id: str, limit: int, after: str | None) -> tuple[list[EventType], str | None]:
        items, cursor = self._page_prefix(company_id, keys.EVENT_TYPE_PREFIX, limit, after)
        return [from_item(EventType, i) for i in items], cursor

    def page_users(self, company_id: str, limit: int, after: str | None) -> tuple[list[User], str | None]:
        items, cursor = self._page_prefix(company_id, keys.USER_PREFIX, limit, after)
        return [from_item(User, i) for i in items], cursor

    def revoke_api_key(self, api_key: ApiKey) -> None:
        revoked = api_key.model_copy(update={"revoked": True})
        self.put_api_key(revoked)

    def _page_prefix(
        self, company_id: str, prefix: str, limit: int, after: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the company's items under `prefix`, in sort-key order; cursor = opaque last SK."""
        condition = Key("PK").eq(keys.company_pk(company_id)) & SortKeyPrefix("SK", prefix)
        kwargs: dict[str, Any] = {"KeyConditionExpression": condition, }
        if after:
            kwargs["ExclusiveStartKey"] = {"PK": keys.company_pk(company_id), "SK": _decode_sk_cursor(after, prefix)}
        found = query_one_more_than(self._table, kwargs, limit)
        cursor = _encode_sk_cursor(found[limit - 1]["SK"]) if len(found) > limit else None
        return found[:limit], cursor

    def _event_type_item(self, event_type: EventType) -> dict[str, Any]:
        return to_item(event_type, PK=keys.company_pk(event_type.company_id), SK=keys.event_type_sk(event_type.id))

    def _put(self, item: dict[str, Any], condition: str) -> dict[str, Any]:
        return {"Put": {"TableName": self._table.name, "Item": item, "ConditionExpression": condition}}

    def _delete_slug(self, company_id: str, slug: str, event_type_id: str) -> dict[str, Any]:
        return {"Delete": {
            "TableName": self._table.name,
            "Key": {"PK": keys.company_pk(company_id), "SK": event_type_slug_sk(slug)},
            "ConditionExpression": "attribute_not_exists(PK) OR event_type_id = :id",
            "ExpressionAttributeValues": {":id": event_type_id},
        }}

    def _transact(self, writes: list[dict[str, Any]]) -> int | None:
        """Run a transaction; on a failed condition return the index of the write that failed."""
        client = self._table.meta.client
        try:
            client.transact_write_items(TransactItems=writes)
        except client.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons") or []
            for index, reason in enumerate(reasons):
                if reason.get("Code") == "ConditionalCheckFailed":
                    return index
            raise
        return None

    # -------------------------------------------------------------------------------------------
    def _query_prefix(self, company_id: str, prefix: str) -> list[dict[str, Any]]:
        return company_items(self._table, company_id, prefix)
