"""POST /v1/scheduling/voice/{event_type_id}/slots: the times to offer, as speakable text."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.routes.voice_slots import router
from scheduling.api.voice_app import build_voice_app

app = build_voice_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
