from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import Field

from scheduling.api.app import current_principal, requires
from scheduling.api.schemas import DocModel, Pagination, documented
from scheduling.services.users import list_users

router = Router()


class UserCalendarOut(DocModel):
    provider: Literal["google", "microsoft", "none"]
    id: str = Field(description="The calendar's address at the provider (default the user's email).")


class UserOut(DocModel):
    id: str
    name: str
    email: str
    phone: str | None
    has_own_availability: bool
    calendar: UserCalendarOut


class UserList(DocModel):
    data: list[UserOut]
    pagination: Pagination


@router.get(
    "/users",
    summary="The company's users (hosts)",
    middlewares=[requires("company:read")],
    responses=documented(200, UserList),
)
def list_users_route(
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    after: Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")] = None,
) -> dict:
    users, next_cursor = list_users(current_principal().company_id, limit, after)
    return {
        "data": [{"id": u.id, "name": u.name, "email": u.email, "phone": u.phone,
                  "has_own_availability": u.availability is not None,
                  "calendar": {"provider": u.calendar_provider, "id": u.calendar_id}} for u in users],
        "pagination": {"limit": limit, "has_more": next_cursor is not None, "next_cursor": next_cursor},
    }
