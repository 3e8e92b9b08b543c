"""The one reschedule service (JSON endpoint, voice tool, booker page) on moto."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scheduling import wiring
from scheduling.errors import ServiceUnavailable
from scheduling.services.booking_reschedule import reschedule_booking
from tests.support.seeds import COMPANY_ID, SYDNEY, booking_id, next_weekday

NOW = datetime.now(UTC)
TARGET = next_weekday(2, weeks_ahead=3)


def _failing_cancel(*_args, **_kwargs):
    raise RuntimeError("injected: the old booking's cancel failed")


def test_when_the_old_cancel_fails_the_new_booking_is_withdrawn_and_the_old_one_stands(workspace):
    with pytest.raises(ServiceUnavailable):
        reschedule_booking(COMPANY_ID, booking_id(0), TARGET.isoformat(), "10:00", "Australia/Sydney", NOW,
                           cancel=_failing_cancel)
    page = wiring.bookings().list_page(COMPANY_ID, starts_from=None, starts_before=None, status=None,
                                       event_type_id=None, limit=100, cursor=None)
    moved = [b for b in page.bookings if b.starts_at.astimezone(SYDNEY).date() == TARGET]
    assert [b.status for b in moved] == ["cancelled"]
    assert wiring.bookings().get(COMPANY_ID, booking_id(0)).status == "confirmed"


def test_a_successful_move_cancels_the_old_booking_and_retires_its_token(workspace):
    moved = reschedule_booking(COMPANY_ID, booking_id(0), TARGET.isoformat(), "10:00", None, NOW)
    assert moved.previous.id == booking_id(0) and moved.booking.status == "confirmed"
    old = wiring.bookings().get(COMPANY_ID, booking_id(0))
    assert old.status == "cancelled" and old.management_token is None
    assert moved.booking.timezone == "Australia/Sydney"
