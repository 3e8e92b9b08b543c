from __future__ import annotations

import threading

import pytest
from adapter_helpers import utc

from scheduling.adapters.outbox import OUTBOX, LocalOutbox


def test_a_new_outbox_snapshot_has_the_four_channels_empty(outbox: LocalOutbox) -> None:
    assert outbox.snapshot() == {"emails": [], "sms": [], "calendar": [], "notetaker": []}


def test_snapshot_gives_the_contract_shape_with_iso_instants_in_order(outbox: LocalOutbox) -> None:
    outbox.record_email(kind="confirmation", to=["sam@example.com"], subject="Booked", body="See you",
                        booking_id="b1")
    outbox.record_sms(kind="pre_meeting", to="+61412345678", body="Soon", booking_id="b1")
    outbox.record_calendar(action="insert", calendar="host@example.com", event_id="e1", booking_id="b1",
                           summary="Consult", description="Manage: https://x/manage/t",
                           start=utc(2026, 12, 1, 9), end=utc(2026, 12, 1, 9, 30),
                           attendees=["sam@example.com"], meet_link="https://meet.google.com/abc-defg-hij")
    outbox.record_calendar(action="delete", calendar="host@example.com", event_id="e1", booking_id="b1")
    outbox.record_notetaker(action="create", bot_id="bot1", booking_id="b1",
                            meeting_url="https://meet.google.com/abc-defg-hij", join_at=utc(2026, 12, 1, 8, 59))

    assert outbox.snapshot() == {
        "emails": [{"kind": "confirmation", "to": ["sam@example.com"], "subject": "Booked",
                    "body": "See you", "booking_id": "b1", "attachments": []}],
        "sms": [{"kind": "pre_meeting", "to": "+61412345678", "body": "Soon", "booking_id": "b1"}],
        "calendar": [
            {"action": "insert", "calendar": "host@example.com", "event_id": "e1", "booking_id": "b1",
             "summary": "Consult", "description": "Manage: https://x/manage/t",
             "start": "2026-12-01T09:00:00+00:00", "end": "2026-12-01T09:30:00+00:00",
             "attendees": ["sam@example.com"], "meet_link": "https://meet.google.com/abc-defg-hij",
             "provider": "google", "meeting_link": "https://meet.google.com/abc-defg-hij"},
            {"action": "delete", "calendar": "host@example.com", "event_id": "e1", "booking_id": "b1",
             "summary": None, "description": None, "start": None, "end": None, "attendees": [],
             "meet_link": None, "provider": "google", "meeting_link": None},
        ],
        "notetaker": [{"action": "create", "bot_id": "bot1", "booking_id": "b1",
                       "meeting_url": "https://meet.google.com/abc-defg-hij",
                       "join_at": "2026-12-01T08:59:00+00:00"}],
    }


def test_changing_a_snapshot_does_not_change_the_outbox(outbox: LocalOutbox) -> None:
    outbox.record_email(kind="confirmation", to=["a@example.com"], subject="s", body="b", booking_id="b1")
    outbox.snapshot()["emails"][0]["to"].append("intruder@example.com")
    assert outbox.snapshot()["emails"][0]["to"] == ["a@example.com"]


def test_for_booking_keeps_only_that_bookings_entries(outbox: LocalOutbox) -> None:
    outbox.record_sms(kind="late", to="+61412345678", body="x", booking_id="b1")
    outbox.record_sms(kind="late", to="+61412345678", body="y", booking_id="b2")
    assert [entry["body"] for entry in outbox.for_booking("b2")["sms"]] == ["y"]


def test_clear_forgets_records_and_armed_failures(outbox: LocalOutbox) -> None:
    outbox.record_sms(kind="late", to="+61412345678", body="x", booking_id="b1")
    outbox.fail_next("sms")
    outbox.clear()
    assert outbox.snapshot()["sms"] == []
    assert outbox.take_failure("sms.send") is False


def test_an_unknown_calendar_action_is_refused(outbox: LocalOutbox) -> None:
    with pytest.raises(ValueError, match="insert or delete"):
        outbox.record_calendar(action="update", calendar="c", event_id="e", booking_id="b")


def test_fail_next_fails_exactly_the_given_number_of_calls(outbox: LocalOutbox) -> None:
    outbox.fail_next("email", 2)
    assert [outbox.take_failure("email.send") for _ in range(3)] == [True, True, False]


def test_an_operation_failure_does_not_touch_the_channels_other_operations(outbox: LocalOutbox) -> None:
    outbox.fail_next("calendar.insert")
    assert outbox.take_failure("calendar.busy") is False
    assert outbox.take_failure("calendar.insert") is True
    assert outbox.take_failure("calendar.insert") is False


def test_the_most_specific_failure_is_used_first(outbox: LocalOutbox) -> None:
    outbox.fail_next("calendar", 1)
    outbox.fail_next("calendar.insert", 1)
    assert outbox.take_failure("calendar.insert") is True  # uses calendar.insert
    assert outbox.take_failure("calendar.delete") is True  # the channel-wide one is still armed
    assert outbox.take_failure("calendar.insert") is False


def test_fail_next_with_none_fails_until_stop_failing(outbox: LocalOutbox) -> None:
    outbox.fail_next("notetaker", None)
    assert all(outbox.take_failure("notetaker.create") for _ in range(5))
    outbox.stop_failing("notetaker")
    assert outbox.take_failure("notetaker.create") is False


@pytest.mark.parametrize("target", ["fax", "fax.send", ""])
def test_fail_next_refuses_an_unknown_channel(outbox: LocalOutbox, target: str) -> None:
    with pytest.raises(ValueError, match="unknown failure target"):
        outbox.fail_next(target)


def test_concurrent_recording_loses_nothing(outbox: LocalOutbox) -> None:
    def send_many(worker: int) -> None:
        for n in range(200):
            outbox.record_sms(kind="pre_meeting", to="+61412345678", body=f"{worker}-{n}", booking_id=None)

    threads = [threading.Thread(target=send_many, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outbox.snapshot()["sms"]) == 1600


def test_the_module_has_one_default_outbox_for_the_local_server() -> None:
    assert isinstance(OUTBOX, LocalOutbox)
