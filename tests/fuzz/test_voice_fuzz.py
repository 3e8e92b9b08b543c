"""Hypothesis against the four voice tools over HTTP: random flat and Retell-envelope bodies (unicode,
wrong types, `{{unfilled}}` values, fields up to the 64 KiB limit, made-up and real slot keys,
phones and selectors) always get a short well-formed text answer, never a 5xx, and never a false
confirmation: `Booked!` / `Cancelled!` / `Rescheduled!` exactly when the bookings listed by
GET /v1/scheduling-bookings show that it happened — and nothing changes when the answer is a failure.

A dedicated server (its own seed) takes the writes; examples are derandomized and bounded.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.acceptance.conftest import LocalApi, start_server
from tests.support import seeds

MAX_ANSWER = 15_000
BODY_LIMIT = 64 * 1024
SHARED_PHONE = "+61412349999"  # three seeded bookings share it, so selectors and WHICH BOOKING? lists happen
EVENT_TYPES = [seeds.CONSULT_ID, seeds.ASSESSMENT_ID, seeds.OTHER_EVENT_TYPE_ID, "not-an-event-type"]

# What each tool may begin its answer with (contract §5 and docs/voice.md).
OPENINGS = {
    "slots": ("Offering: ", "COULD NOT LIST TIMES: "),
    "book": ("Booked! ", "**BOOKING FAILED: "),
    "cancel": ("Cancelled! ", "BOOKING CANCELLATION FAILED: ", "WHICH BOOKING? Nothing has been cancelled yet."),
    "reschedule": ("Rescheduled! ", "RESCHEDULE FAILED: ", "WHICH BOOKING? Nothing has been changed yet."),
}
FIELDS = {
    "slots": ("preferred_day", "preferred_time", "state", "timezone"),
    "book": ("slot", "name", "email", "phone", "notes", "state", "timezone"),
    "cancel": ("phone", "booking_selector", "reason"),
    "reschedule": ("phone", "booking_selector", "new_slot", "timezone"),
}
RETELL_NAMES = {"slots": "check_availability", "book": "book_appointment", "cancel": "cancel_booking",
                "reschedule": "reschedule_booking"}


def _seed() -> dict[str, Any]:
    seed = seeds.standard_seed(booking_count=12)
    for booking in seed["companies"][0]["bookings"]:
        if booking["id"] in (seeds.booking_id(1), seeds.booking_id(2), seeds.booking_id(6)):
            booking["booker_phone"] = SHARED_PHONE
    return seed


class VoiceServer:
    def __init__(self, api: LocalApi) -> None:
        self.api = api
        self.slot_keys: list[str] = []
        self.answers: dict[tuple[str, str, str], str] = {}  # (path, call_id, args) -> first answer
        self.state: dict[str, dict[str, Any]] = {}  # the bookings after the last request (only we write)

    def post(self, path: str, raw: bytes):
        return self.api.request("POST", path, key=seeds.RW_KEY, raw=raw,
                                headers={"Content-Type": "application/json"})

    def bookings(self) -> dict[str, dict[str, Any]]:
        """The company's confirmed bookings (the voice tools create and cancel only those)."""
        found: dict[str, dict[str, Any]] = {}
        query = "?limit=100&status=confirmed"
        while True:
            page = self.api.get("/v1/scheduling-bookings" + query, key=seeds.RW_KEY)
            assert page.status == 200, page.text
            found.update({b["id"]: b for b in page.json["data"]})
            cursor = page.json["pagination"]["next_cursor"]
            if not cursor:
                return found
            query = f"?limit=100&status=confirmed&after={cursor}"


@pytest.fixture(scope="module")
def voice(tmp_path_factory) -> VoiceServer:
    seed_path = tmp_path_factory.mktemp("voice-fuzz") / "seed.json"
    seed_path.write_text(json.dumps(_seed()))
    process, api = start_server(seed_path)
    try:
        server = VoiceServer(api)
        for event_type in (seeds.CONSULT_ID, seeds.ASSESSMENT_ID):
            listing = server.post(f"/v1/scheduling/voice/{event_type}/slots",
                                  json.dumps({"preferred_day": "next week"}).encode())
            server.slot_keys += re.findall(r"\[slot:([^\]]+)\]", listing.text)
        assert server.slot_keys, "the seed offers no slots to book"
        server.state = server.bookings()
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- what a confused or hostile agent sends ---------------------------------------------------------

JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                 st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))
UNFILLED = st.sampled_from(["{{email}}", "{{ customer_name }}", "call me {{name}} please", "{{}}", "{{a}}{{b}}"])
HUGE = st.tuples(st.sampled_from(["x", "é", "😀", "{"]), st.sampled_from([5_000, 15_000, 40_000, 70_000])).map(
    lambda t: t[0] * (t[1] // len(t[0].encode())))
SEEDED_PHONES = ["+61412340001", "0412 340 004", "+61 (0)412 340 005", "(04) 1234 0008", SHARED_PHONE,
                 "0412 349 999", "+14155550100"]
REALISTIC = {
    "preferred_day": st.sampled_from(["asap", "today", "tomorrow", "monday", "next week", "this week",
                                      "2026-02-30", "1999-01-01", "9999-12-31", "next monday afternoon"]),
    "preferred_time": st.sampled_from(["morning", "afternoon", "evening", "around 2pm", "14:00", "25:99", "noon", "3"]),
    "state": st.sampled_from(["NSW", "WA", "Western Australia", "QLD", "Narnia"]),
    "timezone": st.sampled_from(["Australia/Perth", "UTC", "Europe/London", "Mars/Olympus", "posix/Australia/Sydney",
                                 "America/St_Johns", "Etc/GMT+12"]),
    "name": st.sampled_from(["Sarah Jones", "Zoë O'Brien-Łukasz", "李小龍", "  ", "Robert'); DROP TABLE--"]),
    "email": st.sampled_from(["sarah@example.com", "doug@resolvency.", "no-at-sign", "ZOE@Example.COM", "a@b.c"]),
    "phone": st.sampled_from(SEEDED_PHONES + ["12", "+", "0000 000 000"]),
    "notes": st.text(max_size=200),
    "reason": st.text(max_size=100),
    "booking_selector": st.sampled_from(["1", "2", "#3", "the second", "consultation", "assessment", "9a8b7c6d",
                                         "monday", "0", "-1", "99"]),
}
MADE_UP_SLOT = st.one_of(
    st.from_regex(r"\A20[2-3][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]\Z"),
    st.sampled_from(["2026-13-01 09:00", "slot:2026-12-01 09:00", "tomorrow 9am", "2026-10-04 02:30"]),
)


def _value(name: str, real_slots: list[str]) -> st.SearchStrategy[Any]:
    if name in ("slot", "new_slot"):
        realistic = st.one_of(st.sampled_from(real_slots), st.sampled_from(real_slots).map(lambda s: f'slot:"{s}"'),
                              MADE_UP_SLOT)
    else:
        realistic = REALISTIC.get(name, st.text(max_size=20)) | st.text(max_size=40)
    return st.integers(0, 19).flatmap(
        lambda k: realistic if k < 13 else JUNK if k < 16 else UNFILLED if k < 18 else HUGE)


VALID_NAMES = st.sampled_from(["Sarah Jones", "Zoë O'Brien-Łukasz", "李小龍", "Ngā Tama"])
VALID_EMAILS = st.sampled_from(["sarah@example.com", "ZOE@Example.COM", "li+voice@example.com.au"])
VALID_PHONES = st.sampled_from(SEEDED_PHONES[:6])


def _valid_args(tool: str, real_slots: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments a well-behaved agent sends (so the happy paths, and their confirmations, happen)."""
    slot = st.sampled_from(real_slots)
    if tool == "slots":
        return st.fixed_dictionaries({}, optional={k: REALISTIC[k] for k in ("preferred_day", "preferred_time")})
    if tool == "book":
        return st.fixed_dictionaries({"slot": slot, "name": VALID_NAMES, "email": VALID_EMAILS},
                                     optional={"phone": VALID_PHONES, "notes": st.text(max_size=50)})
    if tool == "cancel":
        return st.fixed_dictionaries({"phone": VALID_PHONES}, optional={
            "booking_selector": REALISTIC["booking_selector"], "reason": st.text(max_size=50)})
    return st.fixed_dictionaries({"phone": VALID_PHONES, "new_slot": slot},
                                 optional={"booking_selector": REALISTIC["booking_selector"]})


_MISSING = object()


def _args(tool: str, real_slots: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Valid arguments; or valid ones with one field dropped or made hostile; or anything at all."""
    valid = _valid_args(tool, real_slots)
    field = st.sampled_from(FIELDS[tool])
    spoiled = st.tuples(valid, field).flatmap(lambda t: st.one_of(st.just(_MISSING), _value(t[1], real_slots)).map(
        lambda bad: {k: v for k, v in {**t[0], t[1]: bad}.items() if v is not _MISSING}))
    anything = st.fixed_dictionaries({}, optional={name: _value(name, real_slots) for name in FIELDS[tool]}).flatmap(
        lambda args: st.dictionaries(st.text(max_size=8), JUNK, max_size=2).map(lambda extra: {**extra, **args}))
    return st.one_of(valid, spoiled, spoiled, anything)


def _call() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.fixed_dictionaries({"call_id": st.uuids().map(str), "from_number": st.sampled_from(SEEDED_PHONES),
                               "to_number": st.just("+61299990000"),
                               "direction": st.sampled_from(["inbound", "outbound", "sideways"])}),
        st.fixed_dictionaries({}, optional={"call_id": JUNK, "from_number": JUNK, "direction": JUNK}),
        JUNK,
    )


def _body(tool: str, real_slots: list[str]) -> st.SearchStrategy[tuple[bytes, dict | None, Any]]:
    """(raw body, args as the server reads them or None, call) for one request."""
    args = _args(tool, real_slots)
    flat = args.map(lambda a: (a, None, a))
    envelope = st.tuples(args, _call(), st.sampled_from([RETELL_NAMES[tool], "other_tool", None])).map(
        lambda t: ({"call": t[1], "name": t[2], "args": t[0]}, t[1], t[0]))
    document = st.one_of(flat, flat, envelope, envelope)
    encoded = st.tuples(document, st.booleans()).map(
        lambda t: (json.dumps(t[0][0], ensure_ascii=t[1]).encode(), t[0][2], t[0][1]))
    not_an_object = st.sampled_from([b"", b"[]", b'"book me"', b"42", b"null", b"{", b"\xff\xfe\x00", b'{"args": 5}',
                                     b'{"args": {"slot": "\\ud800"}}', b"[" * 5000]).map(lambda raw: (raw, None, None))
    return st.one_of(encoded, encoded, encoded, not_an_object)


# -- the checks ----------------------------------------------------------------------------------------

def _assert_well_formed(tool: str, response, raw: bytes) -> str:
    assert response.status < 500, (response.status, response.text[:500])
    assert response.headers.get("Content-Type", "").startswith("text/plain"), response.headers
    assert response.headers.get("X-Request-Id")
    text = response.text
    assert text.strip(), "empty answer"
    assert len(text) < MAX_ANSWER, f"{len(text)} characters"
    assert "Traceback" not in text and "botocore" not in text and seeds.RW_KEY not in text
    longest = max(len(line) for line in text.split("\n"))
    assert longest <= 1_000, f"a {longest}-character line: what was sent is echoed back whole? {text[:300]}"
    if len(raw) > BODY_LIMIT:
        assert response.status == 413 and text.startswith("PAYLOAD TOO LARGE: "), (response.status, text[:300])
        return text
    if tool != "slots":
        assert response.status == 200, (response.status, text[:500])
    assert text.startswith(OPENINGS[tool]), text[:500]
    return text


def _assert_no_false_confirmation(tool: str, text: str, before: dict, after: dict) -> None:
    new = [b for i, b in after.items() if i not in before]
    cancelled = [b for i, b in before.items() if i not in after]  # no longer confirmed
    if tool == "book" and text.startswith("Booked!"):
        assert len(new) == 1 and not cancelled, (text, new, cancelled)
        assert new[0]["status"] == "confirmed" and f"Booking ID: {new[0]['id']}" in text, (text, new)
        assert new[0]["formatted"] in text, (text, new[0]["formatted"])
    elif tool == "cancel" and text.startswith("Cancelled!"):
        assert not new and len(cancelled) == 1, (text, new, cancelled)
        assert cancelled[0]["formatted"] in text, (text, cancelled[0]["formatted"])
    elif tool == "reschedule" and text.startswith("Rescheduled!"):
        assert len(new) == 1 and len(cancelled) == 1, (text, new, cancelled)
        assert new[0]["status"] == "confirmed" and new[0]["formatted"] in text, (text, new)
        assert new[0]["event_type_id"] == cancelled[0]["event_type_id"]
    else:
        assert not new and not cancelled, f"a failure answer, but the bookings changed: {text[:300]} {new} {cancelled}"


FUZZ = settings(derandomize=True, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck), report_multiple_bugs=False)


def _path(tool: str, event_type: str) -> str:
    if tool in ("slots", "book"):
        return f"/v1/scheduling/voice/{event_type}/{tool}"
    return f"/v1/scheduling/voice/{tool}-booking"


def _replay_key(path: str, call: Any, args: dict | None) -> tuple[str, str, str] | None:
    call_id = call.get("call_id") if isinstance(call, dict) else None
    if not isinstance(call_id, str) or not call_id.strip() or args is None:
        return None
    return path, call_id, json.dumps(args, sort_keys=True, default=str)


EXAMPLES = {"slots": 15, "book": 25, "cancel": 20, "reschedule": 20}


@pytest.mark.parametrize("tool", list(EXAMPLES))
def test_random_voice_requests_get_a_short_text_answer_and_never_a_false_confirmation(voice, tool):
    @settings(FUZZ, max_examples=EXAMPLES[tool])
    @given(request=_body(tool, voice.slot_keys), event_type=st.sampled_from(EVENT_TYPES), retry=st.booleans())
    def fuzz(request, event_type, retry) -> None:
        raw, args, call = request
        path = _path(tool, event_type)
        before = voice.state
        response = voice.post(path, raw)
        text = _assert_well_formed(tool, response, raw)
        replay = _replay_key(path, call, args)
        if replay in voice.answers:  # Retell's retry of an answered call: the same answer, nothing done
            assert text == voice.answers[replay]
            if tool != "slots":
                voice.state = voice.bookings()
                assert voice.state.keys() == before.keys()
            return
        if replay is not None and response.status == 200:
            voice.answers[replay] = text
        if tool != "slots":
            voice.state = after = voice.bookings()
            _assert_no_false_confirmation(tool, text, before, after)
        if retry and replay is not None and response.status == 200:  # Retell gave up waiting and asks again
            again = voice.post(path, raw)
            assert again.text == text, (text[:200], again.text[:200])
            if tool != "slots":
                voice.state = voice.bookings()
                assert voice.state.keys() == after.keys()

    # Each field, and an argument's name, as large as the 64 KiB body limit allows.
    for args in [{field: "x" * 60_000} for field in FIELDS[tool]] + [{"k" * 60_000: "{{unfilled}}"}]:
        fuzz = example(request=(json.dumps(args).encode(), args, None), event_type=seeds.CONSULT_ID, retry=False)(fuzz)
    fuzz()
