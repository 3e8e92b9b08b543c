"""GET /v1/scheduled-event-types: the company's event types, a page at a time."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.app import build_app
from scheduling.api.routes.event_types_list import router

app = build_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
