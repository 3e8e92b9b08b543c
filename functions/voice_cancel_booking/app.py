"""POST /v1/scheduling/voice/cancel-booking: cancel the caller's booking (text answer)."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.routes.voice_cancel_booking import router
from scheduling.api.voice_app import build_voice_app

app = build_voice_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
