"""Management tokens expire at ends_at + 24 h: the expire_tokens job through its entry point."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from boto3.dynamodb.conditions import Key

from scheduling import wiring
from scheduling.services.booking_queries import get_booking
from scheduling.services.reminders import reminder_items_for_new_booking
from tests.support.seeds import COMPANY_ID, CONSULT_ID, booking_id
from tools.sam_template import handler_module

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_EVENT = json.loads((ROOT / "events" / "job_expire_tokens.json").read_text())
BOOKING = booking_id(0)


def run_job(at: datetime, **detail) -> dict:
    event = {**SAMPLE_EVENT, "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "detail": detail}
    return handler_module("job_expire_tokens").lambda_handler(event, None)


def schedule_like_create(booking_id_: str = BOOKING):
    booking = wiring.bookings().get(COMPANY_ID, booking_id_)
    items = reminder_items_for_new_booking(booking, wiring.companies().get_event_type(COMPANY_ID, CONSULT_ID),
                                           wiring.companies().get(COMPANY_ID), datetime.now(UTC))
    wiring.table().meta.client.transact_write_items(TransactItems=items)
    return booking


def booked_under_token(token: str) -> list[dict]:
    return wiring.table().query(IndexName="BookingByToken",
                                KeyConditionExpression=Key("BookingByTokenPK").eq(f"TOKEN#{token}"))["Items"]


def test_a_token_is_cleared_at_ends_at_plus_24_hours_and_not_a_minute_before(workspace):
    booking = schedule_like_create()
    expiry = booking.ends_at + timedelta(hours=24)
    assert booking.management_token_expires_at == expiry

    run_job(expiry - timedelta(minutes=1))
    assert get_booking(COMPANY_ID, BOOKING)[0].management_token == booking.management_token
    on_time = run_job(expiry)

    assert on_time["expired"] == 1  # this booking, and only at its expiry minute
    assert get_booking(COMPANY_ID, BOOKING)[0].management_token is None
    assert booked_under_token(booking.management_token) == []
    assert run_job(expiry + timedelta(minutes=15))["due"] == 0


def test_a_token_that_was_replaced_meanwhile_is_left_alone(workspace):
    booking = schedule_like_create()
    wiring.bookings().save(booking.model_copy(update={"management_token": "a-newer-token"}))

    summary = run_job(booking.ends_at + timedelta(hours=25))

    assert summary["already_gone"] == 1
    assert get_booking(COMPANY_ID, BOOKING)[0].management_token == "a-newer-token"


def test_seeded_bookings_expire_through_the_due_index_like_created_ones(workspace):
    first = wiring.bookings().get(COMPANY_ID, booking_id(0))  # Monday
    second = wiring.bookings().get(COMPANY_ID, booking_id(1))  # Tuesday

    run_job(first.ends_at + timedelta(hours=24))

    assert get_booking(COMPANY_ID, booking_id(0))[0].management_token is None
    assert get_booking(COMPANY_ID, booking_id(1))[0].management_token == second.management_token
