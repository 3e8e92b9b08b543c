"""POST /v1/scheduling-bookings/{id}/notetaker: attach a recording bot to a Meet booking."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.app import build_app
from scheduling.api.routes.schedule_notetaker import router

app = build_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
