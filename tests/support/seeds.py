"""Seed documents for tests, with dates relative to today so they never go stale."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SYDNEY = ZoneInfo("Australia/Sydney")
COMPANY_ID = "0b6c3f7e-5a1d-4c1e-9d55-6f1c2a7b8e01"
OTHER_COMPANY_ID = "5e0d4c3b-2a19-4876-a5b4-c3d2e1f00002"
JANE_ID = "7d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c01"
SAM_ID = "7d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c02"
CONSULT_ID = "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a01"
ASSESSMENT_ID = "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a02"
OTHER_EVENT_TYPE_ID = "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a99"
OTHER_BOOKING_ID = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c99"

RW_KEY = "tp_test_harbour_rw"
RO_KEY = "tp_test_harbour_ro"
VOICE_KEY = "tp_test_harbour_voice"
ADMIN_KEY = "tp_test_harbour_admin"
OTHER_KEY = "tp_test_other_rw"

WEEKDAYS_9_TO_5 = [{"day": d, "start": "09:00", "end": "17:00"} for d in range(1, 6)]


def next_weekday(weekday: int, weeks_ahead: int = 1, today: date | None = None) -> date:
    """The given weekday (Monday=0) in `weeks_ahead` weeks, always at least a few days out."""
    today = today or datetime.now(SYDNEY).date()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def sydney(day: date, hh: int, mm: int = 0) -> str:
    return datetime.combine(day, time(hh, mm), SYDNEY).isoformat()


def booking_id(n: int) -> str:
    return f"9a8b7c6d-5e4f-4a3b-2c1d-{n:012d}"


def standard_seed(booking_count: int = 6) -> dict:
    """Two companies; the first has two hosts, two event types and `booking_count` bookings."""
    monday = next_weekday(0)
    bookings = []
    for n in range(booking_count):
        day = monday + timedelta(days=n % 5, weeks=n // 5)
        bookings.append({
            "id": booking_id(n), "event_type_id": CONSULT_ID, "host_user_ids": [JANE_ID],
            "starts_at": sydney(day, 14), "timezone": "Australia/Sydney",
            "booker_name": f"Booker {n}", "booker_email": f"booker{n}@example.com",
            "booker_phone": f"+6141234{n:04d}",
            "status": "cancelled" if n % 4 == 3 else "confirmed",
        })
    return {"companies": [
        {
            "id": COMPANY_ID, "slug": "harbour-physio", "name": "Harbour Physio", "timezone": "Australia/Sydney",
            "settings": {"notetaker_enabled": True, "default_country": "AU"}, "credits": 50000,
            "api_keys": [
                {"key": RW_KEY, "scopes": ["company:read", "company:write", "scheduling:read", "scheduling:write"]},
                {"key": RO_KEY, "scopes": ["company:read", "scheduling:read"]},
                {"key": VOICE_KEY, "scopes": ["scheduling:write"]},
                {"key": ADMIN_KEY, "scopes": ["admin"]},
            ],
            "availability": {"timezone": "Australia/Sydney", "weekly_hours": WEEKDAYS_9_TO_5, "date_overrides": []},
            "users": [
                {"id": JANE_ID, "name": "Jane Smith", "email": "jane@harbourphysio.example", "phone": "+61400000001"},
                {"id": SAM_ID, "name": "Sam Lee", "email": "sam@harbourphysio.example",
                 "availability": {"timezone": "Australia/Perth",
                                  "weekly_hours": [{"day": 1, "start": "08:00", "end": "16:00"}],
                                  "date_overrides": []}},
            ],
            "event_types": [
                {"id": CONSULT_ID, "slug": "free-consultation", "name": "Free Consultation",
                 "description": "A complimentary session to discuss your needs.",
                 "default_duration_minutes": 30, "hosts": ["jane@harbourphysio.example"]},
                {"id": ASSESSMENT_ID, "slug": "initial-assessment", "name": "Initial Assessment",
                 "default_duration_minutes": 60, "slot_interval_minutes": 30, "buffer_after_minutes": 15,
                 "location": "in_person", "booking_assigned_user_ids": [JANE_ID, SAM_ID]},
            ],
            "bookings": bookings,
        },
        {
            "id": OTHER_COMPANY_ID, "slug": "other-clinic", "name": "Other Clinic", "timezone": "Australia/Perth",
            "api_keys": [{"key": OTHER_KEY, "scopes": ["admin"]}],
            "availability": {"timezone": "Australia/Perth", "weekly_hours": WEEKDAYS_9_TO_5, "date_overrides": []},
            "users": [{"id": "8d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c09", "name": "Olive", "email": "olive@other.example"}],
            "event_types": [{"id": OTHER_EVENT_TYPE_ID, "slug": "free-consultation", "name": "Free Consultation",
                             "default_duration_minutes": 30, "hosts": ["olive@other.example"]}],
            "bookings": [{"id": OTHER_BOOKING_ID, "event_type_id": OTHER_EVENT_TYPE_ID,
                          "host_user_ids": ["8d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c09"],
                          "starts_at": sydney(monday, 12), "timezone": "Australia/Perth",
                          "booker_name": "Other Booker", "booker_email": "other@example.com", "status": "confirmed"}],
        },
    ]}
