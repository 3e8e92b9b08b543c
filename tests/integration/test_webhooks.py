"""Outgoing webhooks (contract §8) end to end, in-process: the functions as Lambda runs them,
receivers on loopback, signatures checked with the `standardwebhooks` package as a receiver would."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from scheduling.errors import ValidationFailed
from scheduling.services import webhooks
from tests.reliability.http import api_event, invoke, scheduled
from tests.support.seeds import (
    COMPANY_ID,
    CONSULT_ID,
    OTHER_KEY,
    RO_KEY,
    RW_KEY,
    VOICE_KEY,
    booking_id,
    next_weekday,
)
from tests.support.webhook_receiver import Receiver

BASE = "/v1/webhook-subscriptions"


def call(function: str, method: str, resource: str, path: str, *, key: str = RW_KEY, body: Any = None,
         params: dict[str, str] | None = None) -> tuple[int, Any]:
    result = invoke(function, api_event(method, resource, path, key=key, body=body, path_parameters=params))
    return result["statusCode"], json.loads(result["body"]) if result.get("body") else None


def subscribe(url: str, events: list[str] | None = None, key: str = RW_KEY) -> dict[str, Any]:
    status, body = call("create_webhook_subscription", "POST", BASE, BASE, key=key,
                        body={"url": url, "events": events or ["*"]})
    assert status == 201, body
    return body["data"]


def verified(secret: str, delivery: dict[str, Any]) -> dict[str, Any]:
    """What a receiver does: verify with the standardwebhooks package, then read the JSON."""
    return Webhook(secret).verify(delivery["body"], delivery["headers"])


def job(at: datetime) -> dict[str, int]:
    return invoke("job_deliver_webhooks", scheduled(at.strftime("%Y-%m-%dT%H:%M:%SZ")))


def deliveries(subscription_id: str, key: str = RW_KEY) -> list[dict[str, Any]]:
    path = f"{BASE}/{subscription_id}/deliveries"
    status, body = call("list_webhook_deliveries", "GET", BASE + "/{id}/deliveries", path, key=key,
                        params={"id": subscription_id})
    assert status == 200, body
    return body["data"]


DAY = next_weekday(2, weeks_ahead=2)


def create_booking(time_text: str = "10:00", key: str = RW_KEY) -> dict[str, Any]:
    path = "/v1/scheduling-bookings"
    status, body = call("create_booking", "POST", path, path, key=key, body={
        "event_type_id": CONSULT_ID, "date": DAY.isoformat(), "time": time_text, "timezone": "Australia/Sydney",
        "fullName": "Sarah Jones", "email": "sarah@example.com"})
    assert status == 201, body
    return body["data"]["booking"]


def events_at(server: Receiver, path: str) -> list[dict[str, Any]]:
    """The events that reached `path`, in the order of the changes (deliveries are concurrent)."""
    webhooks.wait_for_deliveries()
    return sorted((json.loads(r["body"]) for r in server.at(path)), key=lambda e: e["created_at"])


# ---------------------------------------------------------------------------------------- signature
def test_a_created_booking_reaches_the_receiver_signed_as_standard_webhooks_expects(receiver) -> None:
    subscription = subscribe(receiver.url("/hook"), ["booking.created"])
    assert subscription["secret"].startswith("whsec_")
    booking = create_booking()

    webhooks.wait_for_deliveries()
    [delivery] = receiver.at("/hook")
    payload = verified(subscription["secret"], delivery)
    assert payload["type"] == "booking.created" and payload["company_id"] == COMPANY_ID
    assert payload["data"]["booking"]["id"] == booking["id"]
    assert "management_token" not in payload["data"]["booking"]
    assert delivery["headers"]["webhook-id"] == payload["id"] and payload["id"].startswith("evt_")
    assert delivery["headers"]["content-type"] == "application/json" and delivery["headers"]["user-agent"]
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(delivery["body"], delivery["headers"])
    [logged] = deliveries(subscription["id"])
    assert logged["status"] == "delivered" and logged["attempts"] == 1 and logged["last_status_code"] == 200
    assert logged["event_id"] == payload["id"]


def test_the_secret_is_shown_on_create_only(receiver) -> None:
    subscription = subscribe(receiver.url("/hook"))
    path = f"{BASE}/{subscription['id']}"
    status, body = call("get_webhook_subscription", "GET", BASE + "/{id}", path, params={"id": subscription["id"]})
    assert status == 200 and "secret" not in body["data"] and body["data"]["url"] == receiver.url("/hook")
    status, listed = call("list_webhook_subscriptions", "GET", BASE, BASE)
    assert status == 200 and [s["id"] for s in listed["data"]] == [subscription["id"]]
    assert "secret" not in listed["data"][0]


# ---------------------------------------------------------------------------------------- entry points
def test_every_json_change_sends_one_event_and_a_reschedule_is_one_rescheduled_event(receiver) -> None:
    subscription = subscribe(receiver.url("/all"))
    first = create_booking("10:00")
    moved_path = f"/v1/scheduling-bookings/{first['id']}/reschedule"
    status, moved = call("reschedule_booking", "POST", "/v1/scheduling-bookings/{id}/reschedule", moved_path,
                         body={"date": DAY.isoformat(), "time": "11:00"}, params={"id": first["id"]})
    assert status == 201, moved
    new_id = moved["data"]["booking"]["id"]
    cancel_path = f"/v1/scheduling-bookings/{new_id}/cancel"
    status, _ = call("cancel_booking", "POST", "/v1/scheduling-bookings/{id}/cancel", cancel_path,
                     body={"reason": "Feeling better"}, params={"id": new_id})
    assert status == 200
    for function, target in (("mark_late", "late"), ("mark_attended", "attended")):
        path = f"/v1/scheduling-bookings/{booking_id(0)}/mark-{target}"
        status, body = call(function, "POST", "/v1/scheduling-bookings/{id}/mark-" + target, path,
                            params={"id": booking_id(0)})
        assert status == 200, body
    path = f"/v1/scheduling-bookings/{booking_id(1)}/mark-no-show"
    status, _ = call("mark_no_show", "POST", "/v1/scheduling-bookings/{id}/mark-no-show", path,
                     params={"id": booking_id(1)})
    assert status == 200

    # Deliveries run concurrently, so they may arrive in any order (docs/webhooks.md): one event per change.
    sent = events_at(receiver, "/all")
    by_type = {e["type"]: e for e in sent}
    assert sorted(e["type"] for e in sent) == sorted(["booking.created", "booking.rescheduled", "booking.cancelled",
                                                      "booking.late", "booking.attended", "booking.no_show"])
    rescheduled = by_type["booking.rescheduled"]
    assert rescheduled["data"]["booking"]["id"] == new_id
    assert rescheduled["data"]["previous_booking_id"] == first["id"]
    assert by_type["booking.cancelled"]["data"]["booking"]["status"] == "cancelled"
    assert len({e["id"] for e in sent}) == len(sent)
    for delivery in receiver.at("/all"):
        verified(subscription["secret"], delivery)


def test_voice_tools_send_the_same_events(receiver) -> None:
    subscribe(receiver.url("/voice"))
    call_info = {"call_id": "call_1", "agent_id": "a", "from_number": "+61412340000", "to_number": "+61290000000",
                 "direction": "inbound", "call_status": "ongoing"}
    path = f"/v1/scheduling/voice/{CONSULT_ID}/book"
    result = invoke("voice_book", api_event("POST", "/v1/scheduling/voice/{event_type_id}/book", path, key=VOICE_KEY,
                                            path_parameters={"event_type_id": CONSULT_ID}, body={
        "call": call_info, "name": "book_appointment",
        "args": {"slot": f"{DAY.isoformat()} 13:00", "name": "Sam Caller", "email": "sam@example.com"}}))
    assert result["statusCode"] == 200, result["body"]
    path = "/v1/scheduling/voice/cancel-booking"
    result = invoke("voice_cancel_booking", api_event("POST", path, path, key=VOICE_KEY, body={
        "call": call_info, "name": "cancel_appointment", "args": {"booking_selector": "1", "reason": "Busy"}}))
    assert result["statusCode"] == 200, result["body"]

    sent = events_at(receiver, "/voice")
    assert [e["type"] for e in sent] == ["booking.created", "booking.cancelled"], result["body"]
    assert sent[0]["data"]["booking"]["booker_name"] == "Sam Caller"


def test_the_notetaker_attach_sends_notetaker_scheduled(receiver) -> None:
    subscribe(receiver.url("/notes"), ["notetaker.scheduled"])
    booking = create_booking("15:00")
    path = f"/v1/scheduling-bookings/{booking['id']}/notetaker"
    status, body = call("schedule_notetaker", "POST", "/v1/scheduling-bookings/{id}/notetaker", path,
                        params={"id": booking["id"]})
    assert status in (200, 201), body
    [sent] = events_at(receiver, "/notes")
    assert sent["type"] == "notetaker.scheduled" and sent["data"]["booking"]["id"] == booking["id"]
    assert sent["data"]["notetaker"]["bot_id"] == sent["data"]["booking"]["notetaker_bot_id"]


# ---------------------------------------------------------------------------------------- delivery
def test_a_receiver_that_fails_then_recovers_gets_the_same_webhook_id_from_the_job(receiver) -> None:
    subscription = subscribe(receiver.url("/flaky"))
    receiver.script["/flaky"] = [503, 200]
    create_booking()
    webhooks.wait_for_deliveries()
    [logged] = deliveries(subscription["id"])
    assert logged["status"] == "pending" and logged["attempts"] == 1 and logged["last_status_code"] == 503
    next_at = datetime.fromisoformat(logged["next_attempt_at"])

    assert job(next_at - timedelta(minutes=1))["deliveries"] == 0  # not due yet
    summary = job(next_at + timedelta(seconds=1))
    assert summary["delivered"] == 1
    first, second = receiver.at("/flaky")
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert first["body"] == second["body"]
    verified(subscription["secret"], second)
    [logged] = deliveries(subscription["id"])
    assert logged["status"] == "delivered" and logged["attempts"] == 2


def test_retries_follow_the_schedule_then_fail(receiver) -> None:
    subscription = subscribe(receiver.url("/down"))
    receiver.script["/down"] = [500]
    create_booking()
    webhooks.wait_for_deliveries()
    expected = [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                timedelta(hours=5), timedelta(hours=10), timedelta(hours=14), timedelta(hours=20),
                timedelta(hours=24)]
    previous = datetime.fromisoformat(deliveries(subscription["id"])[0]["created_at"])
    for wait in expected:
        logged = deliveries(subscription["id"])[0]
        due = datetime.fromisoformat(logged["next_attempt_at"])
        assert wait * 0.89 <= due - previous <= wait * 1.11 + timedelta(seconds=2)
        job(due + timedelta(seconds=1))
        previous = due + timedelta(seconds=1)
    logged = deliveries(subscription["id"])[0]
    assert logged["status"] == "failed" and logged["attempts"] == 10 and logged["next_attempt_at"] is None
    assert len(receiver.at("/down")) == 10


def test_429_retry_after_is_honoured(receiver) -> None:
    subscription = subscribe(receiver.url("/busy"))
    receiver.script["/busy"] = [429, 200]
    receiver.extra_headers["/busy"] = {"Retry-After": "3600"}
    create_booking()
    webhooks.wait_for_deliveries()
    logged = deliveries(subscription["id"])[0]
    due = datetime.fromisoformat(logged["next_attempt_at"]) - datetime.fromisoformat(logged["created_at"])
    assert timedelta(minutes=59) < due < timedelta(minutes=61)


def test_410_gone_deactivates_the_subscription(receiver) -> None:
    subscription = subscribe(receiver.url("/gone"))
    receiver.script["/gone"] = [410]
    create_booking("10:00")
    webhooks.wait_for_deliveries()
    [logged] = deliveries(subscription["id"])
    assert logged["status"] == "failed" and logged["last_status_code"] == 410
    path = f"{BASE}/{subscription['id']}"
    _, body = call("get_webhook_subscription", "GET", BASE + "/{id}", path, params={"id": subscription["id"]})
    assert body["data"]["active"] is False
    create_booking("11:00")
    webhooks.wait_for_deliveries()
    assert len(receiver.at("/gone")) == 1


def test_a_redirect_is_a_failure_and_is_not_followed(receiver) -> None:
    subscription = subscribe(receiver.url("/moved"))
    receiver.script["/moved"] = [301]
    receiver.extra_headers["/moved"] = {"Location": receiver.url("/elsewhere")}
    create_booking()
    webhooks.wait_for_deliveries()
    [logged] = deliveries(subscription["id"])
    assert logged["status"] == "pending" and logged["last_status_code"] == 301
    assert receiver.at("/elsewhere") == []


def test_overlapping_job_runs_send_each_delivery_once(receiver) -> None:
    subscription = subscribe(receiver.url("/once"))
    receiver.script["/once"] = [500, 200]
    create_booking()
    webhooks.wait_for_deliveries()
    due = datetime.fromisoformat(deliveries(subscription["id"])[0]["next_attempt_at"]) + timedelta(seconds=1)
    receiver.delay["/once"] = 0.3
    results: list[dict[str, int]] = []
    runs = [threading.Thread(target=lambda: results.append(job(due))) for _ in range(4)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert len(receiver.at("/once")) == 2  # the failed first attempt and ONE retry
    assert sum(r["delivered"] for r in results) == 1


def test_a_crash_between_commit_and_first_attempt_still_delivers(receiver, monkeypatch) -> None:
    subscription = subscribe(receiver.url("/late"))
    monkeypatch.setattr(webhooks, "_submit", lambda *_a, **_k: (_ for _ in ()).throw(SystemError("killed")))
    booking = create_booking()
    assert receiver.at("/late") == []
    monkeypatch.undo()
    from scheduling.settings import get_settings

    monkeypatch.setenv("WEBHOOKS_LOCAL_RECEIVERS", "on")
    get_settings.cache_clear()

    assert job(datetime.now(UTC))["events"] == 0  # the request's lease still holds it
    summary = job(datetime.now(UTC) + timedelta(minutes=3))
    assert summary["events"] == 1 and summary["delivered"] == 1
    [delivery] = receiver.at("/late")
    assert verified(subscription["secret"], delivery)["data"]["booking"]["id"] == booking["id"]


def test_one_slow_receiver_delays_neither_the_booking_nor_the_others(receiver) -> None:
    subscribe(receiver.url("/slow"))
    subscribe(receiver.url("/fast"))
    receiver.delay["/slow"] = 8
    create_booking()
    # the answer came back while the slow receiver is still holding its request
    assert receiver.finished.get("/slow", 0) == 0
    deadline = time.monotonic() + 7
    while not receiver.finished.get("/fast") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert receiver.finished.get("/fast") == 1 and receiver.finished.get("/slow", 0) == 0


def test_redeliver_sends_the_same_event_again_and_test_sends_a_ping(receiver) -> None:
    subscription = subscribe(receiver.url("/again"))
    create_booking()
    webhooks.wait_for_deliveries()
    [logged] = deliveries(subscription["id"])
    path = f"{BASE}/{subscription['id']}/deliveries/{logged['id']}/redeliver"
    status, body = call("redeliver_webhook", "POST", BASE + "/{id}/deliveries/{delivery_id}/redeliver", path,
                        params={"id": subscription["id"], "delivery_id": logged["id"]})
    assert status == 200 and body["data"]["status"] == "delivered"
    first, second = receiver.at("/again")
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]

    path = f"{BASE}/{subscription['id']}/test"
    status, body = call("test_webhook_subscription", "POST", BASE + "/{id}/test", path,
                        params={"id": subscription["id"]})
    assert status == 200 and body["data"]["event_type"] == "ping" and body["data"]["status"] == "delivered"
    ping = verified(subscription["secret"], receiver.at("/again")[-1])
    assert ping["type"] == "ping"
    newest = deliveries(subscription["id"])
    assert [d["event_type"] for d in newest] == ["ping", "booking.created"]


# ---------------------------------------------------------------------------------------- rotation
def test_rotation_signs_with_both_secrets_for_24_hours_then_only_the_new(receiver) -> None:
    subscription = subscribe(receiver.url("/rotate"))
    path = f"{BASE}/{subscription['id']}/rotate-secret"
    status, body = call("rotate_webhook_secret", "POST", BASE + "/{id}/rotate-secret", path,
                        params={"id": subscription["id"]})
    assert status == 200
    new_secret = body["data"]["secret"]
    assert new_secret != subscription["secret"] and new_secret.startswith("whsec_")
    create_booking()
    webhooks.wait_for_deliveries()
    [delivery] = receiver.at("/rotate")
    assert len(delivery["headers"]["webhook-signature"].split(" ")) == 2
    verified(new_secret, delivery)
    verified(subscription["secret"], delivery)

    stored = webhooks.repository().get_subscription(COMPANY_ID, subscription["id"])
    later = datetime.now(UTC) + timedelta(hours=24, minutes=1)
    result = webhooks.send(stored, "evt_later", '{"x":1}', later)
    assert result.delivered
    last = receiver.at("/rotate")[-1]
    assert len(last["headers"]["webhook-signature"].split(" ")) == 1
    # its timestamp is 24 h ahead (a receiver would refuse it as skewed): compare the signature itself
    assert last["headers"]["webhook-signature"] == webhooks.sign(new_secret, "evt_later",
                                                                 int(later.timestamp()), '{"x":1}')


# ---------------------------------------------------------------------------------------- tenancy
def test_another_company_sees_none_of_it_and_read_keys_cannot_write(receiver) -> None:
    subscription = subscribe(receiver.url("/mine"))
    path = f"{BASE}/{subscription['id']}"
    params = {"id": subscription["id"]}
    assert call("get_webhook_subscription", "GET", BASE + "/{id}", path, key=OTHER_KEY, params=params)[0] == 404
    assert call("update_webhook_subscription", "PATCH", BASE + "/{id}", path, key=OTHER_KEY, params=params,
                body={"active": False})[0] == 404
    assert call("delete_webhook_subscription", "DELETE", BASE + "/{id}", path, key=OTHER_KEY, params=params)[0] == 404
    assert call("list_webhook_deliveries", "GET", BASE + "/{id}/deliveries", path + "/deliveries", key=OTHER_KEY,
                params=params)[0] == 404
    assert call("list_webhook_subscriptions", "GET", BASE, BASE, key=OTHER_KEY)[1]["data"] == []
    status, body = call("create_webhook_subscription", "POST", BASE, BASE, key=RO_KEY,
                        body={"url": receiver.url("/x"), "events": ["*"]})
    assert status == 403 and body["error"]["code"] == "INSUFFICIENT_SCOPE"
    assert call("get_webhook_subscription", "GET", BASE + "/{id}", path, key=RO_KEY, params=params)[0] == 200
    assert call("update_webhook_subscription", "PATCH", BASE + "/{id}", path, key=RO_KEY, params=params,
                body={"active": False})[0] == 403
    status, body = call("update_webhook_subscription", "PATCH", BASE + "/{id}", path, params=params,
                        body={"events": ["booking.cancelled"], "description": "only cancels"})
    assert status == 200 and body["data"]["events"] == ["booking.cancelled"]
    assert call("delete_webhook_subscription", "DELETE", BASE + "/{id}", path, params=params)[0] == 200
    assert call("get_webhook_subscription", "GET", BASE + "/{id}", path, params=params)[0] == 404


# ---------------------------------------------------------------------------------------- safety
@pytest.mark.parametrize("url", [
    "http://hooks.example.com/x",  # not https
    "https://127.0.0.1/x", "https://10.0.0.5/x", "https://192.168.1.2/x", "https://[::1]/x",
    "https://169.254.169.254/latest/meta-data", "https://user:pw@hooks.example.com/x", "ftp://x.example.com/",
])
def test_unsafe_urls_are_refused_when_deployed(workspace, url) -> None:
    status, body = call("create_webhook_subscription", "POST", BASE, BASE, body={"url": url, "events": ["*"]})
    assert status == 400 and body["error"]["code"] == "VALIDATION_ERROR" and body["error"]["details"]["field"] == "url"


def test_a_name_that_resolves_to_a_private_address_is_refused_at_subscribe_and_at_each_attempt(workspace,
                                                                                              monkeypatch) -> None:
    answers = {"hooks.example.com": ["93.184.216.34"], "sneaky.example.com": ["93.184.216.34", "10.1.2.3"]}
    monkeypatch.setattr(webhooks, "_system_resolver", lambda host, port: answers[host])
    status, body = call("create_webhook_subscription", "POST", BASE, BASE,
                        body={"url": "https://sneaky.example.com/hook", "events": ["*"]})
    assert status == 400 and body["error"]["details"]["field"] == "url"
    subscription = subscribe("https://hooks.example.com/hook")
    answers["hooks.example.com"] = ["172.16.0.9"]  # DNS changed after subscribing
    stored = webhooks.repository().get_subscription(COMPANY_ID, subscription["id"])
    result = webhooks.send(stored, "evt_x", "{}", datetime.now(UTC))
    assert result.status_code is None and result.error.startswith("refused")


def test_local_mode_allows_loopback_but_never_link_local_or_metadata(local_receivers) -> None:
    assert webhooks.check_url("http://127.0.0.1:9999/hook").address == "127.0.0.1"
    assert webhooks.check_url("http://localhost:9999/hook", resolver=lambda h, p: ["127.0.0.1"])
    for url in ("http://169.254.169.254/", "https://169.254.10.10/", "http://10.0.0.1/"):
        with pytest.raises(ValidationFailed):
            webhooks.check_url(url)
    with pytest.raises(ValidationFailed):
        webhooks.check_url("http://localhost:9999/", resolver=lambda h, p: ["169.254.169.254"])


def test_an_event_is_one_item_in_the_same_transaction_as_the_create(receiver, monkeypatch) -> None:
    """Three subscriptions: still one TransactWriteItems, holding exactly one event item."""
    for path in ("/a", "/b", "/c"):
        subscribe(receiver.url(path))
    from scheduling import wiring

    client = wiring.table().meta.client
    seen: list[list[dict[str, Any]]] = []
    real = client.transact_write_items

    def spy(**kwargs: Any) -> Any:
        seen.append(kwargs["TransactItems"])
        return real(**kwargs)

    monkeypatch.setattr(client, "transact_write_items", spy)
    create_booking()
    webhooks.wait_for_deliveries()
    assert len(seen) == 1
    events = [w for w in seen[0] if w.get("Put", {}).get("Item", {}).get("SK", "").startswith("WEBHOOK_EVENT#")]
    assert len(events) == 1
    assert all(len(receiver.at(p)) == 1 for p in ("/a", "/b", "/c"))
