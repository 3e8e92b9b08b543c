"""POST /v1/webhook-subscriptions/{id}/test: contract §8 (docs/webhooks.md)."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.app import build_app
from scheduling.api.routes.webhooks_test import router

app = build_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
