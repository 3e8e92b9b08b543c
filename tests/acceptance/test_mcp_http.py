"""POST /v1/mcp with the official MCP client (`mcp` package) against the local server (contract §9)."""

from __future__ import annotations

import anyio
import httpx2
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

from tests.support.seeds import CONSULT_ID, RO_KEY, RW_KEY, next_weekday, sydney

THURSDAY = next_weekday(3, weeks_ahead=3)
WRITE_TOOLS = {"hold_slot", "release_hold",
               "create_booking", "cancel_booking", "reschedule_booking", "mark_booking_attended", "mark_booking_late",
               "mark_booking_no_show", "schedule_notetaker_for_booking"}
READ_TOOLS = {"list_bookings", "get_booking", "get_available_slots", "check_slot_availability",
              "list_scheduled_event_types", "get_scheduling_availability"}


def converse(api, key: str, conversation):  # noqa: ANN001, ANN201
    """Run `conversation(session)` over one MCP client session with `key`; return what it returns."""
    async def main():  # noqa: ANN202
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
            async with streamable_http_client(f"{api.base}/v1/mcp", http_client=http,
                                              terminate_on_close=False) as streams:
                read, write = streams[0], streams[1]
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    return await conversation(session)
    return anyio.run(main)


def test_tools_list_is_filtered_by_the_keys_scopes_and_each_tool_has_a_schema(api) -> None:
    async def names(session):  # noqa: ANN001, ANN202
        return {t.name: t for t in (await session.list_tools()).tools}

    full = converse(api, RW_KEY, names)
    read_only = converse(api, RO_KEY, names)

    assert set(full) == READ_TOOLS | WRITE_TOOLS
    assert set(read_only) == READ_TOOLS
    create = full["create_booking"]
    assert create.description and {"start_time", "invitee_email", "invitee_name"} <= set(create.input_schema["required"])
    assert "notes" in create.input_schema["properties"]
    assert "booking_id" in full["cancel_booking"].input_schema["required"]


def test_a_whole_conversation_slots_create_the_same_slot_again_then_cancel(api) -> None:
    async def conversation(session):  # noqa: ANN001, ANN202
        slots = await session.call_tool("get_available_slots", {
            "event_type_id": CONSULT_ID, "start_date": THURSDAY.isoformat(), "end_date": THURSDAY.isoformat(),
            "timezone": "NSW"})
        first = slots.structured_content["availability"]["dates"][0]["slots"][0]["time"]
        start = sydney(THURSDAY, int(first[:2]), int(first[3:]))
        args = {"event_type_id": CONSULT_ID, "start_time": start, "invitee_email": "mo@example.com",
                "invitee_name": "Mo Chen", "timezone": "NSW"}
        created = await session.call_tool("create_booking", args)
        again = await session.call_tool("create_booking", {**args, "invitee_email": "other@example.com"})
        booking_id = created.structured_content["booking"]["id"]
        cancelled = await session.call_tool("cancel_booking", {"booking_id": booking_id})
        return slots, created, again, cancelled

    slots, created, again, cancelled = converse(api, RW_KEY, conversation)

    assert not slots.is_error and "free slots" in slots.content[0].text
    assert not created.is_error, created.content[0].text
    assert created.structured_content["success"] is True
    booking = created.structured_content["booking"]
    # the voice tools' sentences (contract §9: "the voice texts of §5 where one exists")
    assert created.content[0].text.startswith(
        f"Booked! Mo Chen's Free Consultation (30 min) is confirmed for {booking['formatted']}, ending at "), \
        created.content[0].text
    assert "A confirmation has been sent to mo@example.com." in created.content[0].text
    assert created.content[0].text.endswith(f"Booking ID: {booking['id']}")
    assert again.is_error is True
    assert again.content[0].text.startswith("SLOT_UNAVAILABLE:") and "Fix:" in again.content[0].text
    assert not cancelled.is_error and cancelled.structured_content["booking"]["status"] == "cancelled"
    assert cancelled.content[0].text == \
        f"Cancelled! Your Free Consultation (30 min) on {booking['formatted']} has been cancelled."


def test_a_read_only_key_calling_a_write_tool_gets_an_error_result_not_a_protocol_error(api) -> None:
    async def conversation(session):  # noqa: ANN001, ANN202
        return await session.call_tool("create_booking", {
            "event_type_id": CONSULT_ID, "start_time": sydney(THURSDAY, 11), "invitee_email": "ro@example.com",
            "invitee_name": "Read Only"})

    result = converse(api, RO_KEY, conversation)

    assert result.is_error is True
    assert result.content[0].text.startswith("INSUFFICIENT_SCOPE:") and "Fix:" in result.content[0].text
    listed = api.get(f"/v1/scheduling/bookings?from={THURSDAY.isoformat()}&to={THURSDAY.isoformat()}", key=RW_KEY)
    assert "ro@example.com" not in listed.text


def test_a_bad_email_or_unknown_booking_is_an_error_result_naming_code_and_fix(api) -> None:
    async def conversation(session):  # noqa: ANN001, ANN202
        bad = await session.call_tool("create_booking", {
            "event_type_id": CONSULT_ID, "start_time": sydney(THURSDAY, 12), "invitee_email": "doug@resolvency.",
            "invitee_name": "Doug"})
        missing = await session.call_tool("get_booking", {"booking_id": "9a8b7c6d-5e4f-4a3b-2c1d-000000000999"})
        return bad, missing

    bad, missing = converse(api, RW_KEY, conversation)
    assert bad.is_error and bad.content[0].text.startswith("INVALID_EMAIL:") and "Fix:" in bad.content[0].text
    assert missing.is_error and missing.content[0].text.startswith("NOT_FOUND:")


def test_no_key_is_http_401_with_www_authenticate(api) -> None:
    response = api.post("/v1/mcp", {"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                        headers={"Accept": "application/json, text/event-stream"})
    assert response.status == 401
    assert response.headers.get("WWW-Authenticate") == "Bearer"


def test_hold_slot_keeps_it_from_others_and_create_with_hold_id_books_it(api) -> None:
    start = sydney(THURSDAY, 14)

    async def conversation(session):  # noqa: ANN001, ANN202
        held = await session.call_tool("hold_slot", {"event_type_id": CONSULT_ID, "start_time": start})
        hold_id = held.structured_content["hold_id"]
        booking = {"event_type_id": CONSULT_ID, "start_time": start, "invitee_name": "Ana", "timezone": "NSW"}
        taken = await session.call_tool("create_booking", {**booking, "invitee_email": "someone@example.com"})
        booked = await session.call_tool("create_booking", {**booking, "invitee_email": "ana@example.com",
                                                            "hold_id": hold_id})
        second = await session.call_tool("hold_slot", {"event_type_id": CONSULT_ID, "start_time": sydney(THURSDAY, 15)})
        released = await session.call_tool("release_hold", {"hold_id": second.structured_content["hold_id"]})
        return held, taken, booked, released

    held, taken, booked, released = converse(api, RW_KEY, conversation)
    assert not held.is_error, held.content[0].text
    assert taken.is_error and taken.content[0].text.startswith("SLOT_UNAVAILABLE:")
    assert taken.structured_content["error"]["details"]["reason"] == "held"
    assert not booked.is_error, booked.content[0].text
    assert not released.is_error and released.content[0].text.startswith("Released")


def test_reschedule_tells_the_agent_what_the_voice_tool_says(api) -> None:
    created = api.post("/v1/scheduling/bookings", {
        "event_type_id": CONSULT_ID, "start_time": sydney(THURSDAY, 15), "invitee_email": "rita@example.com",
        "invitee_name": "Rita Moss"}, key=RW_KEY)
    assert created.status == 201, created.text

    async def conversation(session):  # noqa: ANN001, ANN202
        return await session.call_tool("reschedule_booking", {
            "booking_id": created.json["data"]["booking"]["id"], "slot": sydney(THURSDAY, 16)})

    moved = converse(api, RW_KEY, conversation)

    assert not moved.is_error, moved.content[0].text
    booking = moved.structured_content["booking"]
    assert moved.content[0].text == (f"Rescheduled! Your Free Consultation is now confirmed for {booking['formatted']}.\n"
                                     f"The previous booking has been cancelled.\nBooking ID: {booking['id']}")
