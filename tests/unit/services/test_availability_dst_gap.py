"""A local time skipped by Sydney's DST start (2027-10-03, 02:00 → 03:00): what the asker is offered."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduling import wiring
from scheduling.errors import Conflict
from scheduling.seed import apply_seed, plan_seed
from scheduling.services.availability_queries import check_availability
from scheduling.services.booking_create import CreateBookingInput, create_booking

SYDNEY = ZoneInfo("Australia/Sydney")
NOW = datetime(2027, 9, 1, tzinfo=UTC)
COMPANY = "c0ffee00-0000-4000-8000-000000000001"
EVENT_TYPE = "c0ffee00-0000-4000-8000-000000000002"


@pytest.fixture
def night_clinic(aws):
    seed = {"companies": [{
        "id": COMPANY, "slug": "night-clinic", "name": "Night Clinic", "timezone": "Australia/Sydney",
        "availability": {"timezone": "Australia/Sydney", "weekly_hours": [{"day": 0, "start": "00:00", "end": "06:00"}]},
        "users": [{"name": "Nox", "email": "nox@night.example"}],
        "event_types": [{"id": EVENT_TYPE, "slug": "call", "name": "Night Call", "default_duration_minutes": 30,
                         "max_advance_days": 365, "hosts": ["nox@night.example"]}],
    }]}
    apply_seed(plan_seed(seed, NOW), wiring.companies(), wiring.bookings())


def _local(slot) -> str:
    return slot.start.astimezone(SYDNEY).strftime("%H:%M")


def test_a_skipped_time_is_refused_and_the_first_time_after_the_jump_is_the_nearest_after(night_clinic):
    check = check_availability(COMPANY, event_type_id=EVENT_TYPE, date_value="2027-10-03", time_value="02:30",
                               timezone_name="Australia/Sydney", now=NOW)
    assert check.reason == "nonexistent_local_time"
    assert (_local(check.nearest_before), _local(check.nearest_after)) == ("01:30", "03:00")


def test_booking_a_skipped_time_offers_the_times_either_side_of_the_gap(night_clinic):
    with pytest.raises(Conflict) as refused:
        create_booking(COMPANY, CreateBookingInput(date="2027-10-03", time="02:30", full_name="Ana",
                                                   email="ana@example.com", event_type_id=EVENT_TYPE,
                                                   timezone="Australia/Sydney"), NOW)
    details = refused.value.details
    assert details["reason"] == "nonexistent_local_time"
    assert [a["time"] for a in details["alternatives"]] == ["01:00", "01:30", "03:00", "03:30", "04:00"]  # by elapsed time
