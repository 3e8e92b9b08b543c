"""POST /scheduling-bookings/holds: keep a slot while someone decides (contract §10), with
Idempotency-Key (§1)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, ConfigDict, Field

from scheduling.api.app import current_principal, json_response, requires
from scheduling.api.schemas import DocModel, documented
from scheduling.services.holds import SCOPES, HoldRequest, hold_json, place_hold
from scheduling.services.idempotency import idempotency_key_from, run_once

router = Router()


class CreateHoldBody(BaseModel):
    """The create body's event type and time fields; formats and bounds are checked by the service."""

    model_config = ConfigDict(extra="ignore")

    event_type_id: str | None = Field(default=None, max_length=200, description="Wins over slug and name.")
    event_type_slug: str | None = Field(default=None, max_length=200)
    event_type_name: str | None = Field(default=None, max_length=200)
    date: str | None = Field(default=None, max_length=40, description="YYYY-MM-DD in `timezone`.", examples=["2026-12-01"])
    time: str | None = Field(default=None, max_length=40, description="HH:MM 24 h in `timezone`.", examples=["09:00"])
    start_time: str | None = Field(default=None, max_length=60,
                                   description="Instead of date + time: an ISO 8601 instant with offset.")
    timezone: str | None = Field(default=None, max_length=200, description="IANA name or shorthand; default Australia/Sydney.")
    email: str | None = Field(default=None, max_length=320,
                              description="Whom the hold is for: a create with another email cannot use it.")
    expires_in_seconds: int | None = Field(default=None, description="30-900, default 300.", examples=[300])


class HoldOut(DocModel):
    hold_id: str
    event_type_id: str
    host_user_ids: list[str]
    starts_at: str = Field(examples=["2026-12-01T09:00:00+11:00"])
    ends_at: str
    expires_at: str = Field(description="The slot is free again at this instant, with no job having run.")
    formatted: str = Field(examples=["Tuesday, 1 December 2026 at 9:00 AM"])
    timezone: str
    status: str = Field(description="held | released")


class HoldResponse(DocModel):
    data: HoldOut


@router.post(
    "/scheduling-bookings/holds",
    summary="Hold a slot for a few minutes: nobody else can book or hold it until it expires",
    middlewares=[requires(*SCOPES)],
    responses=documented(201, HoldResponse, 404, 409, 503),
)
def create_hold_route(body: Annotated[CreateHoldBody, Body()]):  # noqa: ANN201 - a typed Response would be validated as a model
    company_id = current_principal().company_id
    key = idempotency_key_from(dict(router.current_event.headers or {}))

    def hold() -> tuple[int, dict]:
        placed = place_hold(company_id, HoldRequest(**body.model_dump()), datetime.now(UTC))
        return 201, {"data": hold_json(placed)}

    request = {"operation": "create_hold", "body": body.model_dump(mode="json", exclude_none=True)}
    status, payload, replayed = run_once(company_id, key, request, hold, router.lambda_context)
    return json_response(status, payload, replayed)
