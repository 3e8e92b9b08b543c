"""Isolation and scope matrix, generated from template.yaml: every /v1 route × {no key, bad key, the
other tenant's key, each of the 64 subsets of the six scopes}, with the exact status and code
(contract §1; the /scheduling/* family's either-family rule of §9, the holds' of §10).

The required scope of each route is written out here from the contract, not read from the code.
Requests that pass the scope gate use ids that do not exist or dates in the past, so granted keys do
no writes and the 64 keys of a route can be asked at once.
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from itertools import combinations
from typing import Any

import pytest

from tests.acceptance.conftest import HttpResult, LocalApi, start_server
from tests.support import seeds
from tools.sam_template import api_routes

SCOPES = ("company:read", "company:write", "scheduling:read", "scheduling:write", "scheduling:delete", "admin")
SUBSETS = [frozenset(c) for n in range(len(SCOPES) + 1) for c in combinations(SCOPES, n)]
SPARE_EVENT_TYPE_ID = "3f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4abc"
MISSING_ID = str(uuid.UUID(int=0xDEADBEEF))
PAST = "2020-01-06"
FUTURE = seeds.next_weekday(2, weeks_ahead=3).isoformat()  # a Wednesday with free time
A_PHONE = "+61412340001"  # a confirmed seeded booking of company A (booking_id(1))
NOBODYS_PHONE = "+61400009999"

# Contract §9: the /scheduling/* family admits either family's scope; scheduling:delete also deletes.
EITHER_READ = ("scheduling:read", "company:read")
EITHER_WRITE = ("scheduling:write", "company:write")
EITHER_DELETE = (*EITHER_WRITE, "scheduling:delete")

# (method, template path) -> the scope the contract requires, or the scopes any one of which will do
# (None: public).
REQUIRED: dict[tuple[str, str], str | tuple[str, ...] | None] = {
    ("GET", "/v1/health"): None,
    ("GET", "/v1/openapi.json"): None,
    ("GET", "/v1/scheduling-bookings"): "company:read",
    ("GET", "/v1/scheduling-bookings/{id}"): "company:read",
    ("POST", "/v1/scheduling-bookings"): "company:write",
    ("POST", "/v1/scheduling-bookings/{id}/cancel"): "company:write",
    ("POST", "/v1/scheduling-bookings/{id}/reschedule"): "company:write",
    ("POST", "/v1/scheduling-bookings/check-availability"): "company:read",
    ("POST", "/v1/scheduling-bookings/available-slots"): "company:read",
    ("POST", "/v1/scheduling-bookings/{id}/mark-attended"): "company:write",
    ("POST", "/v1/scheduling-bookings/{id}/mark-late"): "company:write",
    ("POST", "/v1/scheduling-bookings/{id}/mark-no-show"): "company:write",
    ("POST", "/v1/scheduling-bookings/{id}/notetaker"): "company:write",
    ("GET", "/v1/scheduled-event-types"): "company:read",
    ("POST", "/v1/scheduled-event-types"): "company:write",
    ("GET", "/v1/scheduled-event-types/{id}"): "company:read",
    ("PATCH", "/v1/scheduled-event-types/{id}"): "company:write",
    ("DELETE", "/v1/scheduled-event-types/{id}"): "company:write",
    ("GET", "/v1/scheduling-availability"): "company:read",
    ("PUT", "/v1/scheduling-availability"): "company:write",
    ("GET", "/v1/users"): "company:read",
    ("POST", "/v1/scheduling/voice/{event_type_id}/slots"): "scheduling:read",
    ("POST", "/v1/scheduling/voice/{event_type_id}/book"): "scheduling:write",
    ("POST", "/v1/scheduling/voice/cancel-booking"): "scheduling:write",
    ("POST", "/v1/scheduling/voice/reschedule-booking"): "scheduling:write",
    ("GET", "/v1/scheduling/bookings"): EITHER_READ,
    ("POST", "/v1/scheduling/bookings"): EITHER_WRITE,
    ("GET", "/v1/scheduling/bookings/{booking_id}"): EITHER_READ,
    ("POST", "/v1/scheduling/bookings/{booking_id}/cancel"): EITHER_WRITE,
    ("POST", "/v1/scheduling/bookings/{booking_id}/reschedule"): EITHER_WRITE,
    ("POST", "/v1/scheduling/bookings/{booking_id}/mark-attended"): EITHER_WRITE,
    ("POST", "/v1/scheduling/bookings/{booking_id}/mark-late"): EITHER_WRITE,
    ("POST", "/v1/scheduling/bookings/{booking_id}/mark-no-show"): EITHER_WRITE,
    ("POST", "/v1/scheduling/bookings/{booking_id}/notetaker"): EITHER_WRITE,
    ("POST", "/v1/scheduling/available-slots"): EITHER_READ,
    ("POST", "/v1/scheduling/check-availability"): EITHER_READ,
    ("GET", "/v1/scheduling/event-types"): EITHER_READ,
    ("POST", "/v1/scheduling/event-types"): EITHER_WRITE,
    ("GET", "/v1/scheduling/event-types/{event_type_id}"): EITHER_READ,
    ("PATCH", "/v1/scheduling/event-types/{event_type_id}"): EITHER_WRITE,
    ("DELETE", "/v1/scheduling/event-types/{event_type_id}"): EITHER_DELETE,
    ("GET", "/v1/scheduling/availability"): EITHER_READ,
    ("PUT", "/v1/scheduling/availability"): EITHER_WRITE,
    # contract §10 (holds: their tenancy and bounds are in tests/acceptance/test_holds_http.py)
    ("POST", "/v1/scheduling-bookings/holds"): ("company:write", "scheduling:write"),
    ("DELETE", "/v1/scheduling-bookings/holds/{hold_id}"): ("company:write", "scheduling:write"),
}

# Routes whose scope, auth and tenancy cases live in their own suites (MCP answers JSON-RPC: its tools
# per scope subset and its tenancy are in this file's last tests). They are listed so that a route nobody
# covers still fails the completeness test.
COVERED_ELSEWHERE: dict[tuple[str, str], str] = {
    ("POST", "/v1/mcp"): "tests/acceptance/test_mcp_http.py",
    **{(m, p): "tests/integration/test_webhooks.py" for m, p in (
        ("GET", "/v1/webhook-subscriptions"), ("POST", "/v1/webhook-subscriptions"),
        ("GET", "/v1/webhook-subscriptions/{id}"), ("PATCH", "/v1/webhook-subscriptions/{id}"),
        ("DELETE", "/v1/webhook-subscriptions/{id}"), ("POST", "/v1/webhook-subscriptions/{id}/rotate-secret"),
        ("POST", "/v1/webhook-subscriptions/{id}/test"), ("GET", "/v1/webhook-subscriptions/{id}/deliveries"),
        ("POST", "/v1/webhook-subscriptions/{id}/deliveries/{delivery_id}/redeliver"))},
}

# Minimal valid bodies: they pass validation, so only auth, scope and tenancy decide the answer.
_BOOKER = {"fullName": "Matrix Caller", "email": "matrix@example.com"}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/scheduling-bookings"): {"event_type_id": seeds.CONSULT_ID, "date": PAST, "time": "10:00", **_BOOKER},
    ("POST", "/v1/scheduling-bookings/{id}/cancel"): {"cancellation_reason": "matrix"},
    ("POST", "/v1/scheduling-bookings/{id}/reschedule"): {"date": FUTURE, "time": "10:00"},
    ("POST", "/v1/scheduling-bookings/check-availability"): {"event_type_id": seeds.CONSULT_ID, "date": FUTURE,
                                                             "time": "10:00"},
    ("POST", "/v1/scheduling-bookings/available-slots"): {"event_type_id": seeds.CONSULT_ID},
    ("POST", "/v1/scheduling-bookings/{id}/notetaker"): {},
    ("POST", "/v1/scheduled-event-types"): {"name": "Matrix Type", "default_duration_minutes": 30,
                                            "booking_assigned_user_ids": [seeds.JANE_ID]},
    ("PATCH", "/v1/scheduled-event-types/{id}"): {"description": "matrix"},
    ("PUT", "/v1/scheduling-availability"): {"timezone": "Australia/Sydney", "weekly_hours": seeds.WEEKDAYS_9_TO_5,
                                             "date_overrides": []},
    ("POST", "/v1/scheduling/voice/{event_type_id}/slots"): {},
    ("POST", "/v1/scheduling/voice/{event_type_id}/book"): {"slot": f"{PAST} 10:00", "name": "Matrix Caller",
                                                            "email": "matrix@example.com"},
    ("POST", "/v1/scheduling/voice/cancel-booking"): {"phone": NOBODYS_PHONE},
    ("POST", "/v1/scheduling/voice/reschedule-booking"): {"phone": NOBODYS_PHONE, "new_slot": f"{FUTURE} 10:00"},
    ("POST", "/v1/scheduling/bookings"): {"event_type_id": seeds.CONSULT_ID, "start_time": f"{PAST}T10:00:00+11:00",
                                          "invitee_name": "Matrix Caller", "invitee_email": "matrix@example.com"},
    ("POST", "/v1/scheduling/bookings/{booking_id}/cancel"): {"reason": "matrix"},
    ("POST", "/v1/scheduling/bookings/{booking_id}/reschedule"): {"slot": f"{FUTURE} 10:00"},
    ("POST", "/v1/scheduling/bookings/{booking_id}/notetaker"): {},
    ("POST", "/v1/scheduling/available-slots"): {"event_type_id": seeds.CONSULT_ID},
    ("POST", "/v1/scheduling/check-availability"): {"event_type_id": seeds.CONSULT_ID,
                                                    "slot": f"{FUTURE}T10:00:00+11:00"},
    ("POST", "/v1/scheduling/event-types"): {"name": "Matrix Family Type", "default_duration_minutes": 30,
                                             "booking_assigned_user_ids": [seeds.JANE_ID]},
    ("PATCH", "/v1/scheduling/event-types/{event_type_id}"): {"description": "matrix"},
    ("PUT", "/v1/scheduling/availability"): {"timezone": "Australia/Sydney", "working_hours": seeds.WEEKDAYS_9_TO_5,
                                             "overrides": []},
    ("POST", "/v1/scheduling-bookings/holds"): {"event_type_id": seeds.CONSULT_ID, "date": PAST, "time": "10:00"},
}


def _routes() -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in api_routes() if r.path.startswith("/v1/") and (r.method, r.path) in REQUIRED]


def _all_routes() -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in api_routes() if r.path.startswith("/v1/")]


ROUTES = _routes()
SECURED = [route for route in ROUTES if REQUIRED.get(route)]
ROUTE_IDS = [f"{m} {p}" for m, p in ROUTES]
SECURED_IDS = [f"{m} {p}" for m, p in SECURED]


def _key_for(scopes: frozenset[str]) -> str:
    return "tp_matrix_" + ("-".join(sorted(s.replace(":", "_") for s in scopes)) or "none")


def _any_of(required: str | tuple[str, ...]) -> tuple[str, ...]:
    return (required,) if isinstance(required, str) else required


def _granted(scopes: frozenset[str], required: str | tuple[str, ...]) -> bool:
    """The contract's rule: `admin` is everything, `x:write` includes `x:read`; any one of a route's
    alternatives will do."""
    def grants(one: str) -> bool:
        family, _, action = one.partition(":")
        return "admin" in scopes or one in scopes or (action == "read" and f"{family}:write" in scopes)

    return any(grants(one) for one in _any_of(required))


def _is_voice(path: str) -> bool:
    return path.startswith("/v1/scheduling/voice/")


def _is_event_type_route(path: str) -> bool:
    return "/scheduled-event-types/" in path or "/scheduling/event-types/" in path


def _url(path: str, *, booking_id: str, event_type_id: str) -> str:
    return path.replace("{event_type_id}", event_type_id).replace("{booking_id}", booking_id).replace(
        "{hold_id}", MISSING_ID).replace("{id}", event_type_id if _is_event_type_route(path) else booking_id)


def _send(api: LocalApi, method: str, path: str, *, booking_id: str = MISSING_ID, event_type_id: str = MISSING_ID,
          key: str | None = None, headers: dict[str, str] | None = None, body: Any = None) -> HttpResult:
    body = BODIES.get((method, path)) if body is None else body
    return api.request(method, _url(path, booking_id=booking_id, event_type_id=event_type_id), key=key,
                       body=body, headers=headers)


def _code(result: HttpResult, path: str) -> str:
    """The error code: the JSON envelope's, or a voice answer's `CODE WORDS:` opening."""
    if _is_voice(path):
        return result.text.split(":", 1)[0].replace(" ", "_")
    return result.json["error"]["code"]


def _assert_refused(result: HttpResult, path: str, status: int, code: str) -> None:
    assert result.status == status, (result.status, result.text[:300])
    assert _code(result, path) == code, result.text[:300]
    if _is_voice(path):
        assert result.headers.get("Content-Type", "").startswith("text/plain")
    else:
        assert result.json["error"]["status"] == status
    if status == 401:
        assert result.headers.get("WWW-Authenticate", "").startswith("Bearer"), result.headers


@pytest.fixture(scope="module")
def matrix(tmp_path_factory) -> LocalApi:
    seed = seeds.standard_seed(booking_count=6)
    company = seed["companies"][0]
    company["api_keys"] += [{"key": _key_for(scopes), "scopes": sorted(scopes)} for scopes in SUBSETS]
    company["event_types"].append({"id": SPARE_EVENT_TYPE_ID, "slug": "spare", "name": "Spare",
                                   "default_duration_minutes": 20, "hosts": ["jane@harbourphysio.example"]})
    path = tmp_path_factory.mktemp("matrix") / "seed.json"
    path.write_text(json.dumps(seed))
    process, api = start_server(path)
    yield api
    process.terminate()
    process.wait(timeout=10)


def test_every_route_of_the_template_is_in_the_matrix():
    assert sorted(_all_routes()) == sorted([*REQUIRED, *COVERED_ELSEWHERE]), \
        "a route was added or removed: say which scope it needs here (or which suite covers it)"


# ── no key, bad key ───────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("method, path", ROUTES, ids=ROUTE_IDS)
def test_a_request_without_a_key_is_401_unauthorized_except_on_public_routes(matrix, method, path):
    result = _send(matrix, method, path, booking_id=seeds.booking_id(1), event_type_id=seeds.CONSULT_ID)

    if REQUIRED[(method, path)] is None:
        assert result.status == 200, result.text[:300]
    else:
        _assert_refused(result, path, 401, "UNAUTHORIZED")


@pytest.mark.parametrize("method, path", SECURED, ids=SECURED_IDS)
def test_a_request_with_an_unknown_key_is_401_unauthorized(matrix, method, path):
    for headers in ({"Authorization": "Bearer tp_live_not_a_key"}, {"X-API-Key": "tp_live_not_a_key"},
                    {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": f"Bearer {seeds.RW_KEY}x"}):
        result = _send(matrix, method, path, booking_id=seeds.booking_id(1), event_type_id=seeds.CONSULT_ID,
                       headers=headers)

        _assert_refused(result, path, 401, "UNAUTHORIZED")


def test_no_key_and_an_invalid_body_is_still_401_not_400(matrix):
    for raw in (b"not json", b"{}", b"[1, 2]"):
        result = matrix.request("POST", "/v1/scheduling-bookings", raw=raw,
                                headers={"Content-Type": "application/json"})

        _assert_refused(result, "/v1/scheduling-bookings", 401, "UNAUTHORIZED")


# ── scopes ────────────────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("method, path", SECURED, ids=SECURED_IDS)
def test_each_scope_subset_is_403_insufficient_scope_exactly_when_it_lacks_the_routes_scope(matrix, method, path):
    required = REQUIRED[(method, path)]
    # Past dates and ids that do not exist: a key that passes the gate changes nothing.
    with ThreadPoolExecutor(max_workers=8) as pool:
        event_type_id = seeds.CONSULT_ID if _is_voice(path) else MISSING_ID
        results = list(pool.map(
            lambda scopes: _send(matrix, method, path, key=_key_for(scopes), event_type_id=event_type_id), SUBSETS))

    for scopes, result in zip(SUBSETS, results, strict=True):
        where = (sorted(scopes), result.status, result.text[:200])
        assert result.status < 500, where
        if _granted(scopes, required):
            assert result.status not in (401, 403), where
        else:
            _assert_refused(result, path, 403, "INSUFFICIENT_SCOPE")
            if _is_voice(path):
                assert required in result.text, where  # the agent's operator learns which scope to add
            else:
                assert sorted(result.json["error"]["details"]["required_scopes"]) == sorted(_any_of(required)), where


# ── the other tenant ──────────────────────────────────────────────────────────────────────────────

ID_ROUTES = [route for route in SECURED if "{" in route[1] and not _is_voice(route[1]) and "/holds/" not in route[1]]


@pytest.mark.parametrize("method, path", ID_ROUTES, ids=[f"{m} {p}" for m, p in ID_ROUTES])
def test_another_companys_booking_or_event_type_is_404_not_found_both_ways(matrix, method, path):
    event_type_route = _is_event_type_route(path)
    a_id = seeds.CONSULT_ID if event_type_route else seeds.booking_id(1)
    other_id = seeds.OTHER_EVENT_TYPE_ID if event_type_route else seeds.OTHER_BOOKING_ID

    other_asks_ours = _send(matrix, method, path, key=seeds.OTHER_KEY, booking_id=a_id, event_type_id=a_id)
    we_ask_theirs = _send(matrix, method, path, key=seeds.ADMIN_KEY, booking_id=other_id, event_type_id=other_id)
    missing = _send(matrix, method, path, key=seeds.ADMIN_KEY)

    _assert_refused(missing, path, 404, "NOT_FOUND")
    for result, asked in ((other_asks_ours, a_id), (we_ask_theirs, other_id)):
        _assert_refused(result, path, 404, "NOT_FOUND")
        assert result.text.replace(asked, "<id>") == missing.text.replace(MISSING_ID, "<id>"), \
            "another tenant's id must read exactly like a missing one"
    mine = matrix.get(f"/v1/scheduling-bookings/{seeds.booking_id(1)}", key=seeds.RW_KEY)
    assert mine.json["data"]["status"] == "confirmed"


BODY_TENANCY = [("POST", "/v1/scheduling-bookings"), ("POST", "/v1/scheduling-bookings/check-availability"),
                ("POST", "/v1/scheduling-bookings/available-slots"), ("POST", "/v1/scheduling/bookings"),
                ("POST", "/v1/scheduling/check-availability"), ("POST", "/v1/scheduling/available-slots"),
                ("POST", "/v1/scheduling-bookings/holds")]


@pytest.mark.parametrize("method, path", BODY_TENANCY, ids=[f"{m} {p}" for m, p in BODY_TENANCY])
def test_another_companys_event_type_in_a_body_is_404_event_type_not_found_without_a_leak(matrix, method, path):
    future = {"date": FUTURE, "start_time": f"{FUTURE}T10:00:00+11:00"}  # a bookable time, were it ours
    body = {**BODIES[(method, path)]}
    body.update({field: value for field, value in future.items() if field in body})
    result = _send(matrix, method, path, key=seeds.OTHER_KEY, body=body)

    _assert_refused(result, path, 404, "EVENT_TYPE_NOT_FOUND")
    for ours in (seeds.ASSESSMENT_ID, "initial-assessment", "Initial Assessment", "Harbour"):  # (the id sent is echoed)
        assert ours not in result.text
    assert [t["id"] for t in result.json["error"]["details"]["available"]] == [seeds.OTHER_EVENT_TYPE_ID]


def test_list_routes_show_only_the_keys_own_company(matrix):
    def listed(path: str) -> list[str]:
        result = matrix.get(path, key=seeds.OTHER_KEY)
        assert result.status == 200, result.text[:300]
        return [item["id"] for item in result.json["data"]]

    # one booking of ours with a contact, a customer and a deal (the seeded ones have none)
    ours = matrix.post("/v1/scheduling/bookings", {
        "event_type_id": seeds.CONSULT_ID, "start_time": f"{FUTURE}T14:00:00+11:00", "invitee_name": "Listed Once",
        "invitee_email": "listed@example.com", "company_name": "Listed Pty Ltd"}, key=seeds.RW_KEY)
    assert ours.status == 201, ours.text[:300]
    crm = ours.json["data"]["crm"]
    for bookings in ("/v1/scheduling-bookings", "/v1/scheduling/bookings"):
        assert listed(f"{bookings}?limit=100") == [seeds.OTHER_BOOKING_ID]
        assert listed(f"{bookings}?event_type_id={seeds.CONSULT_ID}") == []
    # the family's filters by our host, contact, customer and deal ids find ours for us, nothing for them
    for name, value in (("host_id", seeds.JANE_ID), *crm.items()):
        assert value, name
        mine = matrix.get(f"/v1/scheduling/bookings?{name}={value}&limit=100", key=seeds.RW_KEY).json["data"]
        assert ours.json["data"]["booking"]["id"] in [b["id"] for b in mine], name
        assert listed(f"/v1/scheduling/bookings?{name}={value}") == [], name
    for event_types in ("/v1/scheduled-event-types", "/v1/scheduling/event-types"):
        assert listed(event_types) == [seeds.OTHER_EVENT_TYPE_ID]
    assert listed("/v1/users") == ["8d2e4b10-3c5f-4a8e-b1d2-0e9f8a7b6c09"]
    for availability_path in ("/v1/scheduling-availability", "/v1/scheduling/availability"):
        availability = matrix.get(availability_path, key=seeds.OTHER_KEY)
        assert availability.status == 200 and availability.json["data"]["timezone"] == "Australia/Perth"
        _assert_refused(matrix.get(f"{availability_path}?user_id={seeds.JANE_ID}", key=seeds.OTHER_KEY),
                        availability_path, 404, "NOT_FOUND")


def test_the_other_companys_voice_agent_cannot_see_book_or_cancel_our_bookings(matrix):
    slots = _send(matrix, "POST", "/v1/scheduling/voice/{event_type_id}/slots", key=seeds.OTHER_KEY,
                  event_type_id=seeds.CONSULT_ID)
    assert slots.status == 404 and slots.text.startswith("COULD NOT LIST TIMES: "), slots.text[:300]

    book = _send(matrix, "POST", "/v1/scheduling/voice/{event_type_id}/book", key=seeds.OTHER_KEY,
                 event_type_id=seeds.CONSULT_ID,
                 body={"slot": f"{FUTURE} 10:00", "name": "X", "email": "x@example.com"})
    assert book.status == 200 and book.text.startswith("**BOOKING FAILED: "), book.text[:300]

    for path in ("/v1/scheduling/voice/cancel-booking", "/v1/scheduling/voice/reschedule-booking"):
        body = {**BODIES[("POST", path)], "phone": A_PHONE}  # the phone of our confirmed booking
        result = _send(matrix, "POST", path, key=seeds.OTHER_KEY, body=body)
        assert result.status == 200 and "FAILED: " in result.text.split("\n")[0], result.text[:300]
        assert "Booker 1" not in result.text and "Free Consultation on" not in result.text

    ours = matrix.get("/v1/scheduling-bookings?limit=100", key=seeds.RW_KEY).json["data"]
    assert {b["id"]: b["status"] for b in ours}[seeds.booking_id(1)] == "confirmed"
    assert not any(b["booker_email"] == "x@example.com" for b in ours)


# ── MCP (contract §9): each tool is the /scheduling/* route of the same operation, with its scopes ─────

MCP_READ_TOOLS = {"list_bookings", "get_booking", "get_available_slots", "check_slot_availability",
                  "list_scheduled_event_types", "get_scheduling_availability"}
MCP_WRITE_TOOLS = {"create_booking", "cancel_booking", "reschedule_booking", "mark_booking_attended",
                   "mark_booking_late", "mark_booking_no_show", "schedule_notetaker_for_booking",
                   "hold_slot", "release_hold"}


def _mcp(api: LocalApi, key: str, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """One stateless JSON-RPC request to /v1/mcp; its `result`."""
    result = api.request("POST", "/v1/mcp", key=key, body={"jsonrpc": "2.0", "id": 1, "method": method,
                                                            "params": params or {}},
                         headers={"Accept": "application/json, text/event-stream"})
    assert result.status == 200, result.text[:300]
    return result.json["result"]


def test_mcp_tools_list_shows_exactly_the_tools_each_scope_subset_may_call(matrix):
    with ThreadPoolExecutor(max_workers=8) as pool:
        listed = list(pool.map(lambda scopes: _mcp(matrix, _key_for(scopes), "tools/list"), SUBSETS))

    for scopes, result in zip(SUBSETS, listed, strict=True):
        expected = (MCP_READ_TOOLS if _granted(scopes, EITHER_READ) else set()) | (
            MCP_WRITE_TOOLS if _granted(scopes, EITHER_WRITE) else set())
        assert {tool["name"] for tool in result["tools"]} == expected, sorted(scopes)


def test_mcp_tools_treat_another_companys_booking_as_missing(matrix):
    def call(key: str, tool: str, booking_id: str) -> dict[str, Any]:
        return _mcp(matrix, key, "tools/call", {"name": tool, "arguments": {"booking_id": booking_id}})

    for tool in ("get_booking", "cancel_booking", "mark_booking_no_show"):
        theirs = call(seeds.OTHER_KEY, tool, seeds.booking_id(1))
        missing = call(seeds.OTHER_KEY, tool, MISSING_ID)

        assert theirs["isError"] is True and theirs["content"][0]["text"].startswith("NOT_FOUND"), (tool, theirs)
        assert json.dumps(theirs).replace(seeds.booking_id(1), "<id>") == \
            json.dumps(missing).replace(MISSING_ID, "<id>"), tool
    mine = matrix.get(f"/v1/scheduling-bookings/{seeds.booking_id(1)}", key=seeds.RW_KEY)
    assert mine.json["data"]["status"] == "confirmed"
