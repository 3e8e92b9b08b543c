"""POST /scheduling-bookings/{id}/mark-late (contract §3 item 8)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling.api import family
from scheduling.api.app import requires
from scheduling.api.routes.mark_attended import BOOKING_ID, MarkResponse, run_mark
from scheduling.api.schemas import documented
from scheduling.services.booking_status import mark_late

router = Router()


@router.post(
    "/scheduling/bookings/<booking_id>/mark-late",
    operation_id="scheduling_mark_late",
    summary="Mark a booking late (sends the event type's late notifications)",
    middlewares=[requires(*family.WRITE)],
    responses=documented(200, MarkResponse, 404, 409),
)
@router.post(
    "/scheduling-bookings/<booking_id>/mark-late",
    summary="Mark a booking late (sends the event type's late notifications)",
    middlewares=[requires("company:write")],
    responses=documented(200, MarkResponse, 404, 409),
)
def mark_late_route(booking_id: Annotated[str, BOOKING_ID]) -> dict:
    return run_mark(router, "mark_late", booking_id, mark_late)
