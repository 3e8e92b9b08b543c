"""Seed files (contract §6): validate the whole file first, then write it through the repositories.

An invalid file raises SeedError naming the bad path, e.g.
`companies[0].event_types[1].default_duration_minutes: Input should be greater than 0`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scheduling.domain.models import (
    ApiKey,
    Availability,
    Booking,
    BookingStatus,
    Company,
    CompanySettings,
    EventType,
    User,
    UserCalendar,
)
from scheduling.services.auth import hash_api_key
from scheduling.slots.ranges import TimeRange
from scheduling.timezones import resolve_timezone


class SeedError(ValueError):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _zone_name(value: str) -> str:
    return resolve_timezone(value).key


class SeedApiKey(_Strict):
    key: str = Field(min_length=8)
    scopes: list[Literal["company:read", "company:write", "scheduling:read", "scheduling:write", "scheduling:delete", "admin"]]
    rate_limit_per_minute: int | None = Field(default=None, gt=0)
    rate_limit_per_day: int | None = Field(default=None, gt=0)


class SeedAvailability(Availability):
    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _zone_name(value)


class SeedBusy(_Strict):
    start: datetime
    end: datetime


class SeedUser(_Strict):
    id: str | None = None
    name: str
    email: str
    phone: str | None = None
    availability: SeedAvailability | None = None
    calendar: UserCalendar = Field(default_factory=UserCalendar)  # contract §11; default Google
    calendar_busy: list[SeedBusy] = Field(default_factory=list)  # busy whatever the provider


class SeedBooking(_Strict):
    id: str | None = None
    event_type_id: str
    host_user_ids: list[str] = Field(min_length=1)
    starts_at: datetime
    timezone: str = "Australia/Sydney"
    booker_name: str
    booker_email: str
    booker_phone: str | None = None
    status: BookingStatus = "confirmed"
    message: str | None = None
    # Not in contract §6: a fixed manage-page token lets a sample link (events/booker_manage_page*.json)
    # open the seeded booking; without it each load makes a new one, as a create does.
    management_token: uuid.UUID | None = None  # the shape every issued token has

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _zone_name(value)


class SeedCompany(_Strict):
    id: str | None = None
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    name: str
    timezone: str = "Australia/Sydney"
    settings: CompanySettings = Field(default_factory=CompanySettings)
    credits: int = 0
    retell_api_key: str | None = None
    api_keys: list[SeedApiKey] = Field(default_factory=list)
    availability: SeedAvailability | None = None
    users: list[SeedUser] = Field(default_factory=list)
    event_types: list[dict[str, Any]] = Field(default_factory=list)
    bookings: list[SeedBooking] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _zone_name(value)


class SeedFile(_Strict):
    companies: list[SeedCompany] = Field(min_length=1)


@dataclass
class SeededCompany:
    company: Company
    api_keys: list[SeedApiKey]
    event_types: list[EventType]
    users: list[User]


@dataclass
class SeedPlan:
    companies: list[SeededCompany] = field(default_factory=list)
    availability: dict[str, Availability] = field(default_factory=dict)
    bookings: list[Booking] = field(default_factory=list)
    calendar_busy: dict[str, list[TimeRange]] = field(default_factory=dict)


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _raise_seed_error(error: ValidationError, prefix: tuple[Any, ...] = ()) -> None:
    first = error.errors()[0]
    loc = prefix + tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    raise SeedError(f"{_path(loc)}: {first['msg']}") from None


def plan_seed(document: Any, now: datetime) -> SeedPlan:
    """Validate a parsed seed document completely and turn it into domain objects (no I/O)."""
    try:
        seed = SeedFile.model_validate(document)
    except ValidationError as error:
        _raise_seed_error(error)
    except Exception as error:  # resolve_timezone raises domain errors inside validators
        raise SeedError(str(error)) from None
    plan = SeedPlan()
    for ci, seeded in enumerate(seed.companies):
        company_id = seeded.id or str(uuid.uuid4())
        company = Company(
            id=company_id, slug=seeded.slug, name=seeded.name, timezone=seeded.timezone,
            settings=seeded.settings, credits=seeded.credits, retell_api_key=seeded.retell_api_key,
        )
        users = [
            User(id=u.id or str(uuid.uuid4()), company_id=company_id, name=u.name, email=u.email,
                 phone=u.phone, availability=u.availability, calendar=u.calendar)
            for u in seeded.users
        ]
        by_email = {u.email.lower(): u.id for u in users}
        for user, seed_user in zip(users, seeded.users, strict=True):
            plan.calendar_busy.setdefault(user.calendar_id, []).extend(
                TimeRange.utc(b.start, b.end) for b in seed_user.calendar_busy
            )
        event_types = []
        for ei, raw in enumerate(seeded.event_types):
            path = ("companies", ci, "event_types", ei)
            if not isinstance(raw, dict):
                raise SeedError(f"{_path(path)}: must be an object")
            fields = dict(raw)
            hosts = fields.pop("hosts", [])
            host_ids = list(fields.pop("booking_assigned_user_ids", []))
            for hi, email in enumerate(hosts):
                if str(email).lower() not in by_email:
                    raise SeedError(f"{_path(path + ('hosts', hi))}: no user with email {email}")
                host_ids.append(by_email[str(email).lower()])
            for hi, host_id in enumerate(host_ids):
                if host_id not in by_email.values():
                    raise SeedError(f"{_path(path + ('booking_assigned_user_ids', hi))}: no user with id {host_id}")
            try:
                event_types.append(EventType.model_validate(
                    {**fields, "id": fields.get("id") or str(uuid.uuid4()), "company_id": company_id,
                     "booking_assigned_user_ids": list(dict.fromkeys(host_ids))}
                ))
            except ValidationError as error:
                _raise_seed_error(error, path)
        plan.companies.append(SeededCompany(company, seeded.api_keys, event_types, users))
        if seeded.availability:
            plan.availability[company_id] = Availability.model_validate(seeded.availability.model_dump())
        types_by_id = {e.id: e for e in event_types}
        for bi, seed_booking in enumerate(seeded.bookings):
            path = ("companies", ci, "bookings", bi)
            event_type = types_by_id.get(seed_booking.event_type_id)
            if event_type is None:
                raise SeedError(f"{_path(path + ('event_type_id',))}: no event type {seed_booking.event_type_id}")
            for hi, host_id in enumerate(seed_booking.host_user_ids):
                if host_id not in by_email.values():
                    raise SeedError(f"{_path(path + ('host_user_ids', hi))}: no user with id {host_id}")
            if seed_booking.starts_at.tzinfo is None:
                raise SeedError(f"{_path(path + ('starts_at',))}: needs a UTC offset")
            starts = seed_booking.starts_at.astimezone(UTC)
            ends = starts + timedelta(minutes=event_type.default_duration_minutes)
            plan.bookings.append(Booking(
                id=seed_booking.id or str(uuid.uuid4()), company_id=company_id,
                event_type_id=event_type.id, event_type_name=event_type.name,
                host_user_ids=seed_booking.host_user_ids, starts_at=starts, ends_at=ends,
                buffer_before_minutes=event_type.buffer_before_minutes,
                buffer_after_minutes=event_type.buffer_after_minutes,
                timezone=seed_booking.timezone, booker_name=seed_booking.booker_name,
                booker_email=seed_booking.booker_email, booker_phone=seed_booking.booker_phone,
                message=seed_booking.message, status=seed_booking.status,
                management_token=str(seed_booking.management_token or uuid.uuid4()),
                management_token_expires_at=ends + timedelta(hours=24),
                created_at=now, updated_at=now,
            ))
    return plan


def load_seed_file(path: str | Path, now: datetime) -> SeedPlan:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(f"seed file not found: {path}") from None
    except json.JSONDecodeError as error:
        raise SeedError(f"{path} is not valid JSON: {error}") from None
    return plan_seed(document, now)


def apply_seed(plan: SeedPlan, companies: Any, bookings: Any) -> None:
    """Write a validated plan through the repositories (bookings through the ledger guard)."""
    from scheduling import wiring
    from scheduling.repositories.bookings import buffered_range, utc_days
    from scheduling.services.token_expiry import token_expiry_put

    for seeded in plan.companies:
        companies.put(seeded.company)
        for user in seeded.users:
            companies.put_user(user)
        for event_type in seeded.event_types:
            companies.put_event_type(event_type)
        for key in seeded.api_keys:
            companies.put_api_key(ApiKey(
                key_hash=hash_api_key(key.key), company_id=seeded.company.id, scopes=list(key.scopes),
                rate_limit_per_minute=key.rate_limit_per_minute, rate_limit_per_day=key.rate_limit_per_day,
            ))
    for company_id, availability in plan.availability.items():
        companies.put_default_availability(company_id, availability)
    for booking in plan.bookings:
        # Seeded tokens expire like any other: the expiry job finds them on its due index.
        expiry = [entry for entry in [token_expiry_put(booking)] if entry]
        if booking.status == "cancelled":
            bookings.save(booking)
            for entry in expiry:
                wiring.table().put_item(Item=entry["Put"]["Item"])
            continue
        days = utc_days(buffered_range(booking))
        ledger = [day for host in booking.host_user_ids
                  for day in bookings.read_ledger(booking.company_id, host, days).values()]
        bookings.insert(booking, ledger, expiry)

