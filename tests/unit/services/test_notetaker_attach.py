"""Attaching the notetaker (contract §3 item 10) through the service, on moto and the local provider.

The standard workspace: booking 0 is confirmed next week on Monday 2:00–2:30 PM Sydney (30 minutes,
so 690 credits are needed), booking 3 is cancelled; the company has 50,000 credits and the notetaker
enabled. Bookings get their Meet link the way the create service stores it (`save`).
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.errors import DomainError
from scheduling.services.notetaker import credits, notetaker_records, schedule_notetaker
from tests.support.seeds import COMPANY_ID, OTHER_BOOKING_ID, booking_id

MEET = "https://meet.google.com/abc-defg-hij"
BOOKING = booking_id(0)
CANCELLED = booking_id(3)


def with_meet_link(bid: str = BOOKING, link: str | None = MEET):
    booking = wiring.bookings().get(COMPANY_ID, bid)
    booking.google_meet_link = link
    wiring.bookings().save(booking)
    return booking


def set_company(**changes) -> None:
    company = wiring.companies().get(COMPANY_ID)
    settings = changes.pop("settings", None)
    if settings is not None:
        company.settings = company.settings.model_copy(update=settings)
    wiring.companies().put(company.model_copy(update=changes))


def error_of(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def notetaker_outbox() -> list[dict]:
    return OUTBOX.snapshot()["notetaker"]


def test_attaching_registers_a_bot_that_joins_60_seconds_before_the_start_and_charges_nothing(workspace):
    booking = with_meet_link()
    now = datetime.now(UTC)

    result = schedule_notetaker(COMPANY_ID, BOOKING, now)

    assert result.already_scheduled is False
    assert result.join_at == booking.starts_at - timedelta(seconds=60)
    assert result.join_at.isoformat().endswith(("+10:00", "+11:00"))  # the booking's Sydney offset
    assert result.join_at.strftime("%H:%M:%S") == "13:59:00"
    assert result.credits_remaining == 50000
    assert credits().balance(COMPANY_ID) == 50000
    assert "1:59 PM" in result.message
    assert notetaker_outbox() == [{"action": "create", "bot_id": result.bot_id, "booking_id": BOOKING,
                                   "meeting_url": MEET, "join_at": result.join_at.astimezone(UTC).isoformat()}]
    assert wiring.bookings().get(COMPANY_ID, BOOKING).notetaker_bot_id == result.bot_id


def test_a_second_call_returns_the_same_bot_with_already_scheduled_and_creates_no_other(workspace):
    with_meet_link()
    now = datetime.now(UTC)
    first = schedule_notetaker(COMPANY_ID, BOOKING, now)

    again = schedule_notetaker(COMPANY_ID, BOOKING, now + timedelta(minutes=5))

    assert (again.bot_id, again.already_scheduled) == (first.bot_id, True)
    assert again.join_at == first.join_at
    assert [e["action"] for e in notetaker_outbox()] == ["create"]


def test_a_repeat_still_answers_the_bot_when_credits_have_since_run_low(workspace):
    with_meet_link()
    now = datetime.now(UTC)
    first = schedule_notetaker(COMPANY_ID, BOOKING, now)
    set_company(credits=10)

    again = schedule_notetaker(COMPANY_ID, BOOKING, now)

    assert (again.bot_id, again.already_scheduled, again.credits_remaining) == (first.bot_id, True, 10)


def test_a_company_without_the_notetaker_gets_403_notetaker_disabled_before_any_other_check(workspace):
    set_company(settings={"notetaker_enabled": False}, credits=0)
    # No Meet link, cancelled and out of credits as well: the disabled feature is reported first.
    error = error_of(lambda: schedule_notetaker(COMPANY_ID, CANCELLED, datetime.now(UTC)))
    assert (error.status, error.code) == (403, "NOTETAKER_DISABLED")


def test_a_booking_without_a_meet_link_gets_409_no_meeting_link_even_when_cancelled(workspace):
    error = error_of(lambda: schedule_notetaker(COMPANY_ID, CANCELLED, datetime.now(UTC)))
    assert (error.status, error.code) == (409, "NO_MEETING_LINK")


def test_a_cancelled_booking_gets_409_booking_cancelled(workspace):
    with_meet_link(CANCELLED)
    error = error_of(lambda: schedule_notetaker(COMPANY_ID, CANCELLED, datetime.now(UTC)))
    assert (error.status, error.code) == (409, "BOOKING_CANCELLED")
    assert notetaker_outbox() == []


def test_a_meeting_that_has_ended_gets_409_meeting_ended_even_without_credits(workspace):
    booking = with_meet_link()
    set_company(credits=0)
    error = error_of(lambda: schedule_notetaker(COMPANY_ID, BOOKING, booking.ends_at))
    assert (error.status, error.code) == (409, "MEETING_ENDED")


def test_a_meeting_under_way_is_joined_at_once(workspace):
    booking = with_meet_link()
    now = booking.starts_at + timedelta(minutes=10)
    result = schedule_notetaker(COMPANY_ID, BOOKING, now)
    assert result.join_at == now


def test_credits_below_23_per_minute_of_the_meeting_get_403_insufficient_credits(workspace):
    with_meet_link()
    set_company(credits=23 * 30 - 1)
    error = error_of(lambda: schedule_notetaker(COMPANY_ID, BOOKING, datetime.now(UTC)))
    assert (error.status, error.code) == (403, "INSUFFICIENT_CREDITS")
    assert (error.details["required"], error.details["available"]) == (690, 689)
    assert notetaker_outbox() == []


def test_exactly_23_credits_per_minute_of_the_meeting_is_enough(workspace):
    with_meet_link()
    set_company(credits=690)
    assert schedule_notetaker(COMPANY_ID, BOOKING, datetime.now(UTC)).credits_remaining == 690


def test_another_companys_booking_is_not_found(workspace):
    error = error_of(lambda: schedule_notetaker(COMPANY_ID, OTHER_BOOKING_ID, datetime.now(UTC)))
    assert (error.status, error.code) == (404, "NOT_FOUND")


def test_two_concurrent_calls_create_one_bot_and_both_answer_its_id(workspace, monkeypatch):
    with_meet_link()
    provider = wiring.notetaker()
    original = provider.create_bot

    def slow_create(*args, **kwargs):
        time.sleep(0.3)  # the other caller arrives while this bot is being created
        return original(*args, **kwargs)

    monkeypatch.setattr(provider, "create_bot", slow_create)
    now = datetime.now(UTC)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def attach():
        barrier.wait()
        try:
            results.append(schedule_notetaker(COMPANY_ID, BOOKING, now))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=attach) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert errors == []
    assert len({r.bot_id for r in results}) == 1
    assert sorted(r.already_scheduled for r in results) == [False, True]
    assert [e["action"] for e in notetaker_outbox()] == ["create"]


def test_a_provider_failure_is_a_502_and_the_next_call_schedules_the_bot(workspace):
    with_meet_link()
    OUTBOX.fail_next("notetaker.create")
    now = datetime.now(UTC)

    error = error_of(lambda: schedule_notetaker(COMPANY_ID, BOOKING, now))

    assert (error.status, error.code) == (502, "NOTETAKER_PROVIDER_ERROR")
    assert wiring.bookings().get(COMPANY_ID, BOOKING).notetaker_bot_id is None
    retry = schedule_notetaker(COMPANY_ID, BOOKING, now)
    assert retry.already_scheduled is False
    assert wiring.bookings().get(COMPANY_ID, BOOKING).notetaker_bot_id == retry.bot_id


def test_a_booking_cancelled_while_its_bot_is_created_gets_no_bot(workspace, monkeypatch):
    with_meet_link()
    provider = wiring.notetaker()
    original = provider.create_bot

    def create_while_cancelled(*args, **kwargs):
        bot_id = original(*args, **kwargs)
        booking = wiring.bookings().get(COMPANY_ID, BOOKING)
        wiring.bookings().save(booking.model_copy(update={"status": "cancelled"}))
        return bot_id

    monkeypatch.setattr(provider, "create_bot", create_while_cancelled)

    error = error_of(lambda: schedule_notetaker(COMPANY_ID, BOOKING, datetime.now(UTC)))

    assert error.code == "BOOKING_CANCELLED"
    assert [e["action"] for e in notetaker_outbox()] == ["create", "delete"]
    assert wiring.bookings().get(COMPANY_ID, BOOKING).notetaker_bot_id is None


def test_a_claim_abandoned_by_a_crashed_caller_is_taken_over_after_a_minute(workspace):
    with_meet_link()
    now = datetime.now(UTC)
    assert notetaker_records().claim(COMPANY_ID, BOOKING, "crashed", now - timedelta(minutes=2),
                                     now - timedelta(minutes=3))

    result = schedule_notetaker(COMPANY_ID, BOOKING, now)

    assert result.already_scheduled is False
    assert notetaker_records().get(COMPANY_ID, BOOKING).state == "scheduled"


def test_a_fresh_claim_held_by_another_caller_makes_a_waiting_caller_give_up_with_a_503(workspace, monkeypatch):
    from scheduling.services import notetaker

    with_meet_link()
    now = datetime.now(UTC)
    notetaker_records().claim(COMPANY_ID, BOOKING, "busy", now, now - timedelta(minutes=1))
    monkeypatch.setattr(notetaker, "WAIT_FOR_OTHER_CALLER_SECONDS", 0.05)

    error = error_of(lambda: schedule_notetaker(COMPANY_ID, BOOKING, now, sleep=lambda _: None))

    assert (error.status, error.code) == (503, "TEMPORARILY_UNAVAILABLE")


def test_the_openapi_document_describes_the_endpoint_its_answer_and_every_error_status():
    from scheduling.api.app import build_app
    from scheduling.api.routes.schedule_notetaker import router

    document = json.loads(build_app(router).get_openapi_json_schema())
    operation = document["paths"]["/scheduling-bookings/{booking_id}/notetaker"]["post"]
    assert {"200", "401", "403", "404", "409", "502", "503"} <= set(operation["responses"])
    schemas = document["components"]["schemas"]
    assert set(schemas["NotetakerScheduledOut"]["properties"]) == {
        "success", "bot_id", "already_scheduled", "join_at", "message"}
    assert set(schemas["CreditsMeta"]["properties"]) == {"credits_remaining"}
