from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from scheduling.api.app import current_principal, requires
from scheduling.api.routes.webhooks_common import ID_PATTERN, DeletedResponse
from scheduling.api.schemas import documented
from scheduling.services.webhooks import delete_subscription

router = Router()


@router.delete(
    "/webhook-subscriptions/<subscription_id>",
    summary="Delete a subscription (pending deliveries to it fail)",
    middlewares=[requires("company:write")],
    responses=documented(200, DeletedResponse, 404),
)
def delete_webhook_subscription_route(subscription_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> dict:
    delete_subscription(current_principal().company_id, subscription_id)
    return {"data": {"success": True, "id": subscription_id}}
