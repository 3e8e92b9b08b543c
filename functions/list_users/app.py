"""GET /v1/users: the company's hosts."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.app import build_app
from scheduling.api.routes.list_users import router

app = build_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
