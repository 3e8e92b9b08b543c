"""The one reschedule service (JSON endpoint, voice tool, booker page): the new booking and the old
one's cancel commit in one transaction, on DynamoDB Local (which, like AWS, refuses a transaction
naming one item twice)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.errors import Conflict
from scheduling.repositories import bookings as bookings_module
from scheduling.services.booking_create import CreateBookingInput, create_booking
from scheduling.services.booking_reschedule import reschedule_booking
from tests.support.seeds import ASSESSMENT_ID, COMPANY_ID, CONSULT_ID, JANE_ID, SYDNEY, booking_id, next_weekday

NOW = datetime.now(UTC)
TARGET = next_weekday(2, weeks_ahead=3)
MONDAY = next_weekday(0)  # booking 0: Jane, 14:00-14:30 Sydney (tests/support/seeds.py)


def ledger_day(day) -> dict:
    key = {"PK": f"COMPANY#{COMPANY_ID}", "SK": f"HOST_DAY#{JANE_ID}#{day.isoformat()}"}
    return wiring.table().get_item(Key=key, ConsistentRead=True).get("Item") or {}


def utc_day(local_day, hh: int, mm: int = 0):
    return datetime(local_day.year, local_day.month, local_day.day, hh, mm, tzinfo=SYDNEY).astimezone(UTC).date()


def confirmed_on(day) -> list:
    page = wiring.bookings().list_page(COMPANY_ID, starts_from=None, starts_before=None, status="confirmed",
                                       event_type_id=None, limit=100, cursor=None)
    return [b for b in page.bookings if b.starts_at.astimezone(SYDNEY).date() == day]


def test_a_successful_move_cancels_the_old_booking_retires_its_token_and_sends_one_email(workspace):
    OUTBOX.clear()
    moved = reschedule_booking(COMPANY_ID, booking_id(0), TARGET.isoformat(), "10:00", None, NOW, "Clash")
    assert moved.previous.id == booking_id(0) and moved.booking.status == "confirmed"
    old = wiring.bookings().get(COMPANY_ID, booking_id(0))
    assert (old.status, old.management_token, old.cancellation_reason) == ("cancelled", None, "Clash")
    assert moved.booking.timezone == "Australia/Sydney"
    [email] = OUTBOX.snapshot()["emails"]  # one change, one email: the new time, its link, the reason
    assert email["kind"] == "rescheduled" and email["booking_id"] == moved.booking.id
    assert email["subject"].startswith("Rescheduled: Free Consultation moved to")
    assert "2:00 PM" in email["body"] and "10:00 AM" in email["body"] and "Reason: Clash" in email["body"]
    assert f"/manage/{moved.booking.management_token}" in email["body"]


def assessment(time: str):
    """An Initial Assessment on Monday (before 11:00 only Jane works: Sam starts at 08:00 Perth),
    60 min on a 30-min grid with 15 min after, so moving it by 30 minutes overlaps itself."""
    return create_booking(COMPANY_ID, CreateBookingInput(
        date=MONDAY.isoformat(), time=time, timezone="Australia/Sydney", event_type_id=ASSESSMENT_ID,
        full_name="Mover", email="mover@example.com"), NOW).booking


@pytest.mark.parametrize("old_time, new_time", [("09:00", "09:30"), (None, "12:00")],
                         ids=["overlapping-itself", "earlier-same-day"])
def test_a_move_within_its_own_day_writes_that_ledger_item_once(workspace, old_time, new_time):
    old_id = assessment(old_time).id if old_time else booking_id(0)
    old = wiring.bookings().get(COMPANY_ID, old_id)
    day = old.starts_at.astimezone(UTC).date()
    before = ledger_day(day)
    assert old.host_user_ids == [JANE_ID] and old_id in before["ranges"]

    moved = reschedule_booking(COMPANY_ID, old_id, MONDAY.isoformat(), new_time, None, NOW)

    assert moved.booking.starts_at.astimezone(UTC).date() == day
    after = ledger_day(day)
    assert set(after["ranges"]) == {moved.booking.id}  # the old range out, the new one in: ONE update
    assert int(after["version"]) == int(before["version"]) + 1
    assert moved.booking.starts_at.astimezone(SYDNEY).strftime("%H:%M") == new_time
    assert wiring.bookings().get(COMPANY_ID, old_id).status == "cancelled"


def test_a_move_to_another_day_frees_the_old_day_and_takes_the_new_one(workspace):
    moved = reschedule_booking(COMPANY_ID, booking_id(0), TARGET.isoformat(), "11:00", None, NOW)
    assert booking_id(0) not in ledger_day(utc_day(MONDAY, 14))["ranges"]
    assert set(ledger_day(utc_day(TARGET, 11))["ranges"]) == {moved.booking.id}


def test_when_the_transaction_fails_nothing_has_changed(workspace, monkeypatch):
    def failing(client, writes):
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "injected"}}, "TransactWriteItems")

    monkeypatch.setattr(bookings_module, "transact", failing)
    OUTBOX.clear()
    with pytest.raises(ClientError):
        reschedule_booking(COMPANY_ID, booking_id(0), TARGET.isoformat(), "10:00", "Australia/Sydney", NOW)
    monkeypatch.undo()
    assert wiring.bookings().get(COMPANY_ID, booking_id(0)).status == "confirmed"
    assert confirmed_on(TARGET) == [] and OUTBOX.snapshot()["emails"] == []


def _racing(monkeypatch, competitor):
    """Run `competitor` once, just before the reschedule's first transaction."""
    original = bookings_module.BookingRepository.insert
    ran = []

    def insert(self, *args, **kwargs):
        if kwargs.get("replacing") is not None and not ran:
            ran.append(competitor())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(bookings_module.BookingRepository, "insert", insert)
    return ran


def test_a_booking_made_for_the_target_time_meanwhile_wins_and_the_old_booking_stays(workspace, monkeypatch):
    def book_it():
        return create_booking(COMPANY_ID, CreateBookingInput(
            date=TARGET.isoformat(), time="10:00", timezone="Australia/Sydney", event_type_id=CONSULT_ID,
            full_name="Quick", email="quick@example.com"), NOW).booking

    ran = _racing(monkeypatch, book_it)
    with pytest.raises(Conflict) as refused:
        reschedule_booking(COMPANY_ID, booking_id(0), TARGET.isoformat(), "10:00", None, NOW)
    assert refused.value.code == "SLOT_UNAVAILABLE" and refused.value.details["reason"] == "booked"
    assert [b.id for b in confirmed_on(TARGET)] == [ran[0].id]
    assert wiring.bookings().get(COMPANY_ID, booking_id(0)).status == "confirmed"


def test_a_booking_cancelled_meanwhile_is_not_moved(workspace, monkeypatch):
    from scheduling.services.booking_cancel import cancel_booking

    _racing(monkeypatch, lambda: cancel_booking(COMPANY_ID, booking_id(0), "Changed my mind", NOW))
    with pytest.raises(Conflict) as refused:
        reschedule_booking(COMPANY_ID, booking_id(0), TARGET.isoformat(), "10:00", None, NOW)
    assert refused.value.code == "INVALID_STATUS_TRANSITION"
    assert confirmed_on(TARGET) == []


def test_another_booking_on_the_hosts_day_meanwhile_only_retries(workspace, monkeypatch):
    def book_same_day():  # another time of the target day: its ledger item's version moves
        return create_booking(COMPANY_ID, CreateBookingInput(
            date=MONDAY.isoformat(), time="09:00", timezone="Australia/Sydney", event_type_id=CONSULT_ID,
            full_name="Early", email="early@example.com"), NOW).booking

    _racing(monkeypatch, book_same_day)
    moved = reschedule_booking(COMPANY_ID, booking_id(0), MONDAY.isoformat(), "14:30", None, NOW)
    assert sorted(b.starts_at.astimezone(SYDNEY).strftime("%H:%M") for b in confirmed_on(MONDAY)) == ["09:00", "14:30"]
    assert moved.booking.starts_at - moved.previous.starts_at == timedelta(minutes=30)
