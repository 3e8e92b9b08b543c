"""The deployed first attempt (docs/webhooks.md): the request only commits its event item; the table's
DynamoDB Stream, filtered by template.yaml's FilterCriteria, invokes `webhook_fan_out`, which fans the
event out and sends it. Played here on the local table's real stream (tools/local_streams.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from scheduling.services import webhooks
from tests.reliability.http import api_event, invoke, scheduled
from tests.support.seeds import CONSULT_ID, RW_KEY, next_weekday
from tests.support.webhook_receiver import Receiver
from tools.local_streams import StreamPlayer

BASE = "/v1/webhook-subscriptions"
DAY = next_weekday(3, weeks_ahead=2)


@pytest.fixture
def deployed(receiver, monkeypatch) -> Iterator[StreamPlayer]:
    """Settings as template.yaml deploys them, and the table's stream read from now on."""
    from scheduling.settings import get_settings

    monkeypatch.setenv("WEBHOOKS_FIRST_ATTEMPT", "stream")
    get_settings.cache_clear()
    yield StreamPlayer()
    get_settings.cache_clear()


def subscribe(receiver: Receiver, path: str, events: list[str] | None = None) -> dict[str, Any]:
    result = invoke("create_webhook_subscription", api_event(
        "POST", BASE, BASE, key=RW_KEY, body={"url": receiver.url(path), "events": events or ["*"]}))
    assert result["statusCode"] == 201, result["body"]
    return json.loads(result["body"])["data"]


def create_booking(at: str = "10:00") -> dict[str, Any]:
    path = "/v1/scheduling-bookings"
    result = invoke("create_booking", api_event("POST", path, path, key=RW_KEY, body={
        "event_type_id": CONSULT_ID, "date": DAY.isoformat(), "time": at, "timezone": "Australia/Sydney",
        "fullName": "Stream Booker", "email": "stream@example.com"}))
    assert result["statusCode"] == 201, result["body"]
    return json.loads(result["body"])["data"]["booking"]


def deliveries(subscription_id: str) -> list[dict[str, Any]]:
    path = f"{BASE}/{subscription_id}/deliveries"
    result = invoke("list_webhook_deliveries", api_event("GET", BASE + "/{id}/deliveries", path, key=RW_KEY,
                                                         path_parameters={"id": subscription_id}))
    return json.loads(result["body"])["data"]


def test_the_request_only_commits_and_the_stream_function_makes_the_first_attempt(deployed, receiver) -> None:
    first, second = subscribe(receiver, "/one"), subscribe(receiver, "/two")
    booking = create_booking()
    webhooks.wait_for_deliveries()
    assert receiver.received == [] and deliveries(first["id"]) == []  # nothing ran after the commit

    [summary] = deployed.play()

    assert summary == {"events": 1, "ignored": 0}
    for subscription, path in ((first, "/one"), (second, "/two")):
        [sent] = receiver.at(path)
        payload = Webhook(subscription["secret"]).verify(sent["body"], sent["headers"])
        assert payload["type"] == "booking.created" and payload["data"]["booking"]["id"] == booking["id"]
        [logged] = deliveries(subscription["id"])
        assert logged["status"] == "delivered" and logged["attempts"] == 1
    # the job finds nothing left to do, even once the request's lease is over
    later = (datetime.now(UTC) + timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert invoke("job_deliver_webhooks", scheduled(later))["deliveries"] == 0
    assert len(receiver.received) == 2


def test_the_template_filter_passes_only_new_events_waiting_for_their_fan_out(deployed, receiver) -> None:
    subscription = subscribe(receiver, "/all")
    booking = create_booking()
    path = f"{BASE}/{subscription['id']}/test"
    invoke("test_webhook_subscription", api_event("POST", BASE + "/{id}/test", path, key=RW_KEY,
                                                  path_parameters={"id": subscription["id"]}))  # a ping
    cancel = f"/v1/scheduling-bookings/{booking['id']}/cancel"
    invoke("cancel_booking", api_event("POST", "/v1/scheduling-bookings/{id}/cancel", cancel, key=RW_KEY,
                                       body={}, path_parameters={"id": booking["id"]}))

    records = deployed.records()
    chosen = deployed.selected(records)

    assert len(records) > 10  # bookings, ledger days, CRM, side effects, deliveries…
    assert [json.loads(r["dynamodb"]["NewImage"]["body"]["S"])["type"] for r in chosen] == [
        "booking.created", "booking.cancelled"]


def test_a_record_the_stream_hands_over_twice_is_sent_once(deployed, receiver) -> None:
    subscribe(receiver, "/once")
    create_booking()
    chosen = deployed.selected(deployed.records())

    first = invoke("webhook_fan_out", {"Records": chosen})
    again = invoke("webhook_fan_out", {"Records": chosen})

    assert first["events"] == again["events"] == 1
    assert len(receiver.at("/once")) == 1


def test_a_slow_receiver_does_not_hold_up_the_others_in_the_stream_function(deployed, receiver) -> None:
    subscribe(receiver, "/slow")
    subscribe(receiver, "/fast")
    receiver.delay["/slow"] = 3
    create_booking()
    chosen = deployed.selected(deployed.records())
    import threading

    done = threading.Thread(target=invoke, args=("webhook_fan_out", {"Records": chosen}))
    done.start()
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=2.5)
        while not receiver.finished.get("/fast") and datetime.now(UTC) < deadline:
            done.join(0.02)
        assert receiver.finished.get("/fast") == 1 and not receiver.finished.get("/slow")
    finally:
        done.join()
    assert receiver.finished.get("/slow") == 1
