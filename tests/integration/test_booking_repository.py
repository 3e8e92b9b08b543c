"""The repository on moto: the ledger guard and cursor pages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from scheduling import wiring
from scheduling.domain.models import Booking
from scheduling.repositories.bookings import LedgerConflict, buffered_range, utc_days
from tests.support.seeds import COMPANY_ID, CONSULT_ID, JANE_ID


def _booking(start: datetime, minutes: int = 30, **overrides) -> Booking:
    now = datetime.now(UTC)
    fields = dict(
        id=str(uuid.uuid4()), company_id=COMPANY_ID, event_type_id=CONSULT_ID, event_type_name="Free Consultation",
        host_user_ids=[JANE_ID], starts_at=start, ends_at=start + timedelta(minutes=minutes),
        timezone="Australia/Sydney", booker_name="A", booker_email="a@example.com", created_at=now, updated_at=now,
    )
    fields.update(overrides)
    return Booking(**fields)


def _ledger_for(booking: Booking):
    repo = wiring.bookings()
    days = utc_days(buffered_range(booking))
    return [d for host in booking.host_user_ids for d in repo.read_ledger(booking.company_id, host, days).values()]


def test_a_booking_checked_against_a_stale_ledger_cannot_commit(aws):
    repo = wiring.bookings()
    start = datetime(2030, 3, 4, 23, 0, tzinfo=UTC)
    first, second = _booking(start), _booking(start + timedelta(minutes=15))
    stale = _ledger_for(second)  # both requests read the empty ledger…
    repo.insert(first, _ledger_for(first))  # …the first commits…
    with pytest.raises(LedgerConflict):  # …so the second, checked against what it read, fails.
        repo.insert(second, stale)
    assert repo.get(COMPANY_ID, second.id) is None
    ledger = _ledger_for(second)[0]
    assert list(ledger.ranges) == [first.id] and ledger.version == 1


def test_a_booking_across_utc_midnight_guards_both_days(aws):
    repo = wiring.bookings()
    late = _booking(datetime(2030, 3, 4, 23, 45, tzinfo=UTC), minutes=30)
    repo.insert(late, _ledger_for(late))
    next_day = repo.read_ledger(COMPANY_ID, JANE_ID, utc_days(buffered_range(late)))
    assert sorted(d.isoformat() for d, day in next_day.items() if late.id in day.ranges) == ["2030-03-04", "2030-03-05"]


def test_cancelling_frees_the_ledger_and_cannot_happen_twice(aws):
    repo = wiring.bookings()
    booking = _booking(datetime(2030, 3, 5, 1, 0, tzinfo=UTC))
    repo.insert(booking, _ledger_for(booking))
    repo.cancel(booking.model_copy(update={"status": "cancelled"}))
    assert _ledger_for(booking)[0].ranges == {}
    assert repo.get(COMPANY_ID, booking.id).status == "cancelled"
    with pytest.raises(LedgerConflict):
        repo.cancel(booking.model_copy(update={"status": "cancelled"}))


def test_cursor_pages_walk_every_booking_once_in_start_order(aws):
    repo = wiring.bookings()
    start = datetime(2030, 3, 4, 0, 0, tzinfo=UTC)
    made = [_booking(start + timedelta(hours=n)) for n in range(7)]
    for booking in reversed(made):
        repo.insert(booking, _ledger_for(booking))
    seen, cursor = [], None
    while True:
        page = repo.list_page(COMPANY_ID, starts_from=None, starts_before=None, status=None, event_type_id=None,
                              limit=3, cursor=cursor)
        seen.extend(b.id for b in page.bookings)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [b.id for b in made]


def test_seeded_management_tokens_expire_through_the_job_like_created_ones(workspace):
    from datetime import timedelta

    from scheduling.services.token_expiry import expire_due_tokens

    seeded = workspace.bookings[0]
    just_before = seeded.ends_at + timedelta(hours=24) - timedelta(minutes=1)
    expire_due_tokens(just_before)
    assert wiring.bookings().get(seeded.company_id, seeded.id).management_token == seeded.management_token
    expire_due_tokens(seeded.ends_at + timedelta(hours=24))
    assert wiring.bookings().get(seeded.company_id, seeded.id).management_token is None
