from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from scheduling.api import family
from scheduling.api.app import current_principal, requires
from scheduling.api.presenters import booking_json
from scheduling.api.schemas import BookingList, documented
from scheduling.services.booking_queries import BookingFilters, list_bookings

router = Router()

# Contract §1: ids are UUIDs. A filter on anything else is a caller's mistake (400 naming the field),
# not a filter that silently matches nothing.
UUID_PATTERN = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"


@router.get(
    "/scheduling-bookings",
    summary="List bookings, sorted by start time",
    middlewares=[requires("company:read")],
    responses=documented(200, BookingList),
)
def list_bookings_route(
    status: Annotated[Literal["confirmed", "cancelled", "attended", "late", "no_show"] | None, Query()] = None,
    event_type_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
    date_from: Annotated[date | None, Query(description="Inclusive, company time zone")] = None,
    date_to: Annotated[date | None, Query(description="Inclusive, company time zone")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    after: Annotated[str | None, Query(max_length=2048, description="next_cursor of the previous page")] = None,
) -> dict:
    return bookings_page(BookingFilters(status, event_type_id, date_from, date_to, limit, after))


@router.get(
    "/scheduling/bookings",
    summary="List bookings, sorted by start time (TrustPager's /scheduling/* field names)",
    middlewares=[requires(*family.READ)],
    responses=documented(200, BookingList),
)
def list_scheduling_bookings_route(
    status: Annotated[Literal["confirmed", "cancelled", "attended", "late", "no_show"] | None, Query()] = None,
    event_type_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
    from_: Annotated[date | None, Query(alias="from", description="Inclusive, company time zone")] = None,
    to: Annotated[date | None, Query(description="Inclusive, company time zone")] = None,
    host_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
    contact_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
    customer_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
    deal_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    after: Annotated[str | None, Query(max_length=2048, description="next_cursor of the previous page")] = None,
) -> dict:
    with family.named_as(family.LIST_FIELDS):
        return bookings_page(BookingFilters(status, event_type_id, from_, to, limit, after,
                                            host_id, contact_id, customer_id, deal_id))


def bookings_page(filters: BookingFilters) -> dict:
    limit = filters.limit
    page = list_bookings(current_principal().company_id, filters)
    return {
        "data": [booking_json(b) for b in page.bookings],
        "pagination": {"limit": limit, "has_more": page.next_cursor is not None, "next_cursor": page.next_cursor},
    }
