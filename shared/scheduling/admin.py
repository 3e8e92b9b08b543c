"""Operator CLI (contract §7): configure a workspace without a seed file.

    python -m scheduling.admin --table <TableName> [--region ap-southeast-2] <command> …
    make admin ARGS="--table <TableName> <command> …"

Commands: load-seed FILE · create-company · create-user · create-key · revoke-key · list-keys.
`--table` is the stack output `TableName` (or `TABLE_NAME` from the environment); AWS credentials
come from the usual boto3 chain (profile, env, SSO). `--endpoint-url` points at a DynamoDB-compatible
endpoint (DynamoDB Local, a moto server). `--local` runs against a fresh table in a throwaway
DynamoDB Local (as `make run`; `DB=moto` for the embedded moto) loaded with the demo seed (or
`--seed FILE`) that disappears when the command ends: only for trying the CLI.

Keys made here look like `tp_live_<43 random characters>`, are printed once and stored only as
their SHA-256 hash, and default to 60 requests a minute and 10,000 a day (contract §1).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO, get_args

from scheduling import wiring
from scheduling.domain.models import ApiKey, CalendarProvider, Company, CompanySettings
from scheduling.errors import Conflict, DomainError, NotFound, ValidationFailed
from scheduling.services.auth import hash_api_key
from scheduling.timezones import resolve_timezone

SCOPES = ("company:read", "company:write", "scheduling:read", "scheduling:write", "scheduling:delete", "admin")
DEFAULT_PER_MINUTE = 60
DEFAULT_PER_DAY = 10_000
KEY_PREFIX = "tp_live_"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
DEMO_SEED = Path(__file__).resolve().parents[2] / "tools" / "demo-seed.json"


# ── use cases (plain functions over the repositories from wiring) ────────────────────────────
def create_company(slug: str, name: str, timezone: str, *, company_id: str | None = None,
                   notetaker_enabled: bool = False, default_country: str = "AU", credits: int = 0) -> Company:
    import uuid

    from scheduling.repositories.companies import SlugTaken

    if not SLUG.fullmatch(slug):
        raise ValidationFailed("slug", "lowercase letters, digits and hyphens, at most 63 characters")
    if not name.strip():
        raise ValidationFailed("name", "a non-empty name")
    if not re.fullmatch(r"[A-Z]{2}", default_country):
        raise ValidationFailed("default_country", "an ISO 3166 two-letter country code such as AU")
    company = Company(id=company_id or str(uuid.uuid4()), slug=slug, name=name.strip(),
                      timezone=resolve_timezone(timezone).key, credits=credits,
                      settings=CompanySettings(notetaker_enabled=notetaker_enabled, default_country=default_country))
    try:
        wiring.companies().create(company)
    except SlugTaken:
        raise Conflict(f"The company slug '{slug}' (or id) is already taken.", fix="Choose another --slug.") from None
    return company


def create_api_key(
    company_id: str, scopes: Sequence[str], now: datetime, *, per_minute: int | None = DEFAULT_PER_MINUTE,
    per_day: int | None = DEFAULT_PER_DAY, label: str | None = None,
) -> tuple[str, ApiKey]:
    """A new key for the company: (the key, shown once; what is stored, holding only its hash)."""
    _company(company_id)
    unknown = [s for s in scopes if s not in SCOPES]
    if not scopes or unknown:
        raise ValidationFailed("scopes", " / ".join(SCOPES), message=f"Unknown or missing scopes: {unknown or '[]'}.")
    for field, value in (("per_minute", per_minute), ("per_day", per_day)):
        if value is not None and value < 1:
            raise ValidationFailed(field, "a positive number of requests")
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(key_hash=hash_api_key(raw_key), company_id=company_id, scopes=list(dict.fromkeys(scopes)),
                     label=label, rate_limit_per_minute=per_minute, rate_limit_per_day=per_day, created_at=now)
    wiring.companies().put_api_key(api_key)
    return raw_key, api_key


def revoke_api_key(company_id: str, *, key_hash: str | None = None, raw_key: str | None = None) -> ApiKey:
    """Mark the company's key revoked (idempotent); the key is named by its hash or by itself."""
    key_hash = key_hash or hash_api_key(raw_key or "")
    api_key = wiring.companies().get_api_key(key_hash)
    if api_key is None or api_key.company_id != company_id:
        raise NotFound("No such API key in this company.", fix="Find the key's hash with list-keys --company <id>.")
    wiring.companies().revoke_api_key(api_key)
    return api_key.model_copy(update={"revoked": True})


def list_api_keys(company_id: str) -> list[ApiKey]:
    _company(company_id)
    return sorted(wiring.companies().list_api_keys(company_id), key=lambda k: (str(k.created_at or ""), k.key_hash))


def load_seed(path: str, now: datetime) -> list[str]:
    from scheduling.seed import apply_seed, load_seed_file

    plan = load_seed_file(path, now)
    apply_seed(plan, wiring.companies(), wiring.bookings())
    return [f"{s.company.slug} {s.company.id}: {len(s.users)} users, {len(s.event_types)} event types, "
            f"{len(s.api_keys)} API keys" for s in plan.companies]


def _company(company_id: str) -> Company:
    company = wiring.companies().get(company_id)
    if company is None:
        raise NotFound(f"No company {company_id}.", fix="Use the id printed by create-company.")
    return company


# ── command line ──────────────────────────────────────────────────────────────────────────────
def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scheduling.admin", description=__doc__.split("\n\n")[0])
    where = p.add_argument_group("where")
    where.add_argument("--table", default=os.environ.get("TABLE_NAME"), help="DynamoDB table (stack output TableName)")
    where.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
                       or "ap-southeast-2")
    where.add_argument("--endpoint-url", help="a DynamoDB-compatible endpoint (DynamoDB Local, moto server)")
    where.add_argument("--local", action="store_true",
                       help="a throwaway DynamoDB Local (DB=moto: embedded moto) with the demo workspace")
    where.add_argument("--seed", help="with --local: the seed to load (default tools/demo-seed.json)")
    p.add_argument("--json", action="store_true", help="print results as JSON")
    commands = p.add_subparsers(dest="command", required=True)

    seed = commands.add_parser("load-seed", help="load a seed file (contract §6 format)")
    seed.add_argument("file")

    company = commands.add_parser("create-company", help="create a company (tenant)")
    company.add_argument("--slug", required=True)
    company.add_argument("--name", required=True)
    company.add_argument("--timezone", default="Australia/Sydney", help="IANA name or shorthand (NSW, WA…)")
    company.add_argument("--id", help="keep this id instead of a new UUID")
    company.add_argument("--notetaker-enabled", action="store_true")
    company.add_argument("--default-country", default="AU")
    company.add_argument("--credits", type=int, default=0)

    user = commands.add_parser("create-user", help="create a user (host) of a company")
    user.add_argument("--company", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--email", required=True)
    user.add_argument("--phone")
    user.add_argument("--calendar-provider", choices=get_args(CalendarProvider), default="google",
                      help="where the host's busy time and booking events live (default google)")
    user.add_argument("--calendar-id", help="the calendar's address at the provider (default the email)")

    key = commands.add_parser("create-key", help="create an API key (printed once, stored hashed)")
    key.add_argument("--company", required=True)
    key.add_argument("--scopes", nargs="+", required=True, choices=SCOPES)
    key.add_argument("--per-minute", type=int, default=DEFAULT_PER_MINUTE)
    key.add_argument("--per-day", type=int, default=DEFAULT_PER_DAY)
    key.add_argument("--label")

    revoke = commands.add_parser("revoke-key", help="revoke an API key")
    revoke.add_argument("--company", required=True)
    named = revoke.add_mutually_exclusive_group(required=True)
    named.add_argument("--key-hash")
    named.add_argument("--key", help="the key itself (only its hash is used)")

    keys = commands.add_parser("list-keys", help="a company's API keys (hashes, scopes, limits; no secrets)")
    keys.add_argument("--company", required=True)
    return p


def run(args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    from scheduling.services.users import create_user

    if args.command == "load-seed":
        return {"loaded": load_seed(args.file, now)}
    if args.command == "create-company":
        company = create_company(args.slug, args.name, args.timezone, company_id=args.id,
                                 notetaker_enabled=args.notetaker_enabled, default_country=args.default_country,
                                 credits=args.credits)
        return {"company_id": company.id, "slug": company.slug, "name": company.name, "timezone": company.timezone}
    if args.command == "create-user":
        user = create_user(args.company, args.name, args.email, args.phone,
                           calendar_provider=args.calendar_provider, calendar_id=args.calendar_id)
        return {"user_id": user.id, "name": user.name, "email": user.email, "phone": user.phone,
                "calendar": {"provider": user.calendar_provider, "id": user.calendar_id}}
    if args.command == "create-key":
        raw_key, api_key = create_api_key(args.company, args.scopes, now, per_minute=args.per_minute,
                                          per_day=args.per_day, label=args.label)
        return {"key": raw_key, "key_hash": api_key.key_hash, "company_id": api_key.company_id,
                "scopes": api_key.scopes, "rate_limit_per_minute": api_key.rate_limit_per_minute,
                "rate_limit_per_day": api_key.rate_limit_per_day,
                "note": "The key is shown only now; only its SHA-256 hash is stored."}
    if args.command == "revoke-key":
        api_key = revoke_api_key(args.company, key_hash=args.key_hash, raw_key=args.key)
        return {"revoked": api_key.key_hash, "note": "Warm functions may accept it for up to AUTH_CACHE_SECONDS."}
    api_keys = list_api_keys(args.company)
    return {"keys": [{"key_hash": k.key_hash, "label": k.label, "scopes": k.scopes, "revoked": k.revoked,
                      "rate_limit_per_minute": k.rate_limit_per_minute, "rate_limit_per_day": k.rate_limit_per_day,
                      "created_at": k.created_at.isoformat() if k.created_at else None} for k in api_keys]}


def render(result: dict[str, Any]) -> str:
    lines = []
    for name, value in result.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{name}:")
            lines += ["  " + "  ".join(f"{k}={'-' if v is None else v}" for k, v in item.items()) for item in value]
        elif isinstance(value, list):
            lines.append(f"{name}:" + "".join(f"\n  {v}" for v in value) if value else f"{name}: (none)")
        else:
            lines.append(f"{name}: {value}")
    return "\n".join(lines)


@contextmanager
def pointed_at(args: argparse.Namespace, err: TextIO) -> Iterator[None]:
    """Point wiring at the chosen table for the duration of one command, then restore the environment."""
    saved = dict(os.environ)
    try:
        if args.local:
            from tools import dynamodb_local, local_aws
            from tools.local_inspection import seed_workspace

            database = os.environ.get("DB") or "dynamodb-local"
            # A table of its own: in a process that already has a DynamoDB Local (the tests) it is
            # shared, and the JVM this command may start stops when the command's process ends.
            os.environ["TABLE_NAME"] = f"scheduling-admin-{uuid.uuid4().hex[:8]}"
            try:
                local_aws.start(database)
            except dynamodb_local.DynamoDBLocalError as error:
                raise SystemExit(f"error: {error}") from error
            seed_workspace(Path(args.seed) if args.seed else DEMO_SEED)
            where = "DynamoDB Local" if database == "dynamodb-local" else "embedded moto"
            err.write(f"(--local: a throwaway {where} with the demo workspace; nothing is kept)\n")
        else:
            if not args.table:
                raise SystemExit("error: pass --table <TableName> (stack output), set TABLE_NAME, or use --local")
            os.environ.update({"TABLE_NAME": args.table, "AWS_REGION": args.region})
            if args.endpoint_url:
                os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = args.endpoint_url
            wiring.reset()
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        wiring.reset()


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from scheduling.seed import SeedError

    args = parser().parse_args(argv)
    with pointed_at(args, err):
        try:
            result = run(args, datetime.now(UTC))
        except DomainError as error:
            err.write(f"error: {error.code}: {error.message}\n  fix: {error.fix}\n")
            return 1
        except SeedError as error:
            err.write(f"error: invalid seed: {error}\n")
            return 2
    out.write((json.dumps(result, indent=2) if args.json else render(result)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
