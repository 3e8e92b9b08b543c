"""GET /book/{company_slug}/manage/{token} (+ POST …/cancel, …/reschedule): the booker's management page."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from scheduling.api.pages_app import build_pages_app
from scheduling.api.routes.page_manage import router

app = build_pages_app(router)


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
