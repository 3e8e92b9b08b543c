"""Response models used to document every route in the generated OpenAPI document.

They derive from `DocModel`: nothing validates or serialises a response with them (routes return
plain dicts), so pydantic builds their schemas only when the OpenAPI document is generated, not
when a function imports its route (issue #10: ≈ 1-3 ms per model at every cold start).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

_ERROR_DESCRIPTIONS = {
    400: "The request is not valid; `error.fix` says what to send instead.",
    401: "No API key, or a key that is not valid.",
    403: "The key lacks a scope, or the company has not enabled the feature.",
    404: "Not found for this company.",
    409: "The request conflicts with the current state.",
    410: "It existed but is gone: e.g. a hold that expired, was released or was used.",
    413: "The body is larger than 64 KiB.",
    429: "Rate limit reached; retry after `Retry-After` seconds.",
    500: "Unexpected error; the body names the X-Request-Id.",
    502: "An upstream provider failed.",
    503: "A dependency is temporarily unavailable; retry shortly.",
}


class DocModel(BaseModel):
    """A model that only documents a response: its schema is built on first use (the OpenAPI
    document), never at import. Request bodies stay plain `BaseModel`s: they validate every request."""

    model_config = ConfigDict(defer_build=True)


class ErrorBody(DocModel):
    code: str = Field(examples=["SLOT_UNAVAILABLE"])
    message: str
    fix: str
    hint: str | None = None
    status: int
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorEnvelope(DocModel):
    error: ErrorBody


class Pagination(DocModel):
    limit: int
    has_more: bool
    next_cursor: str | None


def documented(success_status: int, success_model: type[BaseModel], *error_statuses: int) -> dict[int, dict]:
    """The `responses=` of a route: its success schema plus the error envelope for each status."""
    responses: dict[int, dict] = {
        success_status: {"description": "Success", "content": {"application/json": {"model": success_model}}}
    }
    for status in sorted({400, 401, 403, 413, 429, 500, *error_statuses}):
        responses[status] = {
            "description": _ERROR_DESCRIPTIONS.get(status, "Error"),
            "content": {"application/json": {"model": ErrorEnvelope}},
        }
    return responses


class AttendeeOut(DocModel):
    email: str
    name: str | None = None
    phone: str | None = None


class BookingOut(DocModel):
    id: str
    company_id: str
    event_type_id: str
    event_type_name: str
    host_user_ids: list[str]
    starts_at: str
    ends_at: str
    duration_minutes: int
    timezone: str
    booker_name: str
    booker_email: str
    booker_phone: str | None
    message: str | None
    company_name: str | None
    attendees: list[AttendeeOut]
    status: str
    deal_id: str | None
    contact_id: str | None
    customer_id: str | None
    google_meet_link: str | None = Field(description="The Google Meet link (equals meeting_link for Meet).")
    meeting_link: str | None = Field(description="The online meeting's join link, whichever the provider.")
    meeting_provider: Literal["google_meet", "teams"] | None
    management_token: str | None
    management_token_expires_at: str | None
    cancellation_reason: str | None
    cancelled_at: str | None
    notetaker_bot_id: str | None
    created_at: str
    updated_at: str
    formatted: str


class BookingList(DocModel):
    data: list[BookingOut]
    pagination: Pagination


class EventTypeSummary(DocModel):
    name: str
    default_duration_minutes: int


class BookingDetail(BookingOut):
    crm_scheduled_event_types: EventTypeSummary | None


class BookingDetailResponse(DocModel):
    data: BookingDetail
