"""What a create reads (issue #5) and that reading less changes nothing a booker or company sees.

A create reads the company's configuration with ONE Query (`CompanyRepository.load_config`), then
ONE BatchGetItem of the hosts' ledger days and the booker's CRM pointers, then the contact's GetItem
for a returning booker: at most 3 reads. The booking commits with everything it writes in ONE
TransactWriteItems (the only one that touches the ledger).

Workspace: tests/support/seeds.py (Jane: Sydney weekdays 9-17 from the company default hours,
14:00 bookings every weekday of next week and Monday after; Sam: Perth Mondays 8-16).
Free Consultation = Jane only; Initial Assessment = Jane + Sam, round robin.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scheduling import wiring
from scheduling.domain.models import Booking
from scheduling.errors import DomainError, NotFound
from scheduling.repositories import keys
from scheduling.repositories.bookings import LedgerConflict, buffered_range, utc_days
from scheduling.services import availability_admin, event_type_admin
from scheduling.services.booking_create import CreateBookingInput, create_booking
from scheduling.services.users import create_user
from scheduling.services.webhooks import on_delivery_thread
from tests.support.seeds import (
    ASSESSMENT_ID,
    COMPANY_ID,
    CONSULT_ID,
    JANE_ID,
    OTHER_COMPANY_ID,
    SAM_ID,
    SYDNEY,
    next_weekday,
)

READS = ("GetItem", "Query", "BatchGetItem", "Scan")
WEDNESDAY = next_weekday(2)
MONDAY_AFTER = next_weekday(0, weeks_ahead=2)


@contextmanager
def dynamodb_calls() -> Iterator[list[tuple[str, str]]]:
    """(operation, request body) of every call the repositories' client makes meanwhile."""
    calls: list[tuple[str, str]] = []
    events = wiring.table().meta.client.meta.events

    def record(model: Any, params: Any, **_: Any) -> None:
        if not on_delivery_thread():  # webhook fan-out runs beside the request (docs/webhooks.md)
            calls.append((model.name, str(params.get("body", ""))))

    events.register("before-call.dynamodb", record)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb", record)


def reads(calls: list[tuple[str, str]]) -> dict[str, int]:
    return dict(Counter(name for name, _ in calls if name in READS))


def ledger_transactions(calls: list[tuple[str, str]]) -> int:
    return sum(1 for name, body in calls if name == "TransactWriteItems" and "HOST_DAY#" in body)


def ledger_keys_read(calls: list[tuple[str, str]]) -> int:
    return sum(body.count("HOST_DAY#") for name, body in calls if name == "BatchGetItem")


def book(email: str = "sarah@example.com", **overrides: Any) -> Booking:
    values: dict[str, Any] = {
        "date": WEDNESDAY.isoformat(), "time": "10:00", "full_name": "Sarah Jones", "email": email,
        "phone": "0412 345 678", "company_name": "Jones Family Trust", "event_type_id": CONSULT_ID,
        "timezone": "Australia/Sydney"}
    values.update(overrides)
    return create_booking(COMPANY_ID, CreateBookingInput(**values), datetime.now(UTC)).booking


# ── calls per create ─────────────────────────────────────────────────────────────────────────


def test_a_new_bookers_create_is_one_query_one_batch_read_and_one_transaction(workspace) -> None:
    with dynamodb_calls() as calls:
        book()
    assert reads(calls) == {"Query": 1, "BatchGetItem": 1}
    assert ledger_transactions(calls) == 1
    assert ledger_keys_read(calls) == 1  # one host, one UTC day: not the host's whole week


def test_a_returning_bookers_create_adds_only_the_contacts_get_item(workspace) -> None:
    book()
    with dynamodb_calls() as calls:
        again = book(time="11:00")
    assert reads(calls) == {"Query": 1, "BatchGetItem": 1, "GetItem": 1}
    assert ledger_transactions(calls) == 1
    assert again.contact_id == wiring.crm().snapshot([COMPANY_ID])["contacts"][0]["id"]


@pytest.mark.parametrize("returning", [False, True], ids=["new booker", "returning booker"])
def test_round_robin_reads_both_hosts_weeks_in_the_same_batch_read(workspace, returning: bool) -> None:
    if returning:
        book()
    with dynamodb_calls() as calls:
        booking = book(event_type_id=ASSESSMENT_ID, date=MONDAY_AFTER.isoformat(), time="11:00")
    assert reads(calls) == ({"Query": 1, "BatchGetItem": 1, "GetItem": 1} if returning
                            else {"Query": 1, "BatchGetItem": 1})
    assert ledger_transactions(calls) == 1
    # Sydney's local week (Monday to Monday) touches 8 UTC dates; round robin counts it per host.
    assert ledger_keys_read(calls) == 2 * 8
    assert booking.host_user_ids == [SAM_ID]


def test_round_robin_counts_bookings_on_other_days_of_the_week_read_in_the_batch(workspace) -> None:
    # Given: Sam has two bookings later that week (Tuesday and Wednesday), Jane one (Monday 14:00).
    for day in (1, 2):
        start = datetime.combine(MONDAY_AFTER + timedelta(days=day), datetime.min.time(), SYDNEY) + timedelta(hours=9)
        commit_booking(SAM_ID, start)
    # When a round robin booking is made on Monday, when both are free
    booking = book(event_type_id=ASSESSMENT_ID, date=MONDAY_AFTER.isoformat(), time="11:00")
    # Then it goes to Jane, who has fewer bookings that week, though not on that day.
    assert booking.host_user_ids == [JANE_ID]


def commit_booking(host_id: str, start: datetime) -> None:
    moment = datetime.now(UTC)
    other = Booking(
        id=str(uuid.uuid4()), company_id=COMPANY_ID, event_type_id=CONSULT_ID, event_type_name="Free Consultation",
        host_user_ids=[host_id], starts_at=start, ends_at=start + timedelta(minutes=30), timezone="Australia/Sydney",
        booker_name="Someone Else", booker_email="else@example.com", created_at=moment, updated_at=moment)
    repo = wiring.bookings()
    ledger, _ = repo.read_ledger_days(COMPANY_ID, {host_id: utc_days(buffered_range(other))})
    repo.insert(other, list(ledger[host_id].values()))


# ── the batched ledger read still guards ────────────────────────────────────────────────────


def test_ledger_days_read_in_a_batch_carry_versions_that_make_a_stale_write_fail(workspace) -> None:
    noon = datetime.combine(WEDNESDAY, datetime.min.time(), SYDNEY) + timedelta(hours=12)
    ours = jane_booking(noon + timedelta(hours=2))
    days = utc_days(buffered_range(ours))
    pointer = (keys.company_pk(COMPANY_ID), "CONTACT_EMAIL#nobody@example.com")
    stale, extra = wiring.bookings().read_ledger_days(COMPANY_ID, {JANE_ID: days}, also=[pointer])
    assert extra == {}  # keys that do not exist are left out

    commit_booking(JANE_ID, noon)  # someone books another time that day after our read
    fresh, _ = wiring.bookings().read_ledger_days(COMPANY_ID, {JANE_ID: days})
    assert [fresh[JANE_ID][d].version for d in days] == [stale[JANE_ID][d].version + 1 for d in days]

    with pytest.raises(LedgerConflict) as conflict:  # checked against what we read before: refused
        wiring.bookings().insert(ours, [stale[JANE_ID][d] for d in days])
    assert set(conflict.value.failed_indexes) <= set(range(1, len(days) + 1))
    wiring.bookings().insert(ours, [fresh[JANE_ID][d] for d in days])  # the fresh versions commit


def test_a_day_never_booked_reads_as_version_zero_and_its_first_booking_creates_it(workspace) -> None:
    quiet = datetime.combine(WEDNESDAY + timedelta(weeks=3), datetime.min.time(), SYDNEY) + timedelta(hours=12)
    ours = jane_booking(quiet)
    days = utc_days(buffered_range(ours))
    ledger, _ = wiring.bookings().read_ledger_days(COMPANY_ID, {JANE_ID: days})
    assert [ledger[JANE_ID][d].version for d in days] == [0] * len(days)
    commit_booking(JANE_ID, quiet + timedelta(hours=1))
    with pytest.raises(LedgerConflict):  # "never booked" is a condition too (attribute_not_exists)
        wiring.bookings().insert(ours, [ledger[JANE_ID][d] for d in days])


def jane_booking(start: datetime) -> Booking:
    moment = datetime.now(UTC)
    return Booking(
        id=str(uuid.uuid4()), company_id=COMPANY_ID, event_type_id=CONSULT_ID, event_type_name="Free Consultation",
        host_user_ids=[JANE_ID], starts_at=start, ends_at=start + timedelta(minutes=30), timezone="Australia/Sydney",
        booker_name="Late", booker_email="late@example.com", created_at=moment, updated_at=moment)


# ── the configuration: one Query, and what the configuration API writes is seen at once ─────


def test_load_config_reads_company_hours_users_and_event_types_with_one_query(workspace) -> None:
    with dynamodb_calls() as calls:
        config = wiring.companies().load_config(COMPANY_ID)
    assert [name for name, _ in calls] == ["Query"]
    assert config.company.slug == "harbour-physio"
    assert config.availability is not None and config.availability.timezone == "Australia/Sydney"
    assert {u.id for u in config.users} == {JANE_ID, SAM_ID}
    assert {e.id for e in config.event_types} == {CONSULT_ID, ASSESSMENT_ID}
    assert config.event_type(CONSULT_ID).name == "Free Consultation" and config.user(SAM_ID).name
    assert config.event_type("no-such-id") is None
    assert OTHER_COMPANY_ID not in {e.company_id for e in config.event_types}


def test_load_config_reads_every_page(workspace, monkeypatch) -> None:
    table = wiring.table()
    original = table.query
    monkeypatch.setattr(table, "query", lambda **kwargs: original(**{**kwargs, "Limit": 1}))
    config = wiring.companies().load_config(COMPANY_ID)
    assert (len(config.users), len(config.event_types), config.availability is not None) == (2, 2, True)


def test_load_config_of_an_unknown_company_is_not_found(workspace) -> None:
    with pytest.raises(NotFound):
        wiring.companies().load_config(str(uuid.uuid4()))


def test_an_event_type_created_through_the_admin_service_is_booked_by_the_next_create(workspace) -> None:
    created = event_type_admin.create_event_type(COMPANY_ID, {
        "name": "Follow-up Call", "default_duration_minutes": 20, "booking_assigned_user_ids": [JANE_ID]},
        datetime.now(UTC))
    booking = book(event_type_id=None, event_type_slug="follow-up-call", time="11:00")
    assert (booking.event_type_id, booking.ends_at - booking.starts_at) == (created.id, timedelta(minutes=20))

    event_type_admin.update_event_type(COMPANY_ID, created.id, {"is_active": False}, datetime.now(UTC))
    with pytest.raises(DomainError) as refused:
        book(event_type_id=created.id, time="12:00", email="next@example.com")
    assert refused.value.code == "EVENT_TYPE_NOT_FOUND"


def test_new_company_hours_and_a_new_host_are_used_by_the_next_create(workspace) -> None:
    # Jane follows the company default hours: close Wednesdays, and the next create is refused.
    availability_admin.put_availability(COMPANY_ID, "me", {
        "timezone": "Australia/Sydney",
        "weekly_hours": [{"day": d, "start": "09:00", "end": "17:00"} for d in (1, 2, 4, 5)]})
    with pytest.raises(DomainError) as refused:
        book()
    assert refused.value.details["reason"] == "outside_hours"

    host = create_user(COMPANY_ID, "Nia", "nia@harbourphysio.example")
    availability_admin.put_availability(COMPANY_ID, host.id, {
        "timezone": "Australia/Sydney", "weekly_hours": [{"day": 3, "start": "09:00", "end": "17:00"}]})
    event_type_admin.update_event_type(COMPANY_ID, CONSULT_ID, {"booking_assigned_user_ids": [JANE_ID, host.id]},
                                       datetime.now(UTC))
    assert book().host_user_ids == [host.id]
