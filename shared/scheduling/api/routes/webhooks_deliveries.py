from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from scheduling.api.app import current_principal, requires
from scheduling.api.routes.webhooks_common import ID_PATTERN, DeliveryList, page
from scheduling.api.schemas import documented
from scheduling.services.webhooks import list_deliveries

router = Router()


@router.get(
    "/webhook-subscriptions/<subscription_id>/deliveries",
    summary="The subscription's delivery log, newest first",
    middlewares=[requires("company:read")],
    responses=documented(200, DeliveryList, 404),
)
def list_webhook_deliveries_route(
    subscription_id: Annotated[str, Path(pattern=ID_PATTERN)],
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    after: Annotated[str | None, Query(max_length=128, description="next_cursor of the previous page")] = None,
) -> dict:
    items, next_cursor = list_deliveries(current_principal().company_id, subscription_id, limit, after)
    return page(items, limit, next_cursor)
