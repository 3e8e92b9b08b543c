"""POST /scheduling-bookings: book a slot (contract §3 item 3), with Idempotency-Key (§1)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, ConfigDict, Field

from scheduling.api import family
from scheduling.api.app import current_principal, json_response, requires
from scheduling.api.schemas import AttendeeOut, DocModel, documented
from scheduling.errors import MissingFields
from scheduling.services.booking_create import (
    AttendeeInput,
    CreateBookingInput,
    booking_summary,
    create_booking,
)
from scheduling.services.idempotency import idempotency_key_from, run_once

router = Router()

_TEXT = 500


class AttendeeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    email: str = Field(max_length=320)
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)


class CreateBookingBody(BaseModel):
    """The flat body TrustPager clients send; formats are checked by the service, in contract order."""

    model_config = ConfigDict(extra="ignore")

    event_type_id: str | None = Field(default=None, max_length=200, description="Wins over slug and name.")
    event_type_slug: str | None = Field(default=None, max_length=200)
    event_type_name: str | None = Field(default=None, max_length=200, description="Exact (any case), else a unique close match.")
    date: str = Field(max_length=40, description="YYYY-MM-DD in `timezone`.", examples=["2026-12-01"])
    time: str = Field(max_length=40, description="HH:MM 24 h in `timezone`.", examples=["09:00"])
    timezone: str | None = Field(default=None, max_length=200, description="IANA name or shorthand; default Australia/Sydney.")
    fullName: str = Field(min_length=1, max_length=200, examples=["Sarah Jones"])  # noqa: N815 - contract name
    email: str = Field(max_length=320, examples=["sarah@example.com"])
    phone: str | None = Field(default=None, max_length=40, description="E.164, or local in the company's default country.")
    message: str | None = Field(default=None, max_length=5000)
    company_name: str | None = Field(default=None, max_length=_TEXT)
    booker_state: str | None = Field(default=None, max_length=100)
    booker_timezone: str | None = Field(default=None, max_length=200)
    attendees: list[AttendeeIn] | None = Field(default=None, max_length=20)
    hold_id: str | None = Field(default=None, max_length=100,
                                description="A live hold of this event type and start (POST /scheduling-bookings/holds): "
                                            "booked even though held, and consumed in the same transaction.")


class CreatedBookingOut(DocModel):
    id: str
    event_type_name: str
    date: str
    time: str
    formatted: str = Field(examples=["Tuesday, 1 December 2026 at 9:00 AM"])
    duration_minutes: int
    status: str
    google_meet_link: str | None = Field(description="null when the calendar event is not made yet (retried).")
    meeting_link: str | None = Field(description="Meet or Teams join link; null until the calendar event is made.")
    meeting_provider: Literal["google_meet", "teams"] | None
    attendees: list[AttendeeOut]
    starts_at: str
    ends_at: str
    timezone: str


class CrmIds(DocModel):
    deal_id: str | None
    contact_id: str
    customer_id: str | None


class CreateBookingData(DocModel):
    success: bool
    booking: CreatedBookingOut
    crm: CrmIds


class CreateBookingResponse(DocModel):
    data: CreateBookingData


def to_input(body: CreateBookingBody) -> CreateBookingInput:
    return CreateBookingInput(
        date=body.date, time=body.time, full_name=body.fullName, email=body.email,
        event_type_id=body.event_type_id, event_type_slug=body.event_type_slug,
        event_type_name=body.event_type_name, timezone=body.timezone, phone=body.phone, message=body.message,
        company_name=body.company_name, booker_state=body.booker_state, booker_timezone=body.booker_timezone,
        attendees=[AttendeeInput(a.email, a.name, a.phone) for a in body.attendees or []], hold_id=body.hold_id)


@router.post(
    "/scheduling-bookings",
    summary="Book a slot (creates CRM records, a calendar event with Meet link, a confirmation email)",
    middlewares=[requires("company:write")],
    responses=documented(201, CreateBookingResponse, 404, 409, 410, 503),
)
def create_booking_route(body: Annotated[CreateBookingBody, Body()]):  # noqa: ANN201 - a typed Response would be validated as a model
    return book_once(body, to_input(body))


class SchedulingCreateBookingBody(BaseModel):
    """The /scheduling/* family's create (contract §9); the §3 flat body's names are accepted too."""

    model_config = ConfigDict(extra="ignore")

    event_type_id: str | None = Field(default=None, max_length=200)
    event_type_slug: str | None = Field(default=None, max_length=200)
    event_type_name: str | None = Field(default=None, max_length=200)
    start_time: str | None = Field(default=None, max_length=64, description="ISO 8601 instant with offset.",
                                   examples=["2026-12-01T09:00:00+11:00"])
    date: str | None = Field(default=None, max_length=40, description="Instead of start_time: YYYY-MM-DD.")
    time: str | None = Field(default=None, max_length=40, description="Instead of start_time: HH:MM.")
    timezone: str | None = Field(default=None, max_length=200, description="The invitee's zone; default Australia/Sydney.")
    invitee_email: str | None = Field(default=None, max_length=320, examples=["sarah@example.com"])
    invitee_name: str | None = Field(default=None, max_length=200, examples=["Sarah Jones"])
    email: str | None = Field(default=None, max_length=320, description="Same as invitee_email.")
    fullName: str | None = Field(default=None, max_length=200, description="Same as invitee_name.")  # noqa: N815
    phone: str | None = Field(default=None, max_length=40)
    notes: str | None = Field(default=None, max_length=5000, description="Same as message.")
    message: str | None = Field(default=None, max_length=5000)
    company_name: str | None = Field(default=None, max_length=_TEXT)
    contact_id: str | None = Field(default=None, max_length=64,
                                   description="The CRM contact the booking belongs to (default: the one its email matches).")
    deal_id: str | None = Field(default=None, max_length=64,
                                description="The deal (opportunity) the booking joins, instead of the event type's "
                                            "booking_deal_behavior.")
    attendees: list[AttendeeIn] | None = Field(default=None, max_length=20)
    hold_id: str | None = Field(default=None, max_length=100,
                                description="A hold on this slot (contract §10): books it and consumes the hold.")

    def to_input(self) -> CreateBookingInput:
        """What the create service takes; MISSING_FIELDS names the family's fields when absent. The
        service checks the rest in the §3 order (start_time's shape, email, time zone, …)."""
        email = self.invitee_email or self.email
        name = self.invitee_name or self.fullName
        missing = [field for field, value in (("start_time", self.start_time or (self.date and self.time)),
                                              ("invitee_email", email), ("invitee_name", name)) if not value]
        if missing:
            raise MissingFields(f"Required fields are missing: {', '.join(missing)}.", details={"fields": missing})
        return CreateBookingInput(
            date=None if self.start_time else self.date, time=None if self.start_time else self.time,
            start_time=self.start_time, full_name=name or "", email=email or "",
            event_type_id=self.event_type_id, event_type_slug=self.event_type_slug,
            event_type_name=self.event_type_name, timezone=self.timezone, phone=self.phone,
            message=self.notes or self.message, company_name=self.company_name,
            attendees=[AttendeeInput(a.email, a.name, a.phone) for a in self.attendees or []], hold_id=self.hold_id,
            contact_id=self.contact_id, deal_id=self.deal_id)


@router.post(
    "/scheduling/bookings",
    summary="Book a slot (TrustPager's /scheduling/* field names: start_time, invitee_email, invitee_name, notes)",
    middlewares=[requires(*family.WRITE)],
    responses=documented(201, CreateBookingResponse, 404, 409, 503),
)
def create_scheduling_booking_route(body: Annotated[SchedulingCreateBookingBody, Body()]):  # noqa: ANN201
    return book_once(body, body.to_input())


def book_once(body: BaseModel, request: CreateBookingInput):  # noqa: ANN201 - a Response
    """Book `request` once per Idempotency-Key (`body`, as sent, is what a replay must match)."""
    company_id = current_principal().company_id
    key = idempotency_key_from(dict(router.current_event.headers or {}))

    def book() -> tuple[int, dict]:
        created = create_booking(company_id, request, datetime.now(UTC))
        booking = created.booking
        return 201, {"data": {"success": True, "booking": booking_summary(booking),
                              "crm": {"deal_id": booking.deal_id, "contact_id": booking.contact_id,
                                      "customer_id": booking.customer_id}}}

    sent = {"operation": "create_booking", "body": body.model_dump(mode="json", exclude_none=True)}
    status, payload, replayed = run_once(company_id, key, sent, book, router.lambda_context)
    return json_response(status, payload, replayed)
