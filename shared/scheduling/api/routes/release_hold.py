"""DELETE /scheduling-bookings/holds/{hold_id}: free a held slot at once (contract §10)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from scheduling.api.app import current_principal, requires
from scheduling.api.routes.create_hold import HoldResponse
from scheduling.api.schemas import documented
from scheduling.services.holds import SCOPES, hold_json, release_hold

router = Router()


@router.delete(
    "/scheduling-bookings/holds/<hold_id>",
    summary="Release a hold: its slot is free again immediately",
    middlewares=[requires(*SCOPES)],
    responses=documented(200, HoldResponse, 404, 410),
)
def release_hold_route(hold_id: Annotated[str, Path(max_length=100)]) -> dict:
    released = release_hold(current_principal().company_id, hold_id, datetime.now(UTC))
    return {"data": hold_json(released)}
