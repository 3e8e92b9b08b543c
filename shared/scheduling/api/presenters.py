"""How domain objects look in JSON responses (contract §2 field names, instants in the booking's zone)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scheduling.domain.models import Booking
from scheduling.formatting import format_instant


def local_iso(instant: datetime | None, zone: ZoneInfo) -> str | None:
    return instant.astimezone(zone).isoformat() if instant else None


def booking_json(booking: Booking) -> dict[str, Any]:
    zone = ZoneInfo(booking.timezone)
    return {
        "id": booking.id,
        "company_id": booking.company_id,
        "event_type_id": booking.event_type_id,
        "event_type_name": booking.event_type_name,
        "host_user_ids": booking.host_user_ids,
        "starts_at": local_iso(booking.starts_at, zone),
        "ends_at": local_iso(booking.ends_at, zone),
        "duration_minutes": booking.duration_minutes,
        "timezone": booking.timezone,
        "booker_name": booking.booker_name,
        "booker_email": booking.booker_email,
        "booker_phone": booking.booker_phone,
        "message": booking.message,
        "company_name": booking.company_name,
        "attendees": [a.model_dump() for a in booking.attendees],
        "status": booking.status,
        "deal_id": booking.deal_id,
        "contact_id": booking.contact_id,
        "customer_id": booking.customer_id,
        "google_meet_link": booking.google_meet_link,
        "meeting_link": booking.join_link,
        "meeting_provider": booking.join_provider,
        "management_token": booking.management_token,
        "management_token_expires_at": local_iso(booking.management_token_expires_at, zone),
        "cancellation_reason": booking.cancellation_reason,
        "cancelled_at": local_iso(booking.cancelled_at, zone),
        "notetaker_bot_id": booking.notetaker_bot_id,
        "created_at": local_iso(booking.created_at, zone),
        "updated_at": local_iso(booking.updated_at, zone),
        "formatted": format_instant(booking.starts_at, zone),
    }
