"""PATCH /v1/webhook-subscriptions/{id}: contract §8 (docs/webhooks.md)."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.app import build_app
from scheduling.api.routes.webhooks_update import router

app = build_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
