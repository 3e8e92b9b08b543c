from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from scheduling.api.app import current_principal, requires
from scheduling.api.routes.webhooks_common import ID_PATTERN, SubscriptionFields, SubscriptionResponse, sent
from scheduling.api.schemas import documented
from scheduling.services.webhooks import update_subscription

router = Router()


@router.patch(
    "/webhook-subscriptions/<subscription_id>",
    summary="Change a subscription's url, events, description or active flag",
    middlewares=[requires("company:write")],
    responses=documented(200, SubscriptionResponse, 404),
)
def update_webhook_subscription_route(
    subscription_id: Annotated[str, Path(pattern=ID_PATTERN)],
    body: Annotated[SubscriptionFields, Body()],
) -> dict:
    company_id = current_principal().company_id
    return {"data": update_subscription(company_id, subscription_id, sent(body), datetime.now(UTC))}
