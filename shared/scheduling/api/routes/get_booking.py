from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.presenters import booking_json
from scheduling.api.schemas import BookingDetailResponse, documented
from scheduling.services.booking_queries import get_booking

router = Router()


@router.get(
    "/scheduling/bookings/<booking_id>",
    operation_id="scheduling_get_booking",
    summary="One booking with its event type",
    middlewares=[requires(*family.READ)],
    responses=documented(200, BookingDetailResponse, 404),
)
@router.get(
    "/scheduling-bookings/<booking_id>",
    summary="One booking with its event type",
    middlewares=[requires("company:read")],
    responses=documented(200, BookingDetailResponse, 404),
)
def get_booking_route(booking_id: Annotated[str, Path(max_length=64)]) -> dict:
    booking, event_type = get_booking(current_principal().company_id, booking_id)
    summary = (
        {"name": event_type.name, "default_duration_minutes": event_type.default_duration_minutes}
        if event_type
        else None
    )
    return {"data": {**booking_json(booking), "crm_scheduled_event_types": summary}}
