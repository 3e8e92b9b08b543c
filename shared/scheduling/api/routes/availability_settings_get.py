from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.routes.availability_settings_common import (
    AvailabilityResponse,
    UserIdQuery,
    availability_json,
)
from scheduling.api.schemas import documented
from scheduling.services.availability_admin import get_availability

router = Router()


@router.get(
    "/scheduling/availability",
    operation_id="scheduling_get_availability",
    summary="Working hours: the company default, or a host's own (?user_id=<id>)",
    middlewares=[requires(*family.READ)],
    responses=documented(200, AvailabilityResponse, 404),
)
@router.get(
    "/scheduling-availability",
    summary="Working hours: the company default, or a host's own (?user_id=<id>)",
    middlewares=[requires("company:read")],
    responses=documented(200, AvailabilityResponse, 404),
)
def get_availability_route(user_id: UserIdQuery = None) -> dict:
    return {"data": availability_json(get_availability(current_principal().company_id, user_id))}
