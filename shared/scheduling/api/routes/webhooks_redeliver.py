from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from scheduling.api.app import current_principal, requires
from scheduling.api.routes.webhooks_common import ID_PATTERN, DeliveryResponse, replayable
from scheduling.api.schemas import documented
from scheduling.services.webhooks import redeliver

router = Router()


@router.post(
    "/webhook-subscriptions/<subscription_id>/deliveries/<delivery_id>/redeliver",
    summary="Send a delivered or failed delivery's event again now (the same webhook-id)",
    middlewares=[requires("company:write")],
    responses=documented(200, DeliveryResponse, 404, 409),
)
def redeliver_webhook_route(  # noqa: ANN201
    subscription_id: Annotated[str, Path(pattern=ID_PATTERN)],
    delivery_id: Annotated[str, Path(pattern=r"^dlv_[A-Za-z0-9_]{1,100}$")],
):
    company_id = current_principal().company_id

    def again() -> tuple[int, dict]:
        return 200, {"data": redeliver(company_id, subscription_id, delivery_id, datetime.now(UTC))}

    return replayable(router, company_id, {"operation": "redeliver_webhook", "id": delivery_id}, again)
