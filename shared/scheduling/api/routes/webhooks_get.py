from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from scheduling.api.app import current_principal, requires
from scheduling.api.routes.webhooks_common import ID_PATTERN, SubscriptionResponse
from scheduling.api.schemas import documented
from scheduling.services.webhooks import get_subscription, subscription_json

router = Router()


@router.get(
    "/webhook-subscriptions/<subscription_id>",
    summary="One webhook subscription (without its secret)",
    middlewares=[requires("company:read")],
    responses=documented(200, SubscriptionResponse, 404),
)
def get_webhook_subscription_route(subscription_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> dict:
    return {"data": subscription_json(get_subscription(current_principal().company_id, subscription_id))}
