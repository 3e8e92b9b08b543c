from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from scheduling.api.app import current_principal, requires
from scheduling.api.routes.availability_settings_common import (
    AvailabilityBody,
    AvailabilityResponse,
    UserIdQuery,
    availability_json,
)
from scheduling.api.schemas import documented
from scheduling.services.availability_admin import put_availability

router = Router()


@router.put(
    "/scheduling-availability",
    summary="Replace working hours (company default, or a host's own with ?user_id=<id>); slots follow at once",
    middlewares=[requires("company:write")],
    responses=documented(200, AvailabilityResponse, 404),
)
def put_availability_route(body: Annotated[AvailabilityBody, Body()], user_id: UserIdQuery = None) -> dict:
    view = put_availability(current_principal().company_id, user_id, body.model_dump(mode="json"))
    return {"data": availability_json(view)}
