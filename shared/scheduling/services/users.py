"""The company's users (hosts): listed by the API (contract §7), created by the operator CLI."""

from __future__ import annotations

import uuid
from typing import get_args

from scheduling import wiring
from scheduling.domain.models import CalendarProvider, User, UserCalendar
from scheduling.errors import Conflict, NotFound, ValidationFailed
from scheduling.services.booking_input import check_email, normalise_phone

CALENDAR_PROVIDERS: tuple[str, ...] = get_args(CalendarProvider)


def list_users(company_id: str, limit: int, after: str | None) -> tuple[list[User], str | None]:
    """One page of the company's users in a stable order; cursor for the next page."""
    return wiring.companies().page_users(company_id, limit, after)


def create_user(company_id: str, name: str, email: str, phone: str | None = None, *,
                calendar_provider: str = "google", calendar_id: str | None = None) -> User:
    """A new host; the email must be valid and not already used by a user of the company.

    The host's calendar (contract §11) is on `calendar_provider` (`google`, `microsoft` or `none`)
    at `calendar_id`, by default their email address; without their own hours they follow the
    company default availability.
    """
    if calendar_provider not in CALENDAR_PROVIDERS:
        raise ValidationFailed("calendar.provider", " | ".join(CALENDAR_PROVIDERS))
    if calendar_id is not None:
        calendar_id = check_email(calendar_id)
    companies = wiring.companies()
    company = companies.get(company_id)
    if company is None:
        raise NotFound(f"No company {company_id}.", fix="Create it first (create-company) or check the id.")
    if not name or not name.strip():
        raise ValidationFailed("name", "a non-empty name")
    email = check_email(email)
    if phone:
        phone = normalise_phone(phone, company.settings.default_country)
    for existing in companies.list_users(company_id):
        if existing.email.lower() == email.lower():
            raise Conflict(f"User {existing.id} already has the email {email}.", details={"user_id": existing.id})
    user = User(id=str(uuid.uuid4()), company_id=company_id, name=name.strip(), email=email, phone=phone or None,
                calendar=UserCalendar(provider=calendar_provider, id=calendar_id))
    companies.put_user(user)
    return user
