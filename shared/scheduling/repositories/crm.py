"""The company's own CRM records, in the same table as its bookings.

    COMPANY#<cid>  CONTACT#<id>                        contact (name, email, phone, state, timezone)
    COMPANY#<cid>  CONTACT_EMAIL#<lower-case email>    → contact_id   (match by email)
    COMPANY#<cid>  CONTACT_PHONE#<e164>                → contact_id   (then by phone)
    COMPANY#<cid>  CUSTOMER#<id>                       customer (account from `company_name`)
    COMPANY#<cid>  CUSTOMER_NAME#<lower-case name>     → customer_id
    COMPANY#<cid>  OPPORTUNITY#<id>                    opportunity (deal)
    COMPANY#<cid>  ACTIVITY#<utc created>#<id>         activity, in the order it happened

Pointer items are created with `attribute_not_exists(PK)`, so two bookings by one new booker
racing each other cannot create two contacts: the second transaction fails and is re-planned.
Writes are returned as TransactWriteItems entries so they commit with the booking.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scheduling.repositories import keys
from scheduling.repositories.batch import Key as BatchKey
from scheduling.repositories.items import plain
from scheduling.repositories.queries import company_items

_PREFIXES = {"contacts": "CONTACT#", "customers": "CUSTOMER#", "opportunities": "OPPORTUNITY#",
             "activities": "ACTIVITY#"}
_FIELDS = {
    "contacts": ("id", "company_id", "name", "email", "phone", "state", "timezone"),
    "customers": ("id", "company_id", "name"),
    "opportunities": ("id", "company_id", "contact_id", "customer_id", "name", "next_action_at",
                      "next_action_note"),
    "activities": ("id", "company_id", "type", "booking_id", "opportunity_id", "contact_id", "summary",
                   "created_at"),
}


def contact_email_sk(email: str) -> str:
    return f"CONTACT_EMAIL#{email.strip().lower()}"


def contact_phone_sk(phone: str) -> str:
    return f"CONTACT_PHONE#{phone}"


def customer_name_sk(name: str) -> str:
    return f"CUSTOMER_NAME#{' '.join(name.lower().split())}"


@dataclass(frozen=True)
class CrmLookup:
    """What the CRM already knows about a booker: the matched contact (item) and customer id."""

    contact: dict[str, Any] | None
    email_taken: bool  # an email pointer exists (maybe for the matched contact)
    phone_taken: bool
    customer_id: str | None


class CrmRepository:
    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client

    # reads ----------------------------------------------------------------------------------
    def lookup_keys(self, company_id: str, email: str | None, phone: str | None,
                    customer_name: str | None) -> dict[str, BatchKey]:
        """The pointer items a lookup reads, by what they point from: email, phone, customer."""
        pk = keys.company_pk(company_id)
        wanted: dict[str, BatchKey] = {}
        if email:
            wanted["email"] = (pk, contact_email_sk(email))
        if phone:
            wanted["phone"] = (pk, contact_phone_sk(phone))
        if customer_name and customer_name.strip():
            wanted["customer"] = (pk, customer_name_sk(customer_name))
        return wanted

    def lookup(self, company_id: str, email: str | None, phone: str | None, customer_name: str | None,
               *, pointers: Mapping[BatchKey, dict[str, Any]]) -> CrmLookup:
        """Contact by email (case-insensitive), else by phone; customer by name.

        `pointers`: the items found at `lookup_keys(...)` (absent ones left out), which the caller
        reads together with its other keyed reads. Then one GetItem of the matched contact, if any.
        """
        wanted = self.lookup_keys(company_id, email, phone, customer_name)
        found = {name: pointers.get(key) for name, key in wanted.items()}
        contact_id = (found.get("email") or found.get("phone") or {}).get("contact_id")
        contact = None
        if contact_id:
            contact = self._table.get_item(Key={"PK": keys.company_pk(company_id), "SK": f"CONTACT#{contact_id}"},
                                           ConsistentRead=True).get("Item")
            contact = plain(contact) if contact else None
        return CrmLookup(contact=contact, email_taken=found.get("email") is not None,
                         phone_taken=found.get("phone") is not None,
                         customer_id=(found.get("customer") or {}).get("customer_id"))

    def record_keys(self, company_id: str, contact_id: str | None, opportunity_id: str | None) -> dict[str, BatchKey]:
        """The contact and opportunity items a caller named by id (read with the pointers)."""
        pk = keys.company_pk(company_id)
        wanted: dict[str, BatchKey] = {}
        if contact_id:
            wanted["contact"] = (pk, f"CONTACT#{contact_id}")
        if opportunity_id:
            wanted["opportunity"] = (pk, f"OPPORTUNITY#{opportunity_id}")
        return wanted

    def get_opportunity(self, company_id: str, opportunity_id: str) -> dict[str, Any] | None:
        item = self._table.get_item(Key={"PK": keys.company_pk(company_id), "SK": f"OPPORTUNITY#{opportunity_id}"}
                                    ).get("Item")
        return plain(item) if item else None

    def snapshot(self, company_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """The `GET /_local/crm` body (contract §6): each list in the order records were created."""
        out: dict[str, list[dict[str, Any]]] = {name: [] for name in _PREFIXES}
        for company_id in company_ids:
            for name, prefix in _PREFIXES.items():
                items = self._query_prefix(company_id, prefix)
                out[name].extend(items)
        for name, records in out.items():
            records.sort(key=lambda r: (r.get("created_at", ""), r.get("seq", 0)))
            out[name] = [{f: r.get(f) for f in _FIELDS[name]} for r in records]
        return out

    # transaction entries --------------------------------------------------------------------
    def new_contact_entries(self, company_id: str, contact: dict[str, Any]) -> list[dict[str, Any]]:
        pk = keys.company_pk(company_id)
        entries = [self._put({"PK": pk, "SK": f"CONTACT#{contact['id']}", **_present(contact)})]
        if contact.get("email"):
            entries.append(self._pointer(pk, contact_email_sk(contact["email"]), contact_id=contact["id"]))
        if contact.get("phone"):
            entries.append(self._pointer(pk, contact_phone_sk(contact["phone"]), contact_id=contact["id"]))
        return entries

    def fill_contact_entries(
        self, company_id: str, contact_id: str, fill: dict[str, Any], now: datetime,
        *, add_email_pointer: str | None = None, add_phone_pointer: str | None = None,
        latest_opportunity_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Write `fill` only into the contact's empty fields (if_not_exists), plus new pointers."""
        pk = keys.company_pk(company_id)
        names: dict[str, str] = {}
        values: dict[str, Any] = {":now": now.isoformat()}
        sets = ["updated_at = :now"]
        for n, (field, value) in enumerate(_present(fill).items()):
            names[f"#f{n}"] = field
            values[f":v{n}"] = value
            sets.append(f"#f{n} = if_not_exists(#f{n}, :v{n})")
        if latest_opportunity_id:
            sets.append("latest_opportunity_id = :opportunity")
            values[":opportunity"] = latest_opportunity_id
        update: dict[str, Any] = {
            "TableName": self._table.name, "Key": {"PK": pk, "SK": f"CONTACT#{contact_id}"},
            "UpdateExpression": "SET " + ", ".join(sets),
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": values,
        }
        if names:
            update["ExpressionAttributeNames"] = names
        entries = [{"Update": update}]
        if add_email_pointer:
            entries.append(self._pointer(pk, contact_email_sk(add_email_pointer), contact_id=contact_id))
        if add_phone_pointer:
            entries.append(self._pointer(pk, contact_phone_sk(add_phone_pointer), contact_id=contact_id))
        return entries

    def new_customer_entries(self, company_id: str, customer: dict[str, Any]) -> list[dict[str, Any]]:
        pk = keys.company_pk(company_id)
        return [self._put({"PK": pk, "SK": f"CUSTOMER#{customer['id']}", **_present(customer)}),
                self._pointer(pk, customer_name_sk(customer["name"]), customer_id=customer["id"])]

    def new_opportunity_entry(self, company_id: str, opportunity: dict[str, Any]) -> dict[str, Any]:
        pk = keys.company_pk(company_id)
        return self._put({"PK": pk, "SK": f"OPPORTUNITY#{opportunity['id']}",
                          "next_action_at": None, "next_action_note": None, **_present(opportunity)})

    def touch_opportunity_entry(self, company_id: str, opportunity_id: str, booking_id: str,
                                now: datetime) -> dict[str, Any]:
        """Link a further booking to an existing opportunity; its next_action_* stay as they are."""
        return {"Update": {
            "TableName": self._table.name,
            "Key": {"PK": keys.company_pk(company_id), "SK": f"OPPORTUNITY#{opportunity_id}"},
            "UpdateExpression": "SET updated_at = :now, last_booking_id = :booking",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": {":now": now.isoformat(), ":booking": booking_id},
        }}

    def activity_entry(self, company_id: str, activity: dict[str, Any]) -> dict[str, Any]:
        """An activity (`id`, `type`, `booking_id`, `opportunity_id`, `contact_id`, `summary`, `created_at`)."""
        created = datetime.fromisoformat(activity["created_at"])
        item = {"PK": keys.company_pk(company_id),
                "SK": f"ACTIVITY#{keys.utc_iso(created)}#{activity['id']}",
                "company_id": company_id, **activity}
        return self._put(item)

    def log_activity(self, company_id: str, activity: dict[str, Any]) -> None:
        """Write one activity on its own (for services that have no transaction of their own)."""
        self._table.put_item(Item=self.activity_entry(company_id, activity)["Put"]["Item"])

    # ----------------------------------------------------------------------------------------
    def _put(self, item: dict[str, Any]) -> dict[str, Any]:
        # `seq` orders records created within the same instant (the snapshot lists them in order).
        item = {**item, "seq": time.time_ns()}
        return {"Put": {"TableName": self._table.name, "Item": item,
                        "ConditionExpression": "attribute_not_exists(PK)"}}

    def _pointer(self, pk: str, sk: str, **target: str) -> dict[str, Any]:
        return self._put({"PK": pk, "SK": sk, **target})

    def _query_prefix(self, company_id: str, prefix: str) -> list[dict[str, Any]]:
        return [plain(item) for item in company_items(self._table, company_id, prefix)]


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """Only fields with a value: an absent attribute is what if_not_exists treats as empty."""
    return {k: v for k, v in values.items() if v is not None and v != ""}
