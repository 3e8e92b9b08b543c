"""What GET/PUT /scheduling-availability share: the query, the body and response models, the JSON."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict, Field

from scheduling.api.schemas import DocModel
from scheduling.services.availability_admin import AvailabilityView

UserIdQuery = Annotated[
    str | None,
    Query(pattern=r"^(me|[A-Za-z0-9_-]{1,64})$",
          description="A host's id for their own hours; absent or `me` = the company default"),
]


class WeeklyHoursIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: int = Field(description="0-6, 0 = Sunday")
    start: str = Field(description="HH:MM, 24-hour", examples=["09:00"])
    end: str = Field(description="HH:MM, 24-hour, after start", examples=["17:00"])


class DateOverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: str = Field(description="YYYY-MM-DD")
    type: Literal["blocked", "custom"]
    start: str | None = Field(default=None, description="custom only: HH:MM")
    end: str | None = Field(default=None, description="custom only: HH:MM")
    reason: str | None = None


class AvailabilityBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    timezone: str | None = Field(default=None, description="IANA name or shorthand (NSW, WA…); default the company's")
    weekly_hours: list[WeeklyHoursIn] = Field(max_length=100)
    date_overrides: list[DateOverrideIn] = Field(default_factory=list, max_length=1000)


class AvailabilityOut(DocModel):
    user_id: str | None
    uses_company_default: bool
    timezone: str
    weekly_hours: list[dict[str, Any]]
    date_overrides: list[dict[str, Any]]


class AvailabilityResponse(DocModel):
    data: AvailabilityOut


def availability_json(view: AvailabilityView) -> dict[str, Any]:
    availability = view.availability
    return {
        "user_id": view.user_id,
        "uses_company_default": view.uses_company_default,
        "timezone": availability.timezone,
        "weekly_hours": [w.model_dump() for w in availability.weekly_hours],
        "date_overrides": [o.model_dump(exclude_none=True) for o in availability.date_overrides],
    }
