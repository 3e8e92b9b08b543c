"""Every DynamoDB key of the single table is built here, so the layout reads in one place.

Base table (PK, SK):
    COMPANY#<cid>        CONFIG#COMPANY              company profile (and its credit balance)
    COMPANY#<cid>        CONFIG#AVAILABILITY         company default hours
    COMPANY#<cid>        CONFIG#USER#<uid>           host
    COMPANY#<cid>        CONFIG#EVENT_TYPE#<etid>    event type
    COMPANY_SLUG#<slug>  COMPANY_SLUG                slug → company id (management URLs)
    COMPANY#<cid>        EVENT_TYPE_SLUG#<slug>      event type slug → event type id (unique slugs)
    COMPANY#<cid>        API_KEY#<sha256>            key listed under its company (no secret)
    API_KEY#<sha256>     API_KEY                     key lookup used by auth (one GetItem)
    COMPANY#<cid>        BOOKING#<bid>               booking
    COMPANY#<cid>        HOST_DAY#<uid>#<utc date>   the host's booked ranges that UTC day + version
                                                     (the no-double-booking guard, docs/bookings.md),
                                                     and its slot holds' ranges with their expiry
    COMPANY#<cid>        HOLD#<hold id>              slot hold (docs/holds.md), TTL after expiry
    COMPANY#<cid>        CALL_HOLD#<sha256 of call>  a voice call's offered-slot hold id, TTL after expiry

Everything a request needs to know about how a company is set up sorts under `CONFIG#`, so ONE
Query (`CompanyRepository.load_config`) reads the company, its default hours, its hosts and its
event types together. Nothing else may use that prefix (the slug pointers deliberately do not:
they are only read when an event type is written).
GSIs, named after the question they answer:
    BookingsByStart   COMPANY#<cid>                 <starts_at utc>#<bid>   list / date filters
    BookingsByPhone   COMPANY#<cid>#PHONE#<e164>    <starts_at utc>#<bid>   voice: caller's bookings
    BookingByToken    TOKEN#<token>                 BOOKING                 booker management page
    DueWorkByTime     DUE#<kind>                    <due utc>#<id>          jobs: what is due now
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

TABLE_TTL_ATTRIBUTE = "expires_at_epoch"


def company_pk(company_id: str) -> str:
    return f"COMPANY#{company_id}"


CONFIG_PREFIX = "CONFIG#"
COMPANY_SK = f"{CONFIG_PREFIX}COMPANY"
AVAILABILITY_SK = f"{CONFIG_PREFIX}AVAILABILITY"
USER_PREFIX = f"{CONFIG_PREFIX}USER#"
EVENT_TYPE_PREFIX = f"{CONFIG_PREFIX}EVENT_TYPE#"


def company_slug_key(slug: str) -> dict[str, str]:
    return {"PK": f"COMPANY_SLUG#{slug}", "SK": "COMPANY_SLUG"}


def user_sk(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def event_type_sk(event_type_id: str) -> str:
    return f"{EVENT_TYPE_PREFIX}{event_type_id}"


def event_type_slug_sk(slug: str) -> str:
    return f"EVENT_TYPE_SLUG#{slug}"


def api_key_lookup_key(key_hash: str) -> dict[str, str]:
    return {"PK": f"API_KEY#{key_hash}", "SK": "API_KEY"}


def api_key_listing_sk(key_hash: str) -> str:
    return f"API_KEY#{key_hash}"


def booking_sk(booking_id: str) -> str:
    return f"BOOKING#{booking_id}"


def host_day_sk(user_id: str, day: date) -> str:
    return f"HOST_DAY#{user_id}#{day.isoformat()}"


def hold_sk(hold_id: str) -> str:
    return f"HOLD#{hold_id}"


def call_hold_sk(call_id: str) -> str:
    """The pointer to a voice call's offered-slot hold; the call id hashed (Retell's ids are not ours)."""
    return f"CALL_HOLD#{hashlib.sha256(call_id.encode()).hexdigest()[:40]}"


def utc_iso(instant: datetime) -> str:
    """Sortable UTC form used in sort keys: 2026-12-01T09:00:00Z."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bookings_by_start(company_id: str, starts_at: datetime, booking_id: str) -> dict[str, str]:
    return {
        "BookingsByStartPK": company_pk(company_id),
        "BookingsByStartSK": f"{utc_iso(starts_at)}#{booking_id}",
    }


def bookings_by_phone(company_id: str, phone: str, starts_at: datetime, booking_id: str) -> dict[str, str]:
    return {
        "BookingsByPhonePK": f"{company_pk(company_id)}#PHONE#{phone}",
        "BookingsByPhoneSK": f"{utc_iso(starts_at)}#{booking_id}",
    }


def booking_by_token(token: str) -> dict[str, str]:
    return {"BookingByTokenPK": f"TOKEN#{token}", "BookingByTokenSK": "BOOKING"}


def due_work(kind: str, due_at: datetime, item_id: str) -> dict[str, str]:
    return {"DueWorkByTimePK": f"DUE#{kind}", "DueWorkByTimeSK": f"{utc_iso(due_at)}#{item_id}"}


GSI_NAMES = ("BookingsByStart", "BookingsByPhone", "BookingByToken", "DueWorkByTime")
