"""Slot holds (contract §10) against the table: what a holder, other bookers and the company see.

Workspace: tests/support/seeds.py (Jane: Sydney weekdays 9-17; Sam: Perth Mondays 8-16). Free
Consultation = Jane, 30 min; Initial Assessment = Jane + Sam, round robin, 60 min, 15 min buffer
after. `now` is passed in explicitly, so expiry is tested at exact instants with no job run.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scheduling import wiring
from scheduling.errors import DomainError
from scheduling.repositories import keys
from scheduling.services import availability, holds
from scheduling.services.availability_queries import check_availability
from scheduling.services.booking_create import CreateBookingInput, create_booking
from scheduling.services.holds import HoldRequest, place_hold, release_hold
from scheduling.timezones import local_to_instant, parse_hhmm, resolve_timezone
from tests.integration.test_booking_create import commit_competing_booking, confirmed_bookings_at
from tests.integration.test_booking_reads import dynamodb_calls
from tests.support.seeds import ASSESSMENT_ID, COMPANY_ID, CONSULT_ID, JANE_ID, OTHER_COMPANY_ID, SAM_ID, next_weekday

SYDNEY = resolve_timezone("Australia/Sydney")
WEDNESDAY = next_weekday(2)
MONDAY_AFTER = next_weekday(0, weeks_ahead=2)


def now() -> datetime:
    return datetime.now(UTC)


def at(day, hhmm: str) -> datetime:  # noqa: ANN001
    return local_to_instant(day, parse_hhmm(hhmm), SYDNEY)


def hold_request(**overrides: Any) -> HoldRequest:
    values: dict[str, Any] = {"date": WEDNESDAY.isoformat(), "time": "10:00", "event_type_id": CONSULT_ID,
                              "timezone": "Australia/Sydney"}
    values.update(overrides)
    return HoldRequest(**values)


def hold(when: datetime | None = None, company_id: str = COMPANY_ID, **overrides: Any):  # noqa: ANN201
    return place_hold(company_id, hold_request(**overrides), when or now())


def booking_request(**overrides: Any) -> CreateBookingInput:
    values: dict[str, Any] = {"date": WEDNESDAY.isoformat(), "time": "10:00", "full_name": "Sarah Jones",
                              "email": "sarah@example.com", "event_type_id": CONSULT_ID, "timezone": "Australia/Sydney"}
    values.update(overrides)
    return CreateBookingInput(**values)


def book(when: datetime | None = None, **overrides: Any):  # noqa: ANN201
    return create_booking(COMPANY_ID, booking_request(**overrides), when or now()).booking


def refused(action, *args: Any, **kwargs: Any) -> DomainError:  # noqa: ANN001
    with pytest.raises(DomainError) as caught:
        action(*args, **kwargs)
    return caught.value


def free_starts(event_type_id: str, day, when: datetime) -> list[datetime]:  # noqa: ANN001
    config = wiring.companies().load_config(COMPANY_ID)
    event_type = next(e for e in config.event_types if e.id == event_type_id)
    window = availability.TimeRange(at(day, "00:00"), at(day, "23:59"))
    return [s.start for s in availability.slots(availability.load_snapshot(config, event_type, window, when))]


# ── a hold takes the slot for its host, and only while it lives ─────────────────────────────


def test_a_hold_answers_its_slot_host_and_expiry_and_is_stored_with_the_ledger(workspace) -> None:
    moment = now()
    utc_day = at(WEDNESDAY, "10:00").astimezone(UTC).date()
    [before] = wiring.bookings().read_ledger(COMPANY_ID, JANE_ID, [utc_day]).values()
    placed = hold(moment, expires_in_seconds=120, email="sarah@example.com")

    assert placed.host_user_ids == [JANE_ID] and placed.starts_at == at(WEDNESDAY, "10:00")
    assert placed.ends_at - placed.starts_at == timedelta(minutes=30)
    assert placed.expires_at == (moment + timedelta(seconds=120)).replace(microsecond=0)
    data = holds.hold_json(placed)
    assert data["starts_at"].endswith(("+11:00", "+10:00")) and data["hold_id"] == placed.id
    [ledger_day] = wiring.bookings().read_ledger(COMPANY_ID, JANE_ID, [utc_day]).values()
    assert set(ledger_day.holds) == {placed.id} and ledger_day.version == before.version + 1
    assert ledger_day.ranges == before.ranges


def test_while_a_hold_lives_nobody_else_is_offered_or_can_book_or_hold_its_slot(workspace) -> None:
    moment = now()
    hold(moment)

    assert at(WEDNESDAY, "10:00") not in free_starts(CONSULT_ID, WEDNESDAY, moment)
    assert at(WEDNESDAY, "10:30") in free_starts(CONSULT_ID, WEDNESDAY, moment)
    booking_error = refused(book, moment)
    assert booking_error.code == "SLOT_UNAVAILABLE" and booking_error.details["reason"] == "held"
    assert booking_error.details["alternatives"]
    hold_error = refused(hold, moment)
    assert hold_error.code == "SLOT_UNAVAILABLE" and hold_error.details["reason"] == "held"
    # Initial Assessment on a Wednesday is Jane's alone (Sam works Mondays): 09:30-10:30 meets the hold
    overlapping = refused(hold, moment, event_type_id=ASSESSMENT_ID, time="09:30")
    assert overlapping.details["reason"] == "held"
    check = check_availability(COMPANY_ID, date_value=WEDNESDAY.isoformat(), time_value="10:00",
                               timezone_name="Australia/Sydney", now=moment, event_type_id=CONSULT_ID)
    assert check.reason == "held"


def test_at_expires_at_the_slot_is_free_again_with_no_job_run(workspace) -> None:
    moment = now()
    placed = hold(moment, expires_in_seconds=30)
    just_before = placed.expires_at - timedelta(microseconds=1)

    assert refused(book, just_before).details["reason"] == "held"
    assert at(WEDNESDAY, "10:00") in free_starts(CONSULT_ID, WEDNESDAY, placed.expires_at)
    booking = book(placed.expires_at)
    assert booking.host_user_ids == [JANE_ID]
    # the expired range was dropped from the ledger by that write: no TTL, no job
    [ledger_day] = wiring.bookings().read_ledger(
        COMPANY_ID, JANE_ID, [placed.starts_at.astimezone(UTC).date()]).values()
    assert ledger_day.holds == {} and booking.id in ledger_day.ranges


def test_an_expired_hold_cannot_be_used_and_never_books_another_time(workspace) -> None:
    moment = now()
    placed = hold(moment, expires_in_seconds=30)

    error = refused(book, placed.expires_at, hold_id=placed.id)
    assert error.code == "HOLD_EXPIRED" and error.status == 410 and error.details["state"] == "expired"
    assert confirmed_bookings_at(placed.starts_at) == []


def test_released_hold_frees_the_slot_at_once_and_cannot_be_released_or_used_again(workspace) -> None:
    moment = now()
    placed = hold(moment)

    released = release_hold(COMPANY_ID, placed.id, moment)
    assert released.status == "released"
    assert at(WEDNESDAY, "10:00") in free_starts(CONSULT_ID, WEDNESDAY, moment)
    again = refused(release_hold, COMPANY_ID, placed.id, moment)
    assert again.code == "HOLD_EXPIRED" and again.details["state"] == "released"
    assert refused(book, moment, hold_id=placed.id).code == "HOLD_EXPIRED"
    assert book(moment).host_user_ids == [JANE_ID]


# ── the holder books through, in one transaction that consumes the hold ──────────────────────


def test_the_holders_create_with_hold_id_books_the_held_slot_and_consumes_the_hold(workspace) -> None:
    moment = now()
    placed = hold(moment, email="sarah@example.com")

    booking = book(moment, hold_id=placed.id)
    assert booking.starts_at == placed.starts_at and booking.host_user_ids == [JANE_ID]
    stored = holds.hold_repository().get(COMPANY_ID, placed.id)
    assert stored.status == "consumed" and stored.booking_id == booking.id
    [ledger_day] = wiring.bookings().read_ledger(
        COMPANY_ID, JANE_ID, [placed.starts_at.astimezone(UTC).date()]).values()
    assert ledger_day.holds == {} and booking.id in ledger_day.ranges
    second = refused(book, moment, hold_id=placed.id, email="other@example.com")
    assert second.code == "HOLD_EXPIRED" and second.details["state"] == "consumed"
    assert second.details["booking_id"] == booking.id
    assert [b.id for b in confirmed_bookings_at(placed.starts_at)] == [booking.id]


def test_a_create_through_a_hold_makes_the_same_dynamodb_calls_as_any_create(workspace) -> None:
    moment = now()
    placed = hold(moment)

    with dynamodb_calls() as through_hold:
        book(moment, hold_id=placed.id, email="first.time@example.com")
    with dynamodb_calls() as plain:
        book(moment, time="11:00", email="another.first.time@example.com")

    def operations(calls: list[tuple[str, str]]) -> Counter[str]:
        return Counter(name for name, _ in calls)

    # The hold is read in the create's BatchGetItem and consumed in its one transaction; the 3
    # UpdateItems are the create's own side-effect marks (event id onto the booking, calendar
    # insert done, confirmation email done), none of them about the hold.
    assert operations(through_hold) == operations(plain) == Counter(
        {"Query": 1, "BatchGetItem": 1, "TransactWriteItems": 1, "UpdateItem": 3})
    assert not any("HOLD#" in body for name, body in through_hold if name == "UpdateItem")
    assert any(f"HOLD#{placed.id}" in body for name, body in through_hold if name == "TransactWriteItems")


def test_a_hold_id_for_another_time_event_type_or_booker_is_refused_not_moved(workspace) -> None:
    moment = now()
    placed = hold(moment, email="sarah@example.com")

    other_time = refused(book, moment, hold_id=placed.id, time="11:00")
    assert other_time.code == "HOLD_MISMATCH" and other_time.details["mismatch"] == ["start"]
    other_booker = refused(book, moment, hold_id=placed.id, email="mallory@example.com")
    assert other_booker.code == "HOLD_MISMATCH" and other_booker.details["mismatch"] == ["email"]
    assert confirmed_bookings_at(at(WEDNESDAY, "11:00")) == []
    assert holds.hold_repository().get(COMPANY_ID, placed.id).status == "held"


def test_an_unknown_hold_id_is_not_found(workspace) -> None:
    error = refused(book, now(), hold_id="no-such-hold")
    assert error.code == "NOT_FOUND" and error.status == 404
    assert refused(release_hold, COMPANY_ID, "no-such-hold", now()).code == "NOT_FOUND"


# ── round robin: the host is picked at hold time; a hold never blocks another host ──────────


def test_round_robin_picks_the_host_at_hold_time_and_others_still_get_the_other_host(workspace) -> None:
    moment = now()
    placed = hold(moment, event_type_id=ASSESSMENT_ID, date=MONDAY_AFTER.isoformat(), time="11:00")
    [held_host] = placed.host_user_ids
    other_host = SAM_ID if held_host == JANE_ID else JANE_ID

    someone_else = book(moment, event_type_id=ASSESSMENT_ID, date=MONDAY_AFTER.isoformat(), time="11:00",
                        email="other@example.com")
    assert someone_else.host_user_ids == [other_host]
    # both hosts now taken at 11:00: the reason names the hold, the furthest reason down the list
    assert refused(book, moment, event_type_id=ASSESSMENT_ID, date=MONDAY_AFTER.isoformat(),
                   time="11:00", email="third@example.com").details["reason"] == "held"
    holder = book(moment, event_type_id=ASSESSMENT_ID, date=MONDAY_AFTER.isoformat(), time="11:00",
                  hold_id=placed.id)
    assert holder.host_user_ids == [held_host]


def test_a_hold_on_one_host_leaves_another_event_type_of_another_host_free(workspace) -> None:
    moment = now()
    placed = hold(moment, event_type_id=ASSESSMENT_ID, date=MONDAY_AFTER.isoformat(), time="11:00")
    assert placed.host_user_ids
    for host in {JANE_ID, SAM_ID} - set(placed.host_user_ids):
        day = wiring.bookings().read_ledger(COMPANY_ID, host, [placed.starts_at.astimezone(UTC).date()])
        assert all(not d.holds for d in day.values())


# ── races: the ledger's conditions decide, not timing ───────────────────────────────────────


def test_a_booking_committed_between_a_holds_read_and_write_wins_and_the_hold_is_refused(workspace, monkeypatch) -> None:
    start = at(WEDNESDAY, "10:00")
    real_load = availability.load_snapshot
    calls: list[int] = []

    def load_then_lose(*args: Any, **kwargs: Any):  # noqa: ANN202
        snapshot = real_load(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            commit_competing_booking(JANE_ID, start)
        return snapshot

    monkeypatch.setattr(availability, "load_snapshot", load_then_lose)
    error = refused(hold, now())
    assert error.code == "SLOT_UNAVAILABLE" and error.details["reason"] == "booked"
    assert holds.hold_repository().get(COMPANY_ID, "x") is None


def test_a_hold_committed_between_a_creates_read_and_write_wins_and_the_create_is_refused(workspace, monkeypatch) -> None:
    real_load = availability.load_snapshot
    placed: list[Any] = []

    def load_then_lose(*args: Any, **kwargs: Any):  # noqa: ANN202
        snapshot = real_load(*args, **kwargs)
        if not placed:
            monkeypatch.setattr(availability, "load_snapshot", real_load)
            placed.append(hold())
        return snapshot

    monkeypatch.setattr(availability, "load_snapshot", load_then_lose)
    error = refused(book, now())
    assert error.code == "SLOT_UNAVAILABLE" and error.details["reason"] == "held"
    assert confirmed_bookings_at(at(WEDNESDAY, "10:00")) == []


def test_a_hold_committed_between_another_holds_read_and_write_wins(workspace, monkeypatch) -> None:
    real_load = availability.load_snapshot
    placed: list[Any] = []

    def load_then_lose(*args: Any, **kwargs: Any):  # noqa: ANN202
        snapshot = real_load(*args, **kwargs)
        if not placed:
            monkeypatch.setattr(availability, "load_snapshot", real_load)
            placed.append(hold(event_type_id=ASSESSMENT_ID, time="09:30"))
        return snapshot

    monkeypatch.setattr(availability, "load_snapshot", load_then_lose)
    error = refused(hold, now())
    assert error.code == "SLOT_UNAVAILABLE" and error.details["reason"] == "held"


def test_a_hold_on_another_time_that_day_only_makes_the_create_retry(workspace, monkeypatch) -> None:
    real_load = availability.load_snapshot
    placed: list[Any] = []

    def load_then_other_time_held(*args: Any, **kwargs: Any):  # noqa: ANN202
        snapshot = real_load(*args, **kwargs)
        if not placed:
            monkeypatch.setattr(availability, "load_snapshot", real_load)
            placed.append(hold(time="12:00"))  # the same UTC day as 11:00 in summer and winter
        return snapshot

    monkeypatch.setattr(availability, "load_snapshot", load_then_other_time_held)
    booking = book(now(), time="11:00")
    assert booking.starts_at == at(WEDNESDAY, "11:00")
    [ledger_day] = wiring.bookings().read_ledger(
        COMPANY_ID, JANE_ID, [booking.starts_at.astimezone(UTC).date()]).values()
    assert set(ledger_day.holds) == {placed[0].id} and booking.id in ledger_day.ranges


def test_a_voice_calls_hold_also_only_retries_when_another_time_that_day_was_booked(workspace, monkeypatch) -> None:
    real_load = availability.load_snapshot
    loads: list[int] = []

    def counted(*args: Any, **kwargs: Any):  # noqa: ANN202
        loads.append(1)
        return real_load(*args, **kwargs)

    def load_then_other_time_booked(*args: Any, **kwargs: Any):  # noqa: ANN202
        snapshot = counted(*args, **kwargs)
        monkeypatch.setattr(availability, "load_snapshot", real_load)
        book(time="12:00", email="meanwhile@example.com")
        monkeypatch.setattr(availability, "load_snapshot", counted)
        return snapshot

    monkeypatch.setattr(availability, "load_snapshot", load_then_other_time_booked)
    placed = hold(time="11:00", call_id="call_fast_retry")
    # the call's pointer rides after the ledger days, so a moved version is a re-read of that day,
    # not a whole re-plan (which would load the snapshot again)
    assert placed.starts_at == at(WEDNESDAY, "11:00") and len(loads) == 1
    assert holds.hold_repository().call_hold_id(COMPANY_ID, "call_fast_retry") == placed.id


def _race(actions: list) -> tuple[list[Any], list[DomainError]]:  # noqa: ANN001
    barrier = threading.Barrier(len(actions))
    won: list[Any] = []
    lost: list[DomainError] = []
    lock = threading.Lock()

    def run(action) -> None:  # noqa: ANN001
        barrier.wait()
        try:
            result = action()
        except DomainError as error:
            with lock:
                lost.append(error)
        else:
            with lock:
                won.append(result)

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, lost


def test_twenty_concurrent_holds_and_creates_for_one_slot_have_exactly_one_winner(workspace) -> None:
    moment = now()
    actions = []
    for n in range(20):
        if n % 2:
            actions.append(lambda: hold(moment))
        else:
            actions.append(lambda n=n: book(moment, email=f"racer{n}@example.com"))
    won, lost = _race(actions)

    assert len(won) == 1, [e.code for e in lost]
    assert len(lost) == 19 and {e.code for e in lost} == {"SLOT_UNAVAILABLE"}
    assert {e.details["reason"] for e in lost} <= {"held", "booked"}
    [ledger_day] = wiring.bookings().read_ledger(COMPANY_ID, JANE_ID, [at(WEDNESDAY, "10:00").astimezone(UTC).date()]).values()
    taken_at_ten = [r for r in ledger_day.taken(moment) if r.start == at(WEDNESDAY, "10:00")]
    assert len(taken_at_ten) == 1


def test_twenty_concurrent_creates_through_one_hold_book_it_once(workspace) -> None:
    moment = now()
    placed = hold(moment)
    won, lost = _race([lambda n=n: book(moment, hold_id=placed.id, email=f"racer{n}@example.com")
                       for n in range(20)])
    assert len(won) == 1 and len(lost) == 19
    assert {e.code for e in lost} <= {"HOLD_EXPIRED", "SLOT_UNAVAILABLE"}
    assert len(confirmed_bookings_at(placed.starts_at)) == 1


# ── tenancy and input bounds ──────────────────────────────────────────────────────────────────


def test_another_companys_hold_is_not_found_and_blocks_nothing_there(workspace) -> None:
    moment = now()
    placed = hold(moment)
    assert refused(release_hold, OTHER_COMPANY_ID, placed.id, moment).code == "NOT_FOUND"
    assert holds.hold_repository().get(OTHER_COMPANY_ID, placed.id) is None
    item = wiring.table().get_item(Key={"PK": keys.company_pk(COMPANY_ID), "SK": keys.hold_sk(placed.id)})["Item"]
    assert item["status"] == "held"


@pytest.mark.parametrize("seconds", [29, 901, 0, -5, 30.5, "300", True])
def test_expires_in_seconds_outside_30_to_900_is_a_validation_error(workspace, seconds) -> None:
    error = refused(hold, now(), expires_in_seconds=seconds)
    assert error.code == "VALIDATION_ERROR" and error.details["field"] == "expires_in_seconds"


@pytest.mark.parametrize("seconds", [30, 900])
def test_expires_in_seconds_bounds_are_accepted(workspace, seconds) -> None:
    moment = now()
    assert hold(moment, expires_in_seconds=seconds).expires_at == (moment + timedelta(seconds=seconds)).replace(
        microsecond=0)


def test_start_time_instead_of_date_and_time(workspace) -> None:
    start = at(WEDNESDAY, "10:00")
    placed = hold(now(), date=None, time=None, start_time=start.astimezone(UTC).isoformat())
    assert placed.starts_at == start
