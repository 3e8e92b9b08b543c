"""Configuring event types through the service (contract §7): defaults, checks, slugs, delete."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from scheduling import wiring
from scheduling.errors import DomainError
from scheduling.services import event_type_admin as admin
from tests.support.seeds import (
    ASSESSMENT_ID,
    COMPANY_ID,
    CONSULT_ID,
    JANE_ID,
    OTHER_COMPANY_ID,
    OTHER_EVENT_TYPE_ID,
    SAM_ID,
    booking_id,
)

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def error_of(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


def create(**fields):
    body = {"name": "Follow-up Call", "default_duration_minutes": 20, **fields}
    return admin.create_event_type(COMPANY_ID, body, NOW)


def test_a_new_event_type_takes_the_contract_defaults_and_a_slug_from_its_name(workspace):
    created = create()
    assert (created.slug, created.name, created.default_duration_minutes) == ("follow-up-call", "Follow-up Call", 20)
    assert (created.buffer_before_minutes, created.buffer_after_minutes, created.min_notice_hours) == (0, 0, 0)
    assert (created.max_advance_days, created.interval_minutes) == (60, 20)
    assert created.is_bookable and created.is_active and created.booking_assigned_user_ids == []
    assert (created.scheduling_type, created.location, created.booking_deal_behavior) == (
        "round_robin", "google_meet", "create")
    assert created.booking_notifications.model_dump() == {
        "pre_meeting": [], "meeting_start": [], "late": [], "no_show": [], "rebooking": []}
    assert admin.get_event_type(COMPANY_ID, created.id) == created


@pytest.mark.parametrize(("name", "slug"), [
    ("Free Consultation (30 min)", "free-consultation-30-min"),
    ("  Café  Crème -- Tasting ", "cafe-creme-tasting"),
    ("Ölçüm & Değerlendirme", "olcum-degerlendirme"),
])
def test_slugs_are_made_from_names_in_lowercase_ascii_with_hyphens(name, slug):
    assert admin.slug_from_name(name) == slug


def test_a_name_without_latin_letters_still_gets_a_usable_slug(workspace):
    assert create(name="日本語").slug.startswith("event-type-")


def test_a_slug_already_used_in_the_company_is_409_conflict_whether_sent_or_generated(workspace):
    sent = error_of(create, **{"slug": "free-consultation"})
    generated = error_of(create, **{"name": "Free Consultation"})
    for error in (sent, generated):
        assert (error.status, error.code) == (409, "CONFLICT")
        assert error.details["existing_event_type_id"] == CONSULT_ID


def test_the_same_slug_in_another_company_is_fine(workspace):
    assert admin.create_event_type(OTHER_COMPANY_ID, {"name": "Follow-up Call", "default_duration_minutes": 20},
                                   NOW).slug == create().slug == "follow-up-call"


def test_of_two_concurrent_creates_with_one_slug_exactly_one_wins(workspace):
    outcomes: list[object] = []
    gate = threading.Barrier(4)

    def attempt(n: int) -> None:
        gate.wait()
        try:
            outcomes.append(create(name=f"Racer {n}", slug="race"))
        except DomainError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o if isinstance(o, str) else "created" for o in outcomes) == ["CONFLICT"] * 3 + ["created"]
    assert [e.slug for e in wiring.companies().list_event_types(COMPANY_ID)].count("race") == 1


@pytest.mark.parametrize(("fields", "field"), [
    ({"default_duration_minutes": 0}, "default_duration_minutes"),
    ({"default_duration_minutes": 24 * 60 + 1}, "default_duration_minutes"),
    ({"slot_interval_minutes": 0}, "slot_interval_minutes"),
    ({"buffer_before_minutes": -5}, "buffer_before_minutes"),
    ({"buffer_after_minutes": 2000}, "buffer_after_minutes"),
    ({"min_notice_hours": -1}, "min_notice_hours"),
    ({"max_advance_days": 4000}, "max_advance_days"),
    ({"slug": "Not A Slug!"}, "slug"),
    ({"name": "   "}, "name"),
    ({"location": "zoom"}, "location"),
    ({"booking_deal_name_template": "{event_type} for {customer_email}"}, "booking_deal_name_template"),
    ({"booking_notifications": {"pre_meeting": [{"channels": ["fax"]}]}},
     "booking_notifications.pre_meeting.0.channels.0"),
    ({"colour": "blue"}, "colour"),
])
def test_bad_values_are_validation_errors_naming_the_field_and_what_fits(aws, fields, field):
    error = error_of(create, **fields)
    assert (error.status, error.code, error.details["field"]) == (400, "VALIDATION_ERROR", field)
    assert error.details["expected"]


@pytest.mark.parametrize("location", ["online", "teams"])
def test_the_online_and_teams_locations_of_contract_11_are_accepted(workspace, location):
    assert create(location=location).location == location


def test_hosts_must_be_users_of_the_company_and_the_error_names_the_host(workspace):
    olive = "8d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c09"  # a user of the other company
    error = error_of(create, **{"booking_assigned_user_ids": [JANE_ID, olive]})
    assert error.code == "VALIDATION_ERROR"
    assert error.details["field"] == "booking_assigned_user_ids.1" and error.details["host_id"] == olive
    assert olive in error.message


def test_a_missing_name_or_duration_is_missing_fields(aws):
    error = error_of(admin.create_event_type, COMPANY_ID, {"description": "no name"}, NOW)
    assert (error.code, error.details["fields"]) == ("MISSING_FIELDS", ["name", "default_duration_minutes"])


def test_a_patch_changes_only_the_fields_sent_and_null_restores_the_interval_default(workspace):
    created = create(slot_interval_minutes=15, description="Short call", booking_assigned_user_ids=[SAM_ID, SAM_ID])
    assert created.booking_assigned_user_ids == [SAM_ID]
    later = datetime(2026, 11, 26, tzinfo=UTC)
    updated = admin.update_event_type(COMPANY_ID, created.id, {"default_duration_minutes": 45,
                                                                "slot_interval_minutes": None}, later)
    assert (updated.default_duration_minutes, updated.interval_minutes, updated.description) == (45, 45, "Short call")
    assert (updated.created_at, updated.updated_at) == (NOW, later)
    assert admin.get_event_type(COMPANY_ID, created.id) == updated


def test_renaming_a_slug_frees_the_old_one_and_taking_a_used_one_is_409(workspace):
    created = create(slug="call")
    admin.update_event_type(COMPANY_ID, created.id, {"slug": "quick-call"}, NOW)
    assert create(name="Another", slug="call").slug == "call"
    error = error_of(admin.update_event_type, COMPANY_ID, created.id, {"slug": "initial-assessment"}, NOW)
    assert error.code == "CONFLICT"
    assert admin.get_event_type(COMPANY_ID, created.id).slug == "quick-call"


def test_required_fields_cannot_be_cleared_by_a_patch(workspace):
    error = error_of(admin.update_event_type, COMPANY_ID, CONSULT_ID, {"name": None}, NOW)
    assert (error.code, error.details["field"]) == ("VALIDATION_ERROR", "name")


def test_changing_an_event_type_leaves_existing_bookings_as_they_were_booked(workspace):
    before = wiring.bookings().get(COMPANY_ID, booking_id(0))
    admin.update_event_type(COMPANY_ID, CONSULT_ID, {"name": "Paid Consultation", "default_duration_minutes": 90,
                                                     "buffer_after_minutes": 30}, NOW)
    after = wiring.bookings().get(COMPANY_ID, booking_id(0))
    assert after == before
    assert (after.event_type_name, after.duration_minutes, after.buffer_after_minutes) == ("Free Consultation", 30, 0)


def test_deleting_an_event_type_with_bookings_only_deactivates_it(workspace):
    outcome = admin.delete_event_type(COMPANY_ID, CONSULT_ID, NOW)
    assert outcome.action == "deactivated" and outcome.event_type.is_active is False
    assert admin.get_event_type(COMPANY_ID, CONSULT_ID).is_active is False
    assert admin.delete_event_type(COMPANY_ID, CONSULT_ID, NOW).action == "deactivated"
    assert error_of(create, **{"slug": "free-consultation"}).code == "CONFLICT"


def test_deleting_an_event_type_without_bookings_removes_it_and_frees_its_slug(workspace):
    assert admin.delete_event_type(COMPANY_ID, ASSESSMENT_ID, NOW).action == "deleted"
    assert error_of(admin.get_event_type, COMPANY_ID, ASSESSMENT_ID).code == "NOT_FOUND"
    assert create(name="Initial Assessment").slug == "initial-assessment"
    fresh = create()
    admin.delete_event_type(COMPANY_ID, fresh.id, NOW)
    assert create().slug == "follow-up-call"


def test_another_companys_event_type_is_not_found_for_read_change_or_delete(workspace):
    for call, args in [(admin.get_event_type, ()), (admin.update_event_type, ({"name": "x"}, NOW)),
                       (admin.delete_event_type, (NOW,))]:
        assert error_of(call, COMPANY_ID, OTHER_EVENT_TYPE_ID, *args).code == "NOT_FOUND"
    assert admin.get_event_type(OTHER_COMPANY_ID, OTHER_EVENT_TYPE_ID).is_active


def test_pages_walk_every_event_type_once_and_a_forged_cursor_is_refused(workspace):
    created = {create(name=f"Type {n}").id for n in range(3)}
    seen, cursor, pages = [], None, 0
    while True:
        page, cursor = admin.list_event_types(COMPANY_ID, 2, cursor)
        seen.extend(e.id for e in page)
        pages += 1
        if cursor is None:
            break
    assert sorted(seen) == sorted(created | {CONSULT_ID, ASSESSMENT_ID}) and pages == 3
    for forged in ("not-base64!", "Q09ORklHI1VTRVIjMQ"):  # the second decodes to "CONFIG#USER#1"
        assert error_of(admin.list_event_types, COMPANY_ID, 2, forged).details["field"] == "after"
