from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from scheduling.api.app import current_principal, requires
from scheduling.api.routes.webhooks_common import ID_PATTERN, SecretResponse, replayable
from scheduling.api.schemas import documented
from scheduling.services.webhooks import rotate_secret

router = Router()


@router.post(
    "/webhook-subscriptions/<subscription_id>/rotate-secret",
    summary="A new signing secret; for 24 h deliveries carry signatures with the new and the previous one",
    middlewares=[requires("company:write")],
    responses=documented(200, SecretResponse, 404),
)
def rotate_webhook_secret_route(subscription_id: Annotated[str, Path(pattern=ID_PATTERN)]):  # noqa: ANN201
    company_id = current_principal().company_id

    def rotate() -> tuple[int, dict]:
        return 200, {"data": {"secret": rotate_secret(company_id, subscription_id, datetime.now(UTC))}}

    return replayable(router, company_id, {"operation": "rotate_webhook_secret", "id": subscription_id}, rotate)
