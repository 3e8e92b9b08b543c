"""GET /v1/openapi.json: the OpenAPI 3.1 document of every JSON endpoint, no auth."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.app import build_app
from scheduling.api.routes.openapi import router

app = build_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
