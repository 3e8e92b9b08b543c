"""POST /v1/scheduling-bookings/{id}/cancel: cancel, free the slot, delete the event, email the booker."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.app import build_app
from scheduling.api.routes.cancel_booking import router

app = build_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
