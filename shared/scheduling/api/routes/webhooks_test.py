from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from scheduling.api.app import current_principal, requires
from scheduling.api.routes.webhooks_common import ID_PATTERN, DeliveryResponse, replayable
from scheduling.api.schemas import documented
from scheduling.services.webhooks import send_test

router = Router()


@router.post(
    "/webhook-subscriptions/<subscription_id>/test",
    summary="Send a signed `ping` event to this subscription now; the answer is its delivery",
    middlewares=[requires("company:write")],
    responses=documented(200, DeliveryResponse, 404),
)
def test_webhook_subscription_route(subscription_id: Annotated[str, Path(pattern=ID_PATTERN)]):  # noqa: ANN201
    company_id = current_principal().company_id

    def ping() -> tuple[int, dict]:
        return 200, {"data": send_test(company_id, subscription_id, datetime.now(UTC))}

    return replayable(router, company_id, {"operation": "test_webhook_subscription", "id": subscription_id}, ping)
