"""The operator CLI against the table, and its keys used on real handlers (contract §7, §1)."""

from __future__ import annotations

import io
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scheduling import wiring
from scheduling.api import app as api_app
from scheduling.services.auth import hash_api_key
from tools.local_server import LocalContext
from tools.sam_template import handler_module

ROOT = Path(__file__).resolve().parents[2]


def table_args() -> list[str]:
    return ["--table", os.environ["TABLE_NAME"], "--region", "ap-southeast-2"]


def admin(*argv: str) -> tuple[int, dict, str]:
    from scheduling.admin import main

    out, err = io.StringIO(), io.StringIO()
    code = main([*table_args(), "--json", *argv], out=out, err=err)
    return code, json.loads(out.getvalue()) if code == 0 else {}, err.getvalue()


def list_users_with(key: str) -> dict:
    event = json.loads((ROOT / "events" / "list_users.json").read_text())
    event["headers"] = {"Authorization": f"Bearer {key}"}
    event["multiValueHeaders"] = {"Authorization": [f"Bearer {key}"]}
    return handler_module("list_users").lambda_handler(event, LocalContext())


@pytest.fixture
def fresh(aws, monkeypatch):
    """An empty table and an auth cache that trusts nothing, so a revocation shows at once."""
    monkeypatch.setenv("AUTH_CACHE_SECONDS", "0")
    wiring.reset()
    api_app.reset_authenticator()


def test_a_workspace_made_with_the_cli_works_until_its_key_is_revoked(fresh):
    code, company, _ = admin("create-company", "--slug", "bay-clinic", "--name", "Bay Clinic", "--timezone", "WA")
    assert code == 0 and company["timezone"] == "Australia/Perth"
    code, user, _ = admin("create-user", "--company", company["company_id"], "--name", "Ada Host",
                          "--email", "ada@bay.example", "--phone", "0412 345 678")
    assert code == 0 and user["phone"] == "+61412345678"
    code, key, _ = admin("create-key", "--company", company["company_id"], "--scopes", "company:read")
    assert code == 0 and key["key"].startswith("tp_live_") and len(key["key"]) > 40
    assert (key["rate_limit_per_minute"], key["rate_limit_per_day"]) == (60, 10_000)

    code, outlook, _ = admin("create-user", "--company", company["company_id"], "--name", "Mo Host",
                             "--email", "mo@bay.example", "--calendar-provider", "microsoft",
                             "--calendar-id", "mo.host@bay.onmicrosoft.example")
    assert code == 0 and outlook["calendar"] == {"provider": "microsoft", "id": "mo.host@bay.onmicrosoft.example"}

    answer = list_users_with(key["key"])
    assert answer["statusCode"] == 200
    listed = {u["email"]: u["calendar"] for u in json.loads(answer["body"])["data"]}
    assert listed == {"ada@bay.example": {"provider": "google", "id": "ada@bay.example"},
                      "mo@bay.example": {"provider": "microsoft", "id": "mo.host@bay.onmicrosoft.example"}}

    code, revoked, _ = admin("revoke-key", "--company", company["company_id"], "--key", key["key"])
    assert code == 0 and revoked["revoked"] == hash_api_key(key["key"])
    refused = list_users_with(key["key"])
    assert refused["statusCode"] == 401 and json.loads(refused["body"])["error"]["code"] == "UNAUTHORIZED"


def test_the_key_is_stored_only_as_its_hash_and_listed_without_secrets(fresh):
    _, company, _ = admin("create-company", "--slug", "bay-clinic", "--name", "Bay Clinic")
    _, key, _ = admin("create-key", "--company", company["company_id"], "--scopes", "company:read", "company:write",
                      "--label", "crm sync")
    stored = json.dumps(wiring.table().scan()["Items"], default=str)
    assert key["key"] not in stored and key["key_hash"] in stored
    code, listing, _ = admin("list-keys", "--company", company["company_id"])
    assert code == 0 and key["key"] not in json.dumps(listing)
    assert listing["keys"] == [{**listing["keys"][0], "key_hash": key["key_hash"], "label": "crm sync",
                                "scopes": ["company:read", "company:write"], "revoked": False}]


def test_a_cli_key_with_a_small_per_minute_limit_is_refused_past_it(fresh):
    _, company, _ = admin("create-company", "--slug", "bay-clinic", "--name", "Bay Clinic")
    _, key, _ = admin("create-key", "--company", company["company_id"], "--scopes", "company:read",
                      "--per-minute", "2")
    if datetime.now(UTC).second >= 55:  # keep the three requests inside one minute
        time.sleep(61 - datetime.now(UTC).second)
    answers = [list_users_with(key["key"]) for _ in range(3)]
    assert [a["statusCode"] for a in answers] == [200, 200, 429]
    assert 0 < int(answers[2]["multiValueHeaders"]["Retry-After"][0]) <= 60


def test_load_seed_writes_a_workspace_whose_seed_keys_work(fresh):
    code, loaded, _ = admin("load-seed", str(ROOT / "tools" / "demo-seed.json"))
    assert code == 0 and loaded["loaded"][0].startswith("harbour-physio")
    assert list_users_with("tp_test_harbour_rw")["statusCode"] == 200


@pytest.mark.parametrize(("argv", "message"), [
    (("create-user", "--company", "no-such-company", "--name", "A", "--email", "a@b.example"), "NOT_FOUND"),
    (("create-company", "--slug", "Bad Slug", "--name", "X"), "VALIDATION_ERROR"),
    (("create-company", "--slug", "ok", "--name", "X", "--timezone", "Mars"), "INVALID_TIMEZONE"),
    (("revoke-key", "--company", "no-such-company", "--key-hash", "0" * 64), "NOT_FOUND"),
])
def test_mistakes_exit_non_zero_with_the_error_code_and_a_fix(fresh, argv, message):
    code, _, err = admin(*argv)
    assert code == 1 and message in err and "fix:" in err


def test_a_second_company_with_the_same_slug_and_a_bad_email_are_refused(fresh):
    _, company, _ = admin("create-company", "--slug", "bay-clinic", "--name", "Bay Clinic")
    assert "CONFLICT" in admin("create-company", "--slug", "bay-clinic", "--name", "Copy")[2]
    assert "INVALID_EMAIL" in admin("create-user", "--company", company["company_id"], "--name", "B",
                                    "--email", "doug@resolvency.")[2]
    _, other, _ = admin("create-company", "--slug", "other", "--name", "Other")
    _, key, _ = admin("create-key", "--company", company["company_id"], "--scopes", "admin")
    assert "NOT_FOUND" in admin("revoke-key", "--company", other["company_id"], "--key", key["key"])[2]
    assert list_users_with(key["key"])["statusCode"] == 200  # still valid: the wrong company cannot revoke it


def test_local_mode_runs_against_a_throwaway_demo_workspace_on_the_same_database_as_make_run(aws, monkeypatch):
    from scheduling.admin import main
    from tests.conftest import TEST_DATABASE
    from tools import local_aws

    monkeypatch.setenv("DB", TEST_DATABASE)
    table = os.environ["TABLE_NAME"]
    out, err = io.StringIO(), io.StringIO()
    assert main(["--local", "list-keys", "--company", "0b6c3f7e-5a1d-4c1e-9d55-6f1c2a7b8e01"], out, err) == 0
    where = "DynamoDB Local" if TEST_DATABASE == "dynamodb-local" else "embedded moto"
    assert f"throwaway {where}" in err.getvalue() and "key_hash=" in out.getvalue()
    assert local_aws.backend()["database"] == TEST_DATABASE
    assert os.environ["TABLE_NAME"] == table  # the test's own table was not the one seeded
    assert wiring.companies().get("0b6c3f7e-5a1d-4c1e-9d55-6f1c2a7b8e01") is None
