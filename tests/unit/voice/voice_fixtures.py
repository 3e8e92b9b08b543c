"""Fixed-date workspace and request helpers shared by the voice tests (see conftest.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

NOW = datetime(2026, 4, 22, 0, 0, tzinfo=UTC)  # Wednesday 10:00 AEST
COMPANY_ID = "0b6c3f7e-5a1d-4c1e-9d55-6f1c2a7b8e01"
JANE_ID = "7d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c01"
SAM_ID = "7d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c02"
NIGHT_ID = "7d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c03"
CONSULT_ID = "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a01"
ASSESSMENT_ID = "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a02"
NIGHT_TYPE_ID = "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a03"
CALLER = "+61412340000"
FIRST_BOOKING = "9a8b7c6d-5e4f-4a3b-2c1d-000000000001"
SECOND_BOOKING = "9a8b7c6d-5e4f-4a3b-2c1d-000000000002"
VOICE_KEY = "tp_test_voice_rw"


def voice_seed(retell_api_key: str | None = None) -> dict:
    weekdays = [{"day": d, "start": "09:00", "end": "17:00"} for d in range(1, 6)]
    return {"companies": [{
        "id": COMPANY_ID, "slug": "harbour-physio", "name": "Harbour Physio", "timezone": "Australia/Sydney",
        "settings": {"default_country": "AU"}, "retell_api_key": retell_api_key,
        "api_keys": [{"key": VOICE_KEY, "scopes": ["scheduling:write"]},
                     {"key": "tp_test_voice_read", "scopes": ["scheduling:read"]}],
        "availability": {"timezone": "Australia/Sydney", "weekly_hours": weekdays, "date_overrides": []},
        "users": [
            {"id": JANE_ID, "name": "Jane Smith", "email": "jane@harbourphysio.example"},
            {"id": SAM_ID, "name": "Sam Lee", "email": "sam@harbourphysio.example",
             "availability": {"timezone": "Australia/Perth",
                              "weekly_hours": [{"day": 2, "start": "08:00", "end": "16:00"}], "date_overrides": []}},
            {"id": NIGHT_ID, "name": "Nina Night", "email": "nina@harbourphysio.example",
             "availability": {"timezone": "Australia/Sydney",
                              "weekly_hours": [{"day": 0, "start": "00:00", "end": "06:00"}], "date_overrides": []}},
        ],
        "event_types": [
            {"id": CONSULT_ID, "slug": "free-consultation", "name": "Free Consultation",
             "description": "A complimentary session to discuss your needs.",
             "default_duration_minutes": 30, "hosts": ["jane@harbourphysio.example"]},
            {"id": ASSESSMENT_ID, "slug": "initial-assessment", "name": "Initial Assessment",
             "default_duration_minutes": 60, "location": "in_person",
             "booking_assigned_user_ids": [JANE_ID, SAM_ID]},
            {"id": NIGHT_TYPE_ID, "slug": "night-check", "name": "Night Check", "default_duration_minutes": 60,
             "max_advance_days": 200, "hosts": ["nina@harbourphysio.example"]},
        ],
        "bookings": [
            {"id": FIRST_BOOKING, "event_type_id": CONSULT_ID, "host_user_ids": [JANE_ID],
             "starts_at": "2026-04-27T10:00:00+10:00", "timezone": "Australia/Sydney",
             "booker_name": "Sarah Jones", "booker_email": "sarah@example.com", "booker_phone": CALLER},
            {"id": SECOND_BOOKING, "event_type_id": ASSESSMENT_ID, "host_user_ids": [JANE_ID],
             "starts_at": "2026-04-28T14:00:00+10:00", "timezone": "Australia/Sydney",
             "booker_name": "Sarah Jones", "booker_email": "sarah@example.com", "booker_phone": CALLER},
            {"id": "9a8b7c6d-5e4f-4a3b-2c1d-000000000003", "event_type_id": CONSULT_ID, "host_user_ids": [JANE_ID],
             "starts_at": "2026-04-20T10:00:00+10:00", "timezone": "Australia/Sydney",
             "booker_name": "Sarah Jones", "booker_email": "sarah@example.com", "booker_phone": CALLER},
            {"id": "9a8b7c6d-5e4f-4a3b-2c1d-000000000004", "event_type_id": CONSULT_ID, "host_user_ids": [JANE_ID],
             "starts_at": "2026-04-29T10:00:00+10:00", "timezone": "Australia/Sydney", "status": "cancelled",
             "booker_name": "Sarah Jones", "booker_email": "sarah@example.com", "booker_phone": CALLER},
        ],
    }]}


def load(seed: dict) -> None:
    from scheduling import wiring
    from scheduling.seed import apply_seed, plan_seed

    apply_seed(plan_seed(seed, NOW), wiring.companies(), wiring.bookings())


def envelope(args: dict, call_id: str = "call_1", from_number: str = CALLER, direction: str = "inbound",
             name: str = "tool") -> str:
    call = {"call_id": call_id, "from_number": from_number, "to_number": "+61290000000", "direction": direction}
    return json.dumps({"call": call, "name": name, "args": args})
