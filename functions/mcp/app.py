"""POST /v1/mcp: the Model Context Protocol server (Streamable HTTP, stateless, JSON responses)."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.app import build_app
from scheduling.api.routes.mcp import router

app = build_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
