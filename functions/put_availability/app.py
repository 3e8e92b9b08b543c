"""PUT /v1/scheduling-availability: replace company or host working hours."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.app import build_app
from scheduling.api.routes.availability_settings_put import router

app = build_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
