"""Every function runs on its events/ samples in-process, as `make invoke` and `sam local invoke` do."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

import pytest

from tools.local_server import LocalContext
from tools.sam_template import handler_module

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "events").glob("*.json"))


def _function_for(sample: Path) -> str:
    return sample.stem.split(".")[0]


@pytest.fixture
def demo_workspace(aws):
    from datetime import datetime

    from scheduling import wiring
    from scheduling.seed import apply_seed, load_seed_file

    plan = load_seed_file(ROOT / "tools" / "demo-seed.json", datetime.now(UTC))
    apply_seed(plan, wiring.companies(), wiring.bookings())
    return plan


def test_every_sample_names_a_function_that_exists():
    for sample in SAMPLES:
        assert (ROOT / "functions" / _function_for(sample) / "app.py").is_file(), sample.name


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_each_sample_event_gets_a_well_formed_answer_without_a_server_error(demo_workspace, sample):
    event = json.loads(sample.read_text())
    result = handler_module(_function_for(sample)).lambda_handler(event, LocalContext())
    if "httpMethod" in event:
        assert 200 <= result["statusCode"] < 500, result
        headers = {k.lower() for k in {**(result.get("headers") or {}), **(result.get("multiValueHeaders") or {})}}
        assert "content-type" in headers
    else:  # a scheduled job returns its summary of counts
        assert isinstance(result, dict)


# Samples whose answer on a fresh demo workspace is a refusal, and why; every other sample succeeds
# (2xx, and a voice tool's text is not a failure), so a sample that went stale shows up here.
REFUSED_ON_PURPOSE = {
    "booker_booking_page.post_without_form_token.json": (403, "shows the page's CSRF refusal"),
    "booker_manage_page.cancel_without_form_token.json": (403, "shows the page's CSRF refusal"),
    "create_booking.invalid_email.json": (400, "shows a validation error"),
    "route_not_found.json": (404, "shows the unknown-route answer"),
    "release_hold.json": (404, "the demo seed has no hold to release"),
    "schedule_notetaker.json": (409, "the demo booking has no meeting link (no calendar is connected)"),
    # the demo seed has no webhook subscription, and hooks.example.com does not resolve
    "create_webhook_subscription.json": (400, "its URL does not resolve"),
    **{f"{name}.json": (404, "the demo seed has no webhook subscription") for name in (
        "get_webhook_subscription", "update_webhook_subscription", "delete_webhook_subscription",
        "rotate_webhook_secret", "test_webhook_subscription", "list_webhook_deliveries", "redeliver_webhook")},
}
VOICE_FAILURES = ("**BOOKING FAILED", "RESCHEDULE FAILED", "BOOKING CANCELLATION FAILED", "COULD NOT")


@pytest.mark.parametrize("sample", [s for s in SAMPLES if "httpMethod" in json.loads(s.read_text())],
                         ids=lambda p: p.name)
def test_each_sample_succeeds_on_the_demo_workspace_unless_it_shows_a_refusal(demo_workspace, sample):
    result = handler_module(_function_for(sample)).lambda_handler(json.loads(sample.read_text()), LocalContext())
    if sample.name in REFUSED_ON_PURPOSE:
        assert result["statusCode"] == REFUSED_ON_PURPOSE[sample.name][0], result
        return
    assert 200 <= result["statusCode"] < 300, result
    assert not (result.get("body") or "").startswith(VOICE_FAILURES), result["body"]


def test_the_get_booking_sample_returns_the_demo_booking(demo_workspace):
    event = json.loads((ROOT / "events" / "get_booking.json").read_text())
    result = handler_module("get_booking").lambda_handler(event, LocalContext())
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["data"]["booker_name"] == "Sarah Johnson"


@pytest.mark.parametrize("database", ["dynamodb-local", "moto"])
def test_make_invoke_runs_a_sample_on_the_chosen_database_in_its_own_process(database):
    """`make invoke` as a newcomer runs it: a process of its own, a throwaway database it starts and
    stops (DynamoDB Local by default, like `make run`; DB=moto without Java), the demo workspace."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}", "DB": database}
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)  # not this test process's DynamoDB Local
    done = subprocess.run([sys.executable, "-m", "tools.invoke", "get_booking", "events/get_booking.json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"(invoke get_booking on {database}" in done.stderr
    result = json.loads(done.stdout)
    assert result["statusCode"] == 200 and json.loads(result["body"])["data"]["booker_name"] == "Sarah Johnson"
