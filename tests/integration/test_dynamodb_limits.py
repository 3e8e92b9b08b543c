"""What DynamoDB (and DynamoDB Local, unlike moto) refuses, probed on the booking paths (issue 15).

Found: a collective booking writes one ledger item per host and UTC day in its transaction, and
DynamoDB refuses a transaction over 100 items (ValidationException, which was a 500). Checked and
fine: one item twice in a transaction (a reschedule within its own day, tests/unit/services/
test_booking_reschedule.py), booking items near 400 KB (message, names and attendees are capped).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduling import wiring
from scheduling.errors import Conflict, ValidationFailed
from scheduling.seed import apply_seed, plan_seed
from scheduling.services.booking_cancel import cancel_booking
from scheduling.services.booking_create import CreateBookingInput, create_booking
from scheduling.services.booking_reschedule import reschedule_booking
from tests.support.seeds import next_weekday

COMPANY = "6a0c1e2d-0000-4000-8000-00000000d011"
PANEL = "6a0c1e2d-0000-4000-8000-0000000000f1"
DAY = next_weekday(2)
ALL_DAY = [{"day": d, "start": "00:00", "end": "23:59"} for d in range(0, 7)]


def host(n: int) -> str:
    return f"6a0c1e2d-0000-4000-8000-{n:012d}"


def panel_workspace(hosts: int) -> None:
    seed = {"companies": [{
        "id": COMPANY, "slug": "big-panel", "name": "Big Panel", "timezone": "Australia/Sydney", "api_keys": [],
        "availability": {"timezone": "Australia/Sydney", "weekly_hours": ALL_DAY, "date_overrides": []},
        "users": [{"id": host(n), "name": f"Host {n}", "email": f"host{n}@panel.example",
                   "calendar": {"provider": "none"}} for n in range(hosts)],
        "event_types": [{"id": PANEL, "slug": "panel", "name": "Panel", "default_duration_minutes": 30,
                         "buffer_after_minutes": 15, "scheduling_type": "collective", "location": "in_person",
                         "booking_assigned_user_ids": [host(n) for n in range(hosts)]}],
    }]}
    apply_seed(plan_seed(seed, datetime.now(UTC)), wiring.companies(), wiring.bookings())


def book(time: str, **extra):
    return create_booking(COMPANY, CreateBookingInput(
        date=DAY.isoformat(), time=time, timezone="Australia/Sydney", event_type_id=PANEL, full_name="Pat",
        email="pat@example.com", phone="+61412345678", company_name="Pat Co", **extra), datetime.now(UTC))


def test_a_twenty_host_collective_booking_crossing_utc_midnight_books_moves_and_cancels(aws, monkeypatch):
    from scheduling.repositories import bookings as bookings_module

    sizes = []
    original = bookings_module.transact
    monkeypatch.setattr(bookings_module, "transact", lambda client, writes: (sizes.append(len(writes)),
                                                                              original(client, writes))[1])
    panel_workspace(20)
    # 10:30-11:00 Sydney + 15 min after = 23:30-00:15 UTC: two ledger days per host, for the old
    # booking and for the new one (two days later, so no item is shared): the largest move
    first = book("10:30")
    moved = reschedule_booking(COMPANY, first.booking.id, (DAY + timedelta(days=2)).isoformat(), "10:30", None,
                               datetime.now(UTC))
    assert len(moved.booking.host_user_ids) == 20
    assert cancel_booking(COMPANY, moved.booking.id, None, datetime.now(UTC)).booking.status == "cancelled"
    assert max(sizes) > 80 and max(sizes) <= 100, sizes  # the move: 2 × 20 × 2 ledger items and the rest


def test_a_collective_booking_too_big_for_one_transaction_is_a_clear_409_not_a_server_error(aws):
    panel_workspace(60)
    with pytest.raises(Conflict) as refused:
        book("10:30")
    assert refused.value.code == "TOO_MANY_HOSTS" and refused.value.details["writes"] > 100
    assert refused.value.status == 409


def test_a_message_cannot_grow_a_booking_towards_the_400_kb_item_limit(aws):
    panel_workspace(1)
    with pytest.raises(ValidationFailed):
        book("10:00", message="x" * 300_000)
