"""The four Lambda handlers on their sample events: text/plain, auth, and X-Retell-Signature."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from voice_fixtures import VOICE_KEY, load, voice_seed

from scheduling.voice.signature import sign
from tools.local_server import LocalContext
from tools.sam_template import handler_module

EVENTS = Path(__file__).resolve().parents[3] / "events"
RETELL_KEY = "key_retell_test_secret"


def invoke(function: str, *, key: str | None = VOICE_KEY, args: dict | None = None, headers: dict | None = None,
           body: str | None = None) -> dict:
    event = json.loads((EVENTS / f"{function}.json").read_text())
    if args is not None:
        envelope = json.loads(event["body"])
        envelope["args"] = args
        event["body"] = json.dumps(envelope)
    if body is not None:
        event["body"] = body
    event["headers"] = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {}),
                        **(headers or {})}
    event["multiValueHeaders"] = {k: [v] for k, v in event["headers"].items()}
    return handler_module(function).lambda_handler(event, LocalContext())


def content_type(result: dict) -> str:
    headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
    for k, v in (result.get("multiValueHeaders") or {}).items():
        headers[k.lower()] = v[0]
    return headers.get("content-type", "")


@pytest.fixture
def signed_workspace(aws):
    load(voice_seed(retell_api_key=RETELL_KEY))


@pytest.mark.parametrize("function", ["voice_slots", "voice_book", "voice_cancel_booking", "voice_reschedule_booking"])
def test_every_voice_tool_answers_text_plain(aws, function):
    load(voice_seed())
    result = invoke(function)
    assert content_type(result) == "text/plain; charset=utf-8"
    assert result["statusCode"] == 200
    assert not result["body"].lstrip().startswith("{")


def test_no_api_key_is_a_401_in_words_not_a_json_envelope(aws):
    load(voice_seed())
    result = invoke("voice_book", key=None)
    assert (result["statusCode"], content_type(result)) == (401, "text/plain; charset=utf-8")
    assert result["body"].startswith("UNAUTHORIZED: No API key was sent.\nWhat to do: Send your API key")


def test_a_read_only_key_cannot_book(aws):
    load(voice_seed())
    result = invoke("voice_book", key="tp_test_voice_read")
    assert result["statusCode"] == 403
    assert result["body"].startswith("INSUFFICIENT SCOPE: ")


def test_a_company_without_a_retell_key_accepts_unsigned_calls(aws):
    load(voice_seed())
    assert invoke("voice_slots", args={})["statusCode"] == 200


def test_a_valid_signature_is_accepted(signed_workspace):
    body = json.dumps({"call": {"call_id": "c1"}, "args": {"preferred_day": "tomorrow"}})
    signature = sign(body, RETELL_KEY, int(time.time() * 1000))
    result = invoke("voice_slots", body=body, headers={"X-Retell-Signature": signature})
    assert result["statusCode"] == 200 and result["body"].startswith("Offering: Free Consultation")


@pytest.mark.parametrize(
    "make_header, words",
    [
        (lambda body: None, "no X-Retell-Signature was sent"),
        (lambda body: sign(body, "someone else's key", int(time.time() * 1000)), "does not match"),
        (lambda body: sign(body.replace("tomorrow", "today"), RETELL_KEY, int(time.time() * 1000)), "does not match"),
        (lambda body: sign(body, RETELL_KEY, int(time.time() * 1000) - 6 * 60_000), "more than 5 minutes old"),
    ],
    ids=["missing", "forged", "other-body", "stale"],
)
def test_a_missing_forged_or_stale_signature_is_refused_before_anything_happens(signed_workspace, make_header, words):
    body = json.dumps({"call": {"call_id": "c1"}, "args": {"preferred_day": "tomorrow"}})
    header = make_header(body)
    result = invoke("voice_book", body=body, headers={"X-Retell-Signature": header} if header else {})
    assert result["statusCode"] == 401
    assert result["body"].startswith("INVALID SIGNATURE: ") and words in result["body"]
