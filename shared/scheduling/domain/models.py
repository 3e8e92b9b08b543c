"""The domain model: plain pydantic models, no storage or HTTP concerns."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Scope = Literal["company:read", "company:write", "scheduling:read", "scheduling:write", "scheduling:delete", "admin"]
BookingStatus = Literal["confirmed", "cancelled", "attended", "late", "no_show"]
SchedulingType = Literal["round_robin", "collective"]
# `online`: the host calendar's own meeting (Meet for Google hosts, Teams for Microsoft hosts).
Location = Literal["google_meet", "teams", "online", "phone", "in_person"]
ONLINE_LOCATIONS = ("google_meet", "teams", "online")
CalendarProvider = Literal["google", "microsoft", "none"]
MeetingProvider = Literal["google_meet", "teams"]
DealBehavior = Literal["create", "update_or_create", "never_create"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class CompanySettings(Model):
    notetaker_enabled: bool = False
    default_country: str = "AU"


class Company(Model):
    id: str
    slug: str
    name: str
    timezone: str = "Australia/Sydney"
    settings: CompanySettings = Field(default_factory=CompanySettings)
    credits: int = 0
    retell_api_key: str | None = None


class WeeklyHours(Model):
    day: int = Field(ge=0, le=6)
    start: str
    end: str


class DateOverride(Model):
    date: str
    type: Literal["blocked", "custom"]
    start: str | None = None
    end: str | None = None
    reason: str | None = None


class Availability(Model):
    timezone: str = "Australia/Sydney"
    weekly_hours: list[WeeklyHours] = Field(default_factory=list)
    date_overrides: list[DateOverride] = Field(default_factory=list)


class UserCalendar(Model):
    """Where a host's busy time is read and their bookings' events are made (contract §11)."""

    provider: CalendarProvider = "google"
    id: str | None = None  # the calendar's address at the provider; default the host's email


class User(Model):
    id: str
    company_id: str
    name: str
    email: str
    phone: str | None = None
    availability: Availability | None = None
    calendar: UserCalendar = Field(default_factory=UserCalendar)

    @property
    def calendar_id(self) -> str:
        return self.calendar.id or self.email

    @property
    def calendar_provider(self) -> str:
        return self.calendar.provider


class NotificationRule(Model):
    offset_minutes: int | None = None
    channels: list[Literal["email", "sms"]] = Field(default_factory=lambda: ["email"])
    recipients: Literal["booker", "booker_and_attendees", "team", "all"] = "booker"
    email_subject: str | None = None
    email_body: str | None = None
    sms_body: str | None = None


class BookingNotifications(Model):
    pre_meeting: list[NotificationRule] = Field(default_factory=list)
    meeting_start: list[NotificationRule] = Field(default_factory=list)
    late: list[NotificationRule] = Field(default_factory=list)
    no_show: list[NotificationRule] = Field(default_factory=list)
    rebooking: list[NotificationRule] = Field(default_factory=list)


class EventType(Model):
    id: str
    company_id: str
    slug: str
    name: str
    description: str | None = None
    default_duration_minutes: int = Field(gt=0, le=24 * 60)
    buffer_before_minutes: int = Field(default=0, ge=0, le=24 * 60)
    buffer_after_minutes: int = Field(default=0, ge=0, le=24 * 60)
    min_notice_hours: float = Field(default=0, ge=0)
    max_advance_days: int = Field(default=60, ge=0, le=3650)
    slot_interval_minutes: int | None = Field(default=None, gt=0, le=24 * 60)
    # The voice `slots` answer holds its first offered time this long for the call (docs/holds.md).
    hold_offered_slot_seconds: int | None = Field(default=None, ge=30, le=900)
    is_bookable: bool = True
    is_active: bool = True
    booking_assigned_user_ids: list[str] = Field(default_factory=list)
    scheduling_type: SchedulingType = "round_robin"
    location: Location = "google_meet"
    booking_deal_behavior: DealBehavior = "create"
    booking_deal_name_template: str = "{event_type} - {customer_name}"
    booking_notifications: BookingNotifications = Field(default_factory=BookingNotifications)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def interval_minutes(self) -> int:
        return self.slot_interval_minutes or self.default_duration_minutes

    @property
    def offers_slots(self) -> bool:
        return self.is_active and self.is_bookable and bool(self.booking_assigned_user_ids)


class Attendee(Model):
    email: str
    name: str | None = None
    phone: str | None = None


class Booking(Model):
    id: str
    company_id: str
    event_type_id: str
    event_type_name: str
    host_user_ids: list[str]
    starts_at: datetime
    ends_at: datetime
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    timezone: str
    booker_name: str
    booker_email: str
    booker_phone: str | None = None
    message: str | None = None
    company_name: str | None = None
    attendees: list[Attendee] = Field(default_factory=list)
    status: BookingStatus = "confirmed"
    deal_id: str | None = None
    contact_id: str | None = None
    customer_id: str | None = None
    google_meet_link: str | None = None  # = meeting_link when the meeting is a Google Meet
    meeting_link: str | None = None
    meeting_provider: MeetingProvider | None = None
    # The invitation (invite.ics): one UID for the booking's life, carried on by a reschedule's new
    # booking with a higher SEQUENCE (services/invitations.py). None: derived from the booking id.
    ical_uid: str | None = None
    ical_sequence: int = 0
    calendar_event_ids: dict[str, str] = Field(default_factory=dict)
    management_token: str | None = None
    management_token_expires_at: datetime | None = None
    cancellation_reason: str | None = None
    cancelled_at: datetime | None = None
    notetaker_bot_id: str | None = None
    created_at: datetime
    updated_at: datetime
    extra: dict[str, Any] = Field(default_factory=dict)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def join_link(self) -> str | None:
        """The online meeting's link, whichever the provider (bookings stored before
        `meeting_link` existed only have `google_meet_link`)."""
        return self.meeting_link or self.google_meet_link

    @property
    def join_provider(self) -> str | None:
        """`meeting_provider` of `join_link` (`google_meet` | `teams` | None)."""
        return self.meeting_provider or ("google_meet" if self.google_meet_link else None)


class ApiKey(Model):
    key_hash: str
    company_id: str
    scopes: list[str]
    label: str | None = None
    rate_limit_per_minute: int | None = None
    rate_limit_per_day: int | None = None
    revoked: bool = False
    created_at: datetime | None = None


HoldStatus = Literal["held", "consumed", "released"]


class Hold(Model):
    """A slot kept for someone deciding (contract §10). It takes its hosts' time in the ledger
    only while `status` is `held` and `now < expires_at`; consumed and released holds stay as
    tombstones (so a late create gets 410 HOLD_EXPIRED, not 404) until DynamoDB TTL removes them."""

    id: str
    company_id: str
    event_type_id: str
    host_user_ids: list[str]
    starts_at: datetime
    ends_at: datetime
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    timezone: str
    email: str | None = None
    expires_at: datetime
    status: HoldStatus = "held"
    booking_id: str | None = None
    call_id: str | None = None
    created_at: datetime

    def live(self, now: datetime) -> bool:
        return self.status == "held" and now < self.expires_at
