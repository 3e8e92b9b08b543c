"""POST /scheduling-bookings/{id}/mark-no-show (contract §3 item 9)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling.api import family
from scheduling.api.app import requires
from scheduling.api.routes.mark_attended import BOOKING_ID, MarkResponse, run_mark
from scheduling.api.schemas import documented
from scheduling.services.booking_status import mark_no_show

router = Router()


@router.post(
    "/scheduling/bookings/<booking_id>/mark-no-show",
    operation_id="scheduling_mark_no_show",
    summary="Mark a booking no-show (sends no_show notifications, schedules rebooking reminders)",
    middlewares=[requires(*family.WRITE)],
    responses=documented(200, MarkResponse, 404, 409),
)
@router.post(
    "/scheduling-bookings/<booking_id>/mark-no-show",
    summary="Mark a booking no-show (sends no_show notifications, schedules rebooking reminders)",
    middlewares=[requires("company:write")],
    responses=documented(200, MarkResponse, 404, 409),
)
def mark_no_show_route(booking_id: Annotated[str, BOOKING_ID]) -> dict:
    return run_mark(router, "mark_no_show", booking_id, mark_no_show)
