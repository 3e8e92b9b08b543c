"""Configuring event types (contract §7): list, create, read, change and delete.

* Every field of contract §2 with its defaults; semantic checks here so that a bad value is a
  `VALIDATION_ERROR` naming `details.field` and `details.expected`, and a missing `name` or
  `default_duration_minutes` on create is `MISSING_FIELDS`.
* `slug` is generated from `name` when absent and is unique per company: a duplicate (given or
  generated) is `409 CONFLICT`. The repository claims the slug with a conditional write in the
  same transaction as the event type, so two concurrent creates cannot both win.
* Hosts (`booking_assigned_user_ids`) must be users of the company.
* Changing an event type never rewrites existing bookings: they keep the name, duration and
  buffers they were booked with.
* DELETE deactivates (`is_active: false`) an event type that any booking names (any status, so
  existing bookings still show their event type), and deletes it otherwise.
"""

from __future__ import annotations

import re
import string
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from scheduling import wiring
from scheduling.domain.models import BookingNotifications, EventType
from scheduling.errors import Conflict, MissingFields, NotFound, ValidationFailed

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
DEAL_NAME_VARIABLES = ("event_type", "customer_name", "date", "time")
MINUTES_IN_DAY = 24 * 60
REQUIRED_ON_CREATE = ("name", "default_duration_minutes")
CHOICES = {
    "scheduling_type": ("round_robin", "collective"),
    "location": ("google_meet", "teams", "online", "phone", "in_person"),
    "booking_deal_behavior": ("create", "update_or_create", "never_create"),
}


@dataclass(frozen=True)
class DeleteOutcome:
    action: str  # "deleted" | "deactivated"
    event_type: EventType


# queries ------------------------------------------------------------------------------------------
def list_event_types(company_id: str, limit: int, after: str | None) -> tuple[list[EventType], str | None]:
    """One page of the company's event types (active or not), in a stable order; cursor for the next."""
    return wiring.companies().page_event_types(company_id, limit, after)


def get_event_type(company_id: str, event_type_id: str) -> EventType:
    found = wiring.companies().get_event_type(company_id, event_type_id)
    if found is None:
        raise NotFound(f"No event type {event_type_id}.", fix="List event types with GET /v1/scheduled-event-types.")
    return found


# commands ------------------------------------------------------------------------------------------
def create_event_type(company_id: str, fields: dict[str, Any], now: datetime) -> EventType:
    """Create an event type from the fields sent (others take the defaults of contract §2)."""
    missing = [name for name in REQUIRED_ON_CREATE if fields.get(name) is None]
    if missing:
        raise MissingFields(f"Required fields are missing: {', '.join(missing)}.", details={"fields": missing})
    clean = _checked(company_id, fields)
    event_type_id = str(uuid.uuid4())
    if clean.get("slug") is None:
        clean["slug"] = slug_from_name(clean["name"]) or f"event-type-{event_type_id[:8]}"
    event_type = _build({**clean, "id": event_type_id, "company_id": company_id, "created_at": now, "updated_at": now})
    _refuse_taken_slug(company_id, event_type.slug, event_type.id)
    from scheduling.repositories.companies import SlugTaken

    try:
        wiring.companies().create_event_type(event_type)
    except SlugTaken:
        raise _slug_conflict(event_type.slug) from None
    return event_type


def update_event_type(company_id: str, event_type_id: str, changes: dict[str, Any], now: datetime) -> EventType:
    """Apply the fields sent (a partial update; `null` clears `description` / `slot_interval_minutes` /
    `hold_offered_slot_seconds`)."""
    current = get_event_type(company_id, event_type_id)
    for name in ("name", "default_duration_minutes", "slug"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(name, _EXPECTED[name], message=f"'{name}' cannot be cleared.")
    clean = _checked(company_id, changes)
    updated = _build({**current.model_dump(), **clean, "updated_at": now})
    if updated.slug != current.slug:
        _refuse_taken_slug(company_id, updated.slug, updated.id)
    from scheduling.repositories.companies import EventTypeGone, SlugTaken

    try:
        wiring.companies().replace_event_type(updated, previous_slug=current.slug)
    except SlugTaken:
        raise _slug_conflict(updated.slug) from None
    except EventTypeGone:
        raise NotFound(f"No event type {event_type_id}.") from None
    return updated


def delete_event_type(company_id: str, event_type_id: str, now: datetime) -> DeleteOutcome:
    """Deactivate when bookings name it, else delete. Deactivation comes first, so no booking
    can start on an event type while we look for its bookings."""
    from scheduling.repositories.companies import EventTypeGone

    current = get_event_type(company_id, event_type_id)
    companies = wiring.companies()
    inactive = current
    if current.is_active:
        inactive = current.model_copy(update={"is_active": False, "updated_at": now})
        try:
            companies.replace_event_type(inactive, previous_slug=current.slug)
        except EventTypeGone:
            raise NotFound(f"No event type {event_type_id}.") from None
    if companies.event_type_has_bookings(company_id, event_type_id):
        return DeleteOutcome("deactivated", inactive)
    companies.delete_event_type(inactive)
    return DeleteOutcome("deleted", inactive)


# slugs -----------------------------------------------------------------------------------------------
def slug_from_name(name: str) -> str:
    """"Free Consultation (30 min)" → "free-consultation-30-min"; accents folded; ≤ 63 characters."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:63].rstrip("-")


def _refuse_taken_slug(company_id: str, slug: str, own_id: str) -> None:
    """Event types written by a seed file have no slug pointer item: check them by reading."""
    for other in wiring.companies().list_event_types(company_id):
        if other.slug == slug and other.id != own_id:
            raise _slug_conflict(slug, other.id)


def _slug_conflict(slug: str, existing_id: str | None = None) -> Conflict:
    details: dict[str, Any] = {"field": "slug", "slug": slug}
    if existing_id:
        details["existing_event_type_id"] = existing_id
    return Conflict(
        f"Another event type of this company already has the slug '{slug}'.",
        fix="Send a different slug (or a different name when the slug is generated from it).",
        details=details,
    )


# checks ----------------------------------------------------------------------------------------------
_EXPECTED = {
    "name": "a non-empty name of up to 200 characters",
    "slug": "lowercase letters, digits and hyphens, starting with a letter or digit, at most 63 characters",
    "description": "text of up to 5000 characters, or null",
    "default_duration_minutes": f"whole minutes from 1 to {MINUTES_IN_DAY}",
    "slot_interval_minutes": f"whole minutes from 1 to {MINUTES_IN_DAY}, or null (= the duration)",
    "hold_offered_slot_seconds": "whole seconds from 30 to 900, or null (voice offers are not held)",
    "buffer_before_minutes": f"whole minutes from 0 to {MINUTES_IN_DAY}",
    "buffer_after_minutes": f"whole minutes from 0 to {MINUTES_IN_DAY}",
    "min_notice_hours": "a number of hours from 0 to 8760",
    "max_advance_days": "whole days from 0 to 3650",
    "is_bookable": "true or false",
    "is_active": "true or false",
    "booking_assigned_user_ids": "a list of user ids of this company (GET /v1/users)",
    "booking_deal_name_template": "text of up to 500 characters using only the variables "
    + ", ".join("{" + v + "}" for v in DEAL_NAME_VARIABLES),
    "booking_notifications": "an object with lists pre_meeting, meeting_start, late, no_show, rebooking",
    **{name: " | ".join(choices) for name, choices in CHOICES.items()},
}


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _checked(company_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the given fields in a fixed order; return them cleaned (unknown names refused)."""
    clean: dict[str, Any] = {}
    for name in fields:
        if name not in _EXPECTED:
            raise ValidationFailed(name, "only the event type fields of GET /v1/openapi.json",
                                   message=f"'{name}' is not an event type field.")
    for name in _EXPECTED:
        if name not in fields:
            continue
        value = fields[name]
        clean[name] = _check_field(company_id, name, value)
    return clean


def _check_field(company_id: str, name: str, value: Any) -> Any:  # noqa: C901 - one branch per field
    bad = ValidationFailed(name, _EXPECTED[name])
    if name == "name":
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > 200:
            raise bad
        return value.strip()
    if name == "slug":
        if value is None:
            return None
        if not isinstance(value, str) or not SLUG_PATTERN.fullmatch(value.strip().lower()):
            raise bad
        return value.strip().lower()
    if name == "description":
        if value is not None and (not isinstance(value, str) or len(value) > 5000):
            raise bad
        return value
    if name == "default_duration_minutes":
        if not _whole(value, 1, MINUTES_IN_DAY):
            raise bad
        return value
    if name == "slot_interval_minutes":
        if value is not None and not _whole(value, 1, MINUTES_IN_DAY):
            raise bad
        return value
    if name == "hold_offered_slot_seconds":
        if value is not None and not _whole(value, 30, 900):
            raise bad
        return value
    if name in ("buffer_before_minutes", "buffer_after_minutes"):
        if not _whole(value, 0, MINUTES_IN_DAY):
            raise bad
        return value
    if name == "min_notice_hours":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 8760:
            raise bad
        return value
    if name == "max_advance_days":
        if not _whole(value, 0, 3650):
            raise bad
        return value
    if name in ("is_bookable", "is_active"):
        if not isinstance(value, bool):
            raise bad
        return value
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise bad
        return value
    if name == "booking_assigned_user_ids":
        return _check_hosts(company_id, value)
    if name == "booking_deal_name_template":
        if not isinstance(value, str) or len(value) > 500 or not _only_known_variables(value):
            raise bad
        return value
    if name == "booking_notifications":
        try:
            return BookingNotifications.model_validate(value or {}).model_dump()
        except ValidationError as error:
            first = error.errors()[0]
            path = ".".join(str(p) for p in ("booking_notifications", *first["loc"]))
            raise ValidationFailed(path, str(first["msg"])) from None
    raise bad  # pragma: no cover - every name of _EXPECTED has a branch


def _check_hosts(company_id: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed("booking_assigned_user_ids", _EXPECTED["booking_assigned_user_ids"])
    known = {user.id for user in wiring.companies().list_users(company_id)} if value else set()
    for index, host_id in enumerate(value):
        if host_id not in known:
            raise ValidationFailed(
                f"booking_assigned_user_ids.{index}",
                "the id of a user of this company (GET /v1/users)",
                message=f"No user '{host_id}' in this company; hosts must be users of the company.",
                details={"host_id": host_id},
            )
    return list(dict.fromkeys(value))


def _only_known_variables(template: str) -> bool:
    try:
        names = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError:
        return False
    return all(name in DEAL_NAME_VARIABLES for name in names)


def _build(values: dict[str, Any]) -> EventType:
    try:
        return EventType.model_validate(values)
    except ValidationError as error:  # pragma: no cover - _checked already holds every rule
        first = error.errors()[0]
        raise ValidationFailed(".".join(str(p) for p in first["loc"]), str(first["msg"])) from None
