"""Contract §8: whatever made the change — booker pages, voice tools, jobs, the `/scheduling/*` family,
MCP tools — the same event is recorded with it and delivered, signed (verified with `standardwebhooks`
as a receiver would). The JSON API's own events are in test_webhooks.py."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.repositories.queries import company_items
from scheduling.services import webhooks
from tests.reliability.http import api_event, invoke, scheduled
from tests.support.seeds import COMPANY_ID, CONSULT_ID, RW_KEY, VOICE_KEY, booking_id, next_weekday, sydney
from tests.support.webhook_receiver import Receiver
from tests.unit.pages.page_browser import PageBrowser

BASE = "/v1/webhook-subscriptions"
DAY = next_weekday(3, weeks_ahead=2)  # a Thursday with nothing seeded on it


def subscribe(receiver: Receiver, path: str) -> str:
    """A subscription to every event at `path`; its secret."""
    result = invoke("create_webhook_subscription", api_event(
        "POST", BASE, BASE, key=RW_KEY, body={"url": receiver.url(path), "events": ["*"]}))
    assert result["statusCode"] == 201, result["body"]
    return json.loads(result["body"])["data"]["secret"]


def delivered(receiver: Receiver, path: str, secret: str) -> list[dict[str, Any]]:
    """What reached `path`, each verified as a receiver verifies it, in the order of the changes
    (deliveries run concurrently, so they may arrive in another order)."""
    webhooks.wait_for_deliveries()
    verified = [Webhook(secret).verify(d["body"], d["headers"]) for d in receiver.at(path)]
    return sorted(verified, key=lambda e: e["created_at"])


def recorded() -> list[dict[str, Any]]:
    """The event items in the table (written in the changes' own transactions), oldest first."""
    items = company_items(wiring.table(), COMPANY_ID, "WEBHOOK_EVENT#", consistent=True)
    return sorted((json.loads(i["body"]) for i in items), key=lambda e: e["created_at"])


def only_bookings(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["type"], e["data"]["booking"]["id"]) for e in events]


def call(function: str, method: str, resource: str, path: str, *, key: str = RW_KEY, body: Any = None,
         params: dict[str, str] | None = None) -> dict[str, Any]:
    result = invoke(function, api_event(method, resource, path, key=key, body=body, path_parameters=params))
    assert 200 <= result["statusCode"] < 300, result["body"]
    return json.loads(result["body"])["data"]


# ------------------------------------------------------------------------------------ booker pages
def test_booking_rescheduling_and_cancelling_on_the_booker_pages_send_one_event_each(receiver) -> None:
    secret = subscribe(receiver, "/pages")
    browser = PageBrowser()
    page = browser.get("/book/harbour-physio/free-consultation")
    booked = browser.post("/book/harbour-physio/free-consultation", {
        "csrf_token": page.form_token(), "slot": page.slots()[2], "timezone": "Australia/Sydney",
        "fullName": "Page Booker", "email": "page.booker@example.com"})
    assert booked.status == 303
    manage = booked.location.split("?")[0]
    form = browser.get(manage)
    moved = browser.post(manage + "/reschedule", {"csrf_token": form.form_token(), "slot": form.slots()[5]})
    assert moved.status == 303
    new_manage = moved.location.split("?")[0]
    cancelled = browser.post(new_manage + "/cancel", {"csrf_token": browser.get(new_manage).form_token(),
                                                      "reason": "Changed my mind"})
    assert cancelled.status == 303

    sent = delivered(receiver, "/pages", secret)
    assert [e["type"] for e in sent] == ["booking.created", "booking.rescheduled", "booking.cancelled"]
    created, rescheduled, cancel = sent
    assert created["data"]["booking"]["booker_email"] == "page.booker@example.com"
    assert rescheduled["data"]["previous_booking_id"] == created["data"]["booking"]["id"]
    assert cancel["data"]["booking"]["id"] == rescheduled["data"]["booking"]["id"] != created["data"]["booking"]["id"]
    assert cancel["data"]["booking"]["status"] == "cancelled"
    assert [e["id"] for e in recorded()] == [e["id"] for e in sent]


# ------------------------------------------------------------------------------------ voice tools
VOICE_CALL = {"call_id": "call_hooks", "agent_id": "a", "from_number": "+61412349999", "to_number": "+61290000000",
              "direction": "inbound", "call_status": "ongoing"}


def voice(function: str, path: str, tool: str, args: dict[str, str], params: dict[str, str] | None = None) -> str:
    result = invoke(function, api_event("POST", path.replace(CONSULT_ID, "{event_type_id}"), path, key=VOICE_KEY,
                                        path_parameters=params, body={"call": VOICE_CALL, "name": tool, "args": args}))
    assert result["statusCode"] == 200, result["body"]
    return result["body"]


def test_voice_book_reschedule_and_cancel_each_send_one_event_and_the_move_is_one_rescheduled(receiver) -> None:
    secret = subscribe(receiver, "/voice")
    booked = voice("voice_book", f"/v1/scheduling/voice/{CONSULT_ID}/book", "book_appointment",
                   {"slot": f"{DAY.isoformat()} 13:00", "name": "Sam Caller", "email": "sam.caller@example.com"},
                   {"event_type_id": CONSULT_ID})
    moved = voice("voice_reschedule_booking", "/v1/scheduling/voice/reschedule-booking", "reschedule_appointment",
                  {"booking_selector": "1", "new_slot": f"{DAY.isoformat()} 15:00"})
    assert moved.startswith("Rescheduled!"), (booked, moved)
    gone = voice("voice_cancel_booking", "/v1/scheduling/voice/cancel-booking", "cancel_appointment",
                 {"booking_selector": "1", "reason": "Busy"})
    assert gone.startswith("Cancelled"), gone

    sent = delivered(receiver, "/voice", secret)
    assert [e["type"] for e in sent] == ["booking.created", "booking.rescheduled", "booking.cancelled"]
    created, rescheduled, cancelled = sent
    assert created["data"]["booking"]["booker_name"] == "Sam Caller"
    assert rescheduled["data"]["previous_booking_id"] == created["data"]["booking"]["id"]
    assert rescheduled["data"]["booking"]["starts_at"] == sydney(DAY, 15)
    assert cancelled["data"]["booking"]["id"] == rescheduled["data"]["booking"]["id"]
    assert [e["id"] for e in recorded()] == [e["id"] for e in sent]


# ------------------------------------------------------------------------------------ jobs
def test_the_notetaker_job_recreating_a_moved_bot_sends_notetaker_scheduled(receiver) -> None:
    """A reschedule moves the notetaker; the provider refuses the new bot, so `job_bill_notetaker`
    creates it later: that change (made by a job) is announced like any other."""
    secret = subscribe(receiver, "/job")
    booking = call("create_booking", "POST", "/v1/scheduling-bookings", "/v1/scheduling-bookings", body={
        "event_type_id": CONSULT_ID, "date": DAY.isoformat(), "time": "10:00", "timezone": "Australia/Sydney",
        "fullName": "Noted Booker", "email": "noted@example.com"})["booking"]
    path = f"/v1/scheduling-bookings/{booking['id']}"
    call("schedule_notetaker", "POST", "/v1/scheduling-bookings/{id}/notetaker", path + "/notetaker",
         params={"id": booking["id"]})
    OUTBOX.fail_next("notetaker.create")
    moved = call("reschedule_booking", "POST", "/v1/scheduling-bookings/{id}/reschedule", path + "/reschedule",
                 body={"date": DAY.isoformat(), "time": "11:00"}, params={"id": booking["id"]})["booking"]
    webhooks.wait_for_deliveries()
    assert wiring.bookings().get(COMPANY_ID, moved["id"]).notetaker_bot_id is None  # the move waits for the job

    summary = invoke("job_bill_notetaker", scheduled(
        (webhooks._utcnow() + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")))
    assert summary["bots_created"] == 1

    sent = delivered(receiver, "/job", secret)
    assert [e["type"] for e in sent] == ["booking.created", "notetaker.scheduled", "booking.rescheduled",
                                         "notetaker.scheduled"]
    by_job = sent[-1]
    assert by_job["data"]["booking"]["id"] == moved["id"]
    assert by_job["data"]["notetaker"]["bot_id"] == wiring.bookings().get(COMPANY_ID, moved["id"]).notetaker_bot_id
    assert len(recorded()) == 4


# ------------------------------------------------------------------------------------ /scheduling/*
def test_the_scheduling_family_sends_the_same_events(receiver) -> None:
    secret = subscribe(receiver, "/family")
    base = "/v1/scheduling/bookings"
    created = call("create_booking", "POST", base, base, body={
        "event_type_id": CONSULT_ID, "start_time": sydney(DAY, 10), "invitee_name": "Family Booker",
        "invitee_email": "family@example.com"})["booking"]
    item = base + "/{booking_id}"
    moved = call("reschedule_booking", "POST", item + "/reschedule", f"{base}/{created['id']}/reschedule",
                 body={"slot": sydney(DAY, 11)}, params={"booking_id": created["id"]})["booking"]
    call("cancel_booking", "POST", item + "/cancel", f"{base}/{moved['id']}/cancel",
         body={"cancellation_reason": "No longer needed"}, params={"booking_id": moved["id"]})
    marks = (("mark_late", "mark-late", booking_id(0)), ("mark_attended", "mark-attended", booking_id(0)),
             ("mark_no_show", "mark-no-show", booking_id(1)))
    for function, action, target in marks:
        call(function, "POST", f"{item}/{action}", f"{base}/{target}/{action}", params={"booking_id": target})
    noted = call("create_booking", "POST", base, base, body={
        "event_type_id": CONSULT_ID, "start_time": sydney(DAY, 13), "invitee_name": "Noted Booker",
        "invitee_email": "noted@example.com"})["booking"]
    call("schedule_notetaker", "POST", item + "/notetaker", f"{base}/{noted['id']}/notetaker",
         params={"booking_id": noted["id"]})

    sent = delivered(receiver, "/family", secret)
    assert only_bookings(sent) == [
        ("booking.created", created["id"]), ("booking.rescheduled", moved["id"]), ("booking.cancelled", moved["id"]),
        ("booking.late", booking_id(0)), ("booking.attended", booking_id(0)), ("booking.no_show", booking_id(1)),
        ("booking.created", noted["id"]), ("notetaker.scheduled", noted["id"])]
    assert sent[1]["data"]["previous_booking_id"] == created["id"]
    assert [e["id"] for e in recorded()] == [e["id"] for e in sent]


# ------------------------------------------------------------------------------------ MCP tools
def mcp_tool(name: str, arguments: dict[str, Any], request_id: int) -> dict[str, Any]:
    event = api_event("POST", "/v1/mcp", "/v1/mcp", key=RW_KEY, body={
        "jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": {"name": name, "arguments": arguments}})
    event["headers"]["Accept"] = "application/json, text/event-stream"
    event["multiValueHeaders"]["Accept"] = [event["headers"]["Accept"]]
    result = invoke("mcp", event)
    assert result["statusCode"] == 200, result["body"]
    answer = json.loads(result["body"])["result"]
    assert not answer.get("isError"), answer["content"][0]["text"]
    return answer["structuredContent"]


@pytest.mark.parametrize("then", ["cancel_booking", "reschedule_booking"])
def test_mcp_tools_send_the_same_events(receiver, then) -> None:
    secret = subscribe(receiver, "/mcp")
    created = mcp_tool("create_booking", {"event_type_id": CONSULT_ID, "start_time": sydney(DAY, 10),
                                          "invitee_name": "Mo Chen", "invitee_email": "mo@example.com"}, 1)["booking"]
    arguments = {"booking_id": created["id"]} | ({"slot": sydney(DAY, 11)} if then == "reschedule_booking" else {})
    changed = mcp_tool(then, arguments, 2)["booking"]

    sent = delivered(receiver, "/mcp", secret)
    expected = "booking.cancelled" if then == "cancel_booking" else "booking.rescheduled"
    assert only_bookings(sent) == [("booking.created", created["id"]), (expected, changed["id"])]
    assert [e["id"] for e in recorded()] == [e["id"] for e in sent]
