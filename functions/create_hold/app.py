"""POST /v1/scheduling-bookings/holds: keep a slot for a few minutes, guarded by the booking ledger."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.app import build_app
from scheduling.api.routes.create_hold import router

app = build_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
