"""The MCP tools of contract §9: names, descriptions, input schemas, scopes, and which route each one is.

A tool call is served by the `/scheduling/*` route of the same operation, in process (see
`mcp_server.py`): the same validation, services, idempotency and error envelope as over HTTP, so no
rule is written again here. This module only says what an agent sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scheduling.api import family
from scheduling.formatting import format_time
from scheduling.voice import texts

_BOOKING_ID = {"booking_id": {"type": "string", "description": "The booking's id (a UUID from list_bookings or "
                                                              "create_booking)."}}


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    method: str
    path: str  # the family's path; {booking_id} is filled from the arguments
    scopes: tuple[str, ...]
    schema: Callable[[], dict[str, Any]]  # built on tools/list only (pydantic schema generation is not free)
    query: bool = False  # arguments go to the query string, not the body


def _model_schema(import_path: str, extra: dict[str, Any] | None = None, required: tuple[str, ...] = ()) -> Callable[[], dict]:
    def build() -> dict[str, Any]:
        module_name, _, attr = import_path.rpartition(".")
        module = __import__(module_name, fromlist=[attr])
        schema = getattr(module, attr).model_json_schema()
        schema.pop("title", None)
        if extra:
            schema["properties"] = {**extra, **schema.get("properties", {})}
            schema["required"] = sorted({*schema.get("required", []), *extra})
        if required:
            schema["required"] = sorted({*schema.get("required", []), *required})
        return schema
    return build


def _plain(properties: dict[str, Any], required: tuple[str, ...] = ()) -> Callable[[], dict]:
    return lambda: {"type": "object", "properties": properties, "required": list(required)}


_ROUTES = "scheduling.api.routes"
_DATE = {"type": "string", "format": "date", "description": "YYYY-MM-DD, company time zone, inclusive."}

TOOLS: tuple[Tool, ...] = (
    Tool("list_bookings",
         "List the company's bookings sorted by start time. Filter by date range (from/to), status, event type, "
         "host, contact, customer or deal. Returns booking ids for get/cancel/reschedule; page with `after`.",
         "GET", "/scheduling/bookings", family.READ,
         _plain({"from": _DATE, "to": _DATE,
                 "status": {"type": "string", "enum": ["confirmed", "cancelled", "attended", "late", "no_show"]},
                 "event_type_id": {"type": "string"}, "host_id": {"type": "string"},
                 "contact_id": {"type": "string"}, "customer_id": {"type": "string"}, "deal_id": {"type": "string"},
                 "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
                 "after": {"type": "string", "description": "next_cursor of the previous page"}}), query=True),
    Tool("get_booking", "Get one booking by id: time, status, booker, host, meeting link.",
         "GET", "/scheduling/bookings/{booking_id}", family.READ, _plain(_BOOKING_ID, ("booking_id",))),
    Tool("create_booking",
         "Book a slot for an invitee. Call get_available_slots first and pass one slot's start as start_time "
         "(ISO 8601 with offset). Needs invitee_name and invitee_email. If the slot is taken the result is an "
         "error naming the nearest free alternatives: offer those and try again.",
         "POST", "/scheduling/bookings", family.WRITE,
         _model_schema(f"{_ROUTES}.create_booking.SchedulingCreateBookingBody",
                       required=("start_time", "invitee_email", "invitee_name"))),
    Tool("cancel_booking", "Cancel a booking (frees the slot, tells the invitee). Repeating it changes nothing.",
         "POST", "/scheduling/bookings/{booking_id}/cancel", family.WRITE,
         _model_schema(f"{_ROUTES}.cancel_booking.CancelBody", _BOOKING_ID)),
    Tool("reschedule_booking",
         "Move a confirmed booking to another free slot (ISO 8601 instant with offset, or 'YYYY-MM-DD HH:MM' with "
         "timezone). The result is the new booking; the old one is cancelled.",
         "POST", "/scheduling/bookings/{booking_id}/reschedule", family.WRITE,
         _model_schema(f"{_ROUTES}.reschedule_booking.SchedulingRescheduleBody", _BOOKING_ID)),
    Tool("get_available_slots",
         "Free start times of an event type between start_date and end_date (default: the next 14 days), "
         "in the given time zone. Use a slot's start with create_booking.",
         "POST", "/scheduling/available-slots", family.READ,
         _model_schema(f"{_ROUTES}.available_slots.SchedulingAvailableSlotsBody")),
    Tool("check_slot_availability",
         "Check whether one start time (ISO 8601 instant with offset) is free for an event type; when it is not, "
         "the result names the nearest free times before and after.",
         "POST", "/scheduling/check-availability", family.READ,
         _model_schema(f"{_ROUTES}.check_availability.SchedulingCheckAvailabilityBody")),
    Tool("mark_booking_attended", "Record that the invitee attended (status attended).",
         "POST", "/scheduling/bookings/{booking_id}/mark-attended", family.WRITE, _plain(_BOOKING_ID, ("booking_id",))),
    Tool("mark_booking_late", "Record that the invitee is running late (status late; sends the late notices).",
         "POST", "/scheduling/bookings/{booking_id}/mark-late", family.WRITE, _plain(_BOOKING_ID, ("booking_id",))),
    Tool("mark_booking_no_show", "Record that the invitee did not come (status no_show; schedules rebooking reminders).",
         "POST", "/scheduling/bookings/{booking_id}/mark-no-show", family.WRITE, _plain(_BOOKING_ID, ("booking_id",))),
    Tool("schedule_notetaker_for_booking",
         "Send the notetaker bot to a booking's Google Meet (joins 60 s before the start; billed per recorded minute).",
         "POST", "/scheduling/bookings/{booking_id}/notetaker", family.WRITE, _plain(_BOOKING_ID, ("booking_id",))),
    Tool("list_scheduled_event_types",
         "List the company's event types (id, name, duration, hosts). Use an id as event_type_id in other tools.",
         "GET", "/scheduling/event-types", family.READ,
         _plain({"limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
                 "after": {"type": "string"}}), query=True),
    Tool("get_scheduling_availability",
         "The working hours and date overrides of the company, or of one host (user_id).",
         "GET", "/scheduling/availability", family.READ,
         _plain({"user_id": {"type": "string", "description": "A host's id; absent = the company's hours."}}),
         query=True),
)

# Slot holds (contract §10): the JSON endpoints of the holds service, which has no /scheduling/* twin.
TOOLS += (
    Tool("hold_slot",
         "Keep a slot for a few minutes (default 300 s, 30-900) while the invitee decides: nobody else can book it. "
         "Then call create_booking with the same start_time and hold_id, or release_hold.",
         "POST", "/scheduling-bookings/holds", family.WRITE,
         _model_schema(f"{_ROUTES}.create_hold.CreateHoldBody")),
    Tool("release_hold", "Give a held slot back at once (it would free itself at expires_at anyway).",
         "DELETE", "/scheduling-bookings/holds/{hold_id}", family.WRITE,
         _plain({"hold_id": {"type": "string", "description": "hold_id from hold_slot"}}, ("hold_id",))),
)

BY_NAME = {tool.name: tool for tool in TOOLS}


def _time_of(booking: dict[str, Any]) -> str:
    return booking.get("formatted") or booking.get("starts_at") or ""


def _ending(booking: dict[str, Any]) -> str:
    """The end time as the voice texts write it (`format_time` in the booking's zone)."""
    return format_time(datetime.fromisoformat(booking["ends_at"]), ZoneInfo(booking["timezone"]))


def result_text(tool: Tool, data: Any, arguments: dict[str, Any] | None = None) -> str:
    """What an agent (or a person reading its transcript) is told; the JSON is in structuredContent.
    Booked, cancelled and rescheduled are the voice tools' sentences (`voice.texts`), filled in from
    the JSON answer and, for the booker's name and email the create's answer leaves out, `arguments`."""
    return texts.finish(_result_text(tool, data, arguments or {}))


def _result_text(tool: Tool, data: Any, arguments: dict[str, Any]) -> str:
    if not isinstance(data, dict):
        return f"{len(data)} found." if isinstance(data, list) else str(data)
    booking = data.get("booking")
    if tool.name == "create_booking" and booking:
        name = arguments.get("invitee_name") or arguments.get("fullName") or ""
        email = arguments.get("invitee_email") or arguments.get("email") or ""
        return "\n".join([
            texts.booked_sentence(name.strip(), booking["event_type_name"], booking["duration_minutes"],
                                  _time_of(booking), _ending(booking), email.strip()),
            *texts.video_lines(booking.get("google_meet_link"), video_expected=False),
            texts.booking_id_line(booking["id"])])
    if tool.name == "cancel_booking" and booking:
        already = " It was already cancelled." if data.get("already_cancelled") else ""
        return texts.cancelled_sentence(booking["event_type_name"], booking["duration_minutes"],
                                        _time_of(booking)) + already
    if tool.name == "reschedule_booking" and booking:
        return "\n".join([texts.rescheduled_sentence(booking["event_type_name"], _time_of(booking)),
                          texts.booking_id_line(booking["id"])])
    if tool.name.startswith("mark_booking_") and booking:
        return f"Booking {booking['id']} is now {booking['status']}."
    if tool.name == "check_slot_availability":
        slot = data.get("slot") or {}
        if data.get("available"):
            return f"{slot.get('formatted')} is available."
        near = [n["formatted"] for n in (data.get("nearest_before"), data.get("nearest_after")) if n]
        return f"{slot.get('formatted')} is not available ({data.get('reason')}). Nearest free: {', '.join(near) or 'none'}."
    if tool.name == "get_available_slots":
        availability = data.get("availability") or {}
        lines = [f"{d['formatted']}: {', '.join(s['formatted'] for s in d['slots'][:8])}"
                 for d in (availability.get("dates") or [])[:5]]
        return "\n".join([f"{availability.get('total_available_slots', 0)} free slots "
                          f"({availability.get('timezone')}).", *lines])
    if tool.name == "hold_slot" and "hold_id" in data:
        return (f"Held {data.get('formatted')} until {data.get('expires_at')} (hold_id {data['hold_id']}). "
                "Book it with create_booking and this hold_id.")
    if tool.name == "release_hold":
        return "Released: the slot is free again."
    if tool.name == "schedule_notetaker_for_booking":
        return str(data.get("message") or f"Notetaker {data.get('bot_id')} scheduled.")
    if tool.name == "get_booking":
        return f"{data.get('event_type_name')} with {data.get('booker_name')} on {_time_of(data)}: {data.get('status')}."
    return "Done."


def list_text(tool: Tool, items: list[dict[str, Any]]) -> str:
    if tool.name == "list_bookings":
        lines = [f"- {b['id']}: {b['event_type_name']} with {b.get('booker_name')} on {_time_of(b)} ({b['status']})"
                 for b in items]
    else:
        lines = [f"- {e.get('id')}: {e.get('name')} ({e.get('default_duration_minutes')} min)" for e in items]
    return texts.finish("\n".join([f"{len(items)} found.", *lines]))


def error_text(error: dict[str, Any]) -> str:
    """A domain failure as an agent can act on it: the code, what is wrong, what to send instead."""
    parts = [f"{error.get('code')}: {error.get('message')}"]
    if error.get("fix"):
        parts.append(f"Fix: {error['fix']}")
    details = error.get("details") or {}
    alternatives = details.get("alternatives") or []
    if alternatives:
        parts.append("Free alternatives: " + "; ".join(
            str(a.get("formatted") or a.get("starts_at") or a) for a in alternatives[:5] if isinstance(a, dict)))
    return "\n".join(parts)
