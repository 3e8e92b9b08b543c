"""ANY /{proxy+}: the envelope for paths no other function serves (404 ROUTE_NOT_FOUND / 405)."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.fallback import unknown_route_response


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return unknown_route_response(event)
