from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from scheduling.api.app import current_principal, requires
from scheduling.api.routes.webhooks_common import CreatedSubscriptionResponse, CreateSubscriptionBody, replayable, sent
from scheduling.api.schemas import documented
from scheduling.services.webhooks import create_subscription

router = Router()


@router.post(
    "/webhook-subscriptions",
    summary="Subscribe a URL to booking events; the signing secret is shown in this answer only",
    middlewares=[requires("company:write")],
    responses=documented(201, CreatedSubscriptionResponse),
)
def create_webhook_subscription_route(body: Annotated[CreateSubscriptionBody, Body()]):  # noqa: ANN201 - Response
    company_id = current_principal().company_id
    fields = sent(body)

    def create() -> tuple[int, dict]:
        return 201, {"data": create_subscription(company_id, fields, datetime.now(UTC))}

    return replayable(router, company_id, {"operation": "create_webhook_subscription", "body": fields}, create)
