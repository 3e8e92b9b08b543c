"""What the /scheduled-event-types routes share: request bodies, response models, the JSON shape."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scheduling.api.schemas import DocModel, Pagination
from scheduling.domain.models import BookingNotifications, EventType

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
HostId = Annotated[str, Field(max_length=64)]


class EventTypeFields(BaseModel):
    """Every writable field; on PATCH only the fields sent change (`null` clears optional ones).

    Types are checked here; ranges, hosts and slug rules in the service, so a bad value is a
    VALIDATION_ERROR whose `details.expected` says what fits.
    """

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    slug: str | None = Field(default=None, description="Generated from name when absent; unique per company")
    description: str | None = None
    default_duration_minutes: int | None = None
    buffer_before_minutes: int | None = Field(default=None, description="Default 0")
    buffer_after_minutes: int | None = Field(default=None, description="Default 0")
    min_notice_hours: float | None = Field(default=None, description="Default 0")
    max_advance_days: int | None = Field(default=None, description="Default 60")
    slot_interval_minutes: int | None = Field(default=None, description="Default (null): the duration")
    hold_offered_slot_seconds: int | None = Field(
        default=None, description="Default (null): off. 30-900: the voice slots answer holds its first offered "
        "time this long for the call, and the voice book of that call books it (docs/holds.md)")
    is_bookable: bool | None = Field(default=None, description="Default true")
    is_active: bool | None = Field(default=None, description="Default true")
    booking_assigned_user_ids: list[HostId] | None = Field(default=None, max_length=100, description="Host user ids")
    scheduling_type: Literal["round_robin", "collective"] | None = Field(
        default=None, description="Default round_robin")
    location: Literal["google_meet", "teams", "online", "phone", "in_person"] | None = Field(
        default=None, description="Default google_meet; online = the host calendar's own meeting (Meet or Teams)")
    booking_deal_behavior: Literal["create", "update_or_create", "never_create"] | None = Field(
        default=None, description="Default create")
    booking_deal_name_template: str | None = Field(
        default=None, description="Variables {event_type}, {customer_name}, {date}, {time}")
    booking_notifications: BookingNotifications | None = None


class CreateEventTypeBody(EventTypeFields):
    name: str  # type: ignore[assignment]
    default_duration_minutes: int  # type: ignore[assignment]


class EventTypeOut(DocModel):
    id: str
    company_id: str
    slug: str
    name: str
    description: str | None
    default_duration_minutes: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    min_notice_hours: float
    max_advance_days: int
    slot_interval_minutes: int
    hold_offered_slot_seconds: int | None
    is_bookable: bool
    is_active: bool
    booking_assigned_user_ids: list[str]
    scheduling_type: str
    location: str
    booking_deal_behavior: str
    booking_deal_name_template: str
    booking_notifications: dict[str, Any]
    created_at: str | None
    updated_at: str | None


class EventTypeResponse(DocModel):
    data: EventTypeOut


class EventTypeList(DocModel):
    data: list[EventTypeOut]
    pagination: Pagination


class DeletedEventType(DocModel):
    success: bool
    action: Literal["deleted", "deactivated"]
    event_type: EventTypeOut


class DeleteEventTypeResponse(DocModel):
    data: DeletedEventType


def event_type_json(event_type: EventType) -> dict[str, Any]:
    """Contract §2 field names; `slot_interval_minutes` is the effective grid (the duration when unset)."""
    body = event_type.model_dump(mode="json", exclude={"slot_interval_minutes"})
    body["slot_interval_minutes"] = event_type.interval_minutes
    return body


def sent_fields(body: BaseModel | None) -> dict[str, Any]:
    """Only the fields the client sent, as plain JSON values."""
    return body.model_dump(mode="json", exclude_unset=True) if body is not None else {}
