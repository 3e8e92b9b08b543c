from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from scheduling.api.app import current_principal, requires
from scheduling.api.routes.webhooks_common import SubscriptionList, page
from scheduling.api.schemas import documented
from scheduling.services.webhooks import list_subscriptions

router = Router()


@router.get(
    "/webhook-subscriptions",
    summary="List the company's webhook subscriptions, one page at a time (no secrets)",
    middlewares=[requires("company:read")],
    responses=documented(200, SubscriptionList),
)
def list_webhook_subscriptions_route(
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    after: Annotated[str | None, Query(max_length=64, description="next_cursor of the previous page")] = None,
) -> dict:
    items, next_cursor = list_subscriptions(current_principal().company_id, limit, after)
    return page(items, limit, next_cursor)
