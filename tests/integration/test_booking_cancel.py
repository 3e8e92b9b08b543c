"""Cancelling bookings: the slot frees up, the event goes, the booker hears, the CRM remembers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.errors import DomainError
from scheduling.services.booking_cancel import cancel_booking
from tests.integration.test_booking_create import book, error_of
from tests.support.seeds import COMPANY_ID, booking_id


def now() -> datetime:
    return datetime.now(UTC)


def test_cancelling_frees_the_slot_for_someone_else(workspace) -> None:
    first = book()
    assert error_of(email="next@example.com").details["reason"] == "booked"

    result = cancel_booking(COMPANY_ID, first.id, "Feeling better", now())

    assert result.already_cancelled is False
    assert result.booking.status == "cancelled" and result.booking.cancellation_reason == "Feeling better"
    assert wiring.bookings().get(COMPANY_ID, first.id).status == "cancelled"
    second = book(email="next@example.com")
    assert second.starts_at == first.starts_at


def test_cancelling_deletes_the_calendar_event_with_notifications_and_emails_the_booker(workspace) -> None:
    booking = book()
    cancel_booking(COMPANY_ID, booking.id, "Feeling better", now())

    events = OUTBOX.for_booking(booking.id)["calendar"]
    assert [e["action"] for e in events] == ["insert", "delete"]
    assert events[1]["event_id"] == events[0]["event_id"] and events[1]["calendar"] == events[0]["calendar"]
    emails = OUTBOX.for_booking(booking.id)["emails"]
    assert [e["kind"] for e in emails] == ["confirmation", "cancellation"]
    assert emails[1]["to"] == ["sarah@example.com"] and "Feeling better" in emails[1]["body"]


def test_cancelling_twice_is_a_no_op_the_second_time(workspace) -> None:
    booking = book()
    cancel_booking(COMPANY_ID, booking.id, None, now())
    again = cancel_booking(COMPANY_ID, booking.id, "again", now())

    assert again.already_cancelled is True and again.booking.status == "cancelled"
    assert again.booking.cancellation_reason is None
    assert len(OUTBOX.for_booking(booking.id)["emails"]) == 2
    assert len(OUTBOX.for_booking(booking.id)["calendar"]) == 2


@pytest.mark.parametrize("status", ["attended", "late", "no_show"])
def test_a_booking_that_already_happened_cannot_be_cancelled(workspace, status: str) -> None:
    repo = wiring.bookings()
    seeded = repo.get(COMPANY_ID, booking_id(0))
    repo.save(seeded.model_copy(update={"status": status}))

    with pytest.raises(DomainError) as caught:
        cancel_booking(COMPANY_ID, seeded.id, None, now())
    assert (caught.value.status, caught.value.code) == (409, "INVALID_STATUS_TRANSITION")
    assert caught.value.details == {"current_status": status}


def test_another_companys_booking_cannot_be_cancelled_and_reads_as_not_found(workspace) -> None:
    from tests.support.seeds import OTHER_BOOKING_ID

    with pytest.raises(DomainError) as caught:
        cancel_booking(COMPANY_ID, OTHER_BOOKING_ID, None, now())
    assert (caught.value.status, caught.value.code) == (404, "NOT_FOUND")


def test_cancelling_logs_an_activity_and_leaves_the_opportunitys_next_action_alone(workspace) -> None:
    booking = book()
    table = wiring.table()
    key = {"PK": f"COMPANY#{COMPANY_ID}", "SK": f"OPPORTUNITY#{booking.deal_id}"}
    table.update_item(Key=key, UpdateExpression="SET next_action_at = :at, next_action_note = :note",
                      ExpressionAttributeValues={":at": "2026-12-24T09:00:00+11:00", ":note": "Send a quote"})

    cancel_booking(COMPANY_ID, booking.id, "Too expensive", now() + timedelta(minutes=1))

    crm = wiring.crm().snapshot([COMPANY_ID])
    assert [a["type"] for a in crm["activities"]] == ["booked", "cancelled"]
    cancelled = crm["activities"][1]
    assert (cancelled["booking_id"], cancelled["opportunity_id"], cancelled["contact_id"]) == (
        booking.id, booking.deal_id, booking.contact_id)
    assert "Too expensive" in cancelled["summary"]
    [opportunity] = crm["opportunities"]
    assert (opportunity["next_action_at"], opportunity["next_action_note"]) == (
        "2026-12-24T09:00:00+11:00", "Send a quote")
