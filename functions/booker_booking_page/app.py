"""GET/POST /book/{company_slug}/{event_type_slug}: the public booking page (the {rebook_link})."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.pages_app import build_pages_app
from scheduling.api.routes.page_booking import router

app = build_pages_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
