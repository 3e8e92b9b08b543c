"""Companies, their hosts, default availability, event types and API keys."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from scheduling.domain.models import ApiKey, Availability, Company, EventType, User
from scheduling.repositories import keys
from scheduling.repositories.items import from_item, to_item


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
        return [from_item(User, i) for i in self._query_prefix(company_id, "USER#")]

    def get_user(self, company_id: str, user_id: str) -> User | None:
        key = {"PK": keys.company_pk(company_id), "SK": keys.user_sk(user_id)}
        item = self._table.get_item(Key=key).get("Item")
        return from_item(User, item) if item else None

    def put_user(self, user: User) -> None:
        self._table.put_item(Item=to_item(user, PK=keys.company_pk(user.company_id), SK=keys.user_sk(user.id)))

    # event types -----------------------------------------------------------------------------
    def list_event_types(self, company_id: str) -> list[EventType]:
        return [from_item(EventType, i) for i in self._query_prefix(company_id, "EVENT_TYPE#")]

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

    # -------------------------------------------------------------------------------------------
    def _query_prefix(self, company_id: str, prefix: str) -> list[dict[str, Any]]:
        condition = Key("PK").eq(keys.company_pk(company_id)) & Key("SK").begins_with(prefix)
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"KeyConditionExpression": condition}
        while True:
            page = self._table.query(**kwargs)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
