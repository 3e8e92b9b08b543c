"""What the /webhook-subscriptions routes share: request bodies and response models (contract §8)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field

from scheduling.api.schemas import DocModel, Pagination
from scheduling.services.idempotency import idempotency_key_from, run_once

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
EventName = Literal["booking.created", "booking.cancelled", "booking.rescheduled", "booking.attended",
                    "booking.late", "booking.no_show", "notetaker.scheduled", "*"]


class SubscriptionFields(BaseModel):
    """PATCH: only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=2000, description="https; a public address")
    events: list[EventName] | None = Field(default=None, min_length=1, max_length=20,
                                           description='Event types, or ["*"] for all')
    description: str | None = Field(default=None, max_length=500)
    active: bool | None = None


class CreateSubscriptionBody(SubscriptionFields):
    url: str = Field(max_length=2000, description="https; a public address")  # type: ignore[assignment]
    events: list[EventName] = Field(min_length=1, max_length=20,  # type: ignore[assignment]
                                    description='Event types, or ["*"] for all')


class SubscriptionOut(DocModel):
    id: str
    url: str
    events: list[str]
    description: str | None
    active: bool
    created_at: str
    updated_at: str | None


class SubscriptionWithSecret(SubscriptionOut):
    secret: str = Field(description="whsec_… — shown on create and rotate only")


class SubscriptionResponse(DocModel):
    data: SubscriptionOut


class CreatedSubscriptionResponse(DocModel):
    data: SubscriptionWithSecret


class SubscriptionList(DocModel):
    data: list[SubscriptionOut]
    pagination: Pagination


class SecretOut(DocModel):
    secret: str


class SecretResponse(DocModel):
    data: SecretOut


class DeletedOut(DocModel):
    success: bool
    id: str


class DeletedResponse(DocModel):
    data: DeletedOut


class DeliveryOut(DocModel):
    id: str
    event_id: str
    event_type: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: str | None
    delivered_at: str | None
    created_at: str


class DeliveryResponse(DocModel):
    data: DeliveryOut


class DeliveryList(DocModel):
    data: list[DeliveryOut]
    pagination: Pagination


def sent(body: BaseModel) -> dict:
    return body.model_dump(exclude_unset=True)


def page(items: list[dict], limit: int, next_cursor: str | None) -> dict:
    return {"data": items, "pagination": {"limit": limit, "has_more": next_cursor is not None,
                                          "next_cursor": next_cursor}}


def replayable(router: Any, company_id: str, request: dict, run: Callable[[], tuple[int, dict]]) -> Response:
    """A writing POST under Idempotency-Key (contract §1): the same key and body replay the answer."""
    key = idempotency_key_from(dict(router.current_event.headers or {}))
    status, payload, replayed = run_once(company_id, key, request, run, router.lambda_context)
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(status_code=status, content_type="application/json", body=json.dumps(payload), headers=headers)
