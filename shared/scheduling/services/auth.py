"""API key authentication and scope checks (contract §1)."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

from scheduling.domain.models import ApiKey
from scheduling.errors import InsufficientScope, Unauthorized

# A cached "no such key" expires sooner, so a key created a moment ago starts working quickly.
_NEGATIVE_CACHE_SECONDS = 5


@dataclass(frozen=True)
class Principal:
    company_id: str
    key_hash: str
    scopes: frozenset[str]
    rate_limit_per_minute: int | None = None
    rate_limit_per_day: int | None = None


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def extract_api_key(headers: dict[str, str]) -> str | None:
    """Bearer wins over X-API-Key when both are sent; header names are case-insensitive."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    authorization = lowered.get("authorization", "")
    scheme, _, credential = authorization.strip().partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        return credential.strip()
    api_key = lowered.get("x-api-key", "").strip()
    return api_key or None


def has_scope(granted: frozenset[str], required: str) -> bool:
    """`admin` grants everything; `x:write` implies `x:read`."""
    if "admin" in granted or required in granted:
        return True
    family, _, action = required.partition(":")
    return action == "read" and f"{family}:write" in granted


def has_any_scope(granted: frozenset[str], *any_of: str) -> bool:
    return any(has_scope(granted, scope) for scope in any_of)


def require_scope(principal: Principal, *any_of: str) -> None:
    if not has_any_scope(principal.scopes, *any_of):
        needed = " or ".join(any_of)
        # Named in message and fix: the voice tools answer text, where details.required_scopes is not seen.
        raise InsufficientScope(
            f"This API key does not have the scope this endpoint needs ({needed}).",
            fix=f"Use an API key that has the {needed} scope, or admin.",
            details={"required_scopes": list(any_of)},
        )


class Authenticator:
    """Looks keys up by hash, caching results per warm container so most requests cost no read."""

    def __init__(self, lookup, cache_seconds: int, clock=time.monotonic) -> None:  # noqa: ANN001
        self._lookup = lookup
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def authenticate(self, headers: dict[str, str]) -> Principal:
        raw_key = extract_api_key(headers)
        if raw_key is None:
            raise Unauthorized("No API key was sent.")
        key_hash = hash_api_key(raw_key)
        now = self._clock()
        with self._lock:
            cached = self._cache.get(key_hash)
        if cached and cached[0] > now:
            principal = cached[1]
        else:
            principal = self._load(key_hash)
            ttl = self._cache_seconds if principal else min(self._cache_seconds, _NEGATIVE_CACHE_SECONDS)
            with self._lock:
                self._cache[key_hash] = (now + ttl, principal)
        if principal is None:
            raise Unauthorized("The API key is not valid or has been revoked.")
        return principal

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()

    def _load(self, key_hash: str) -> Principal | None:
        api_key: ApiKey | None = self._lookup(key_hash)
        if api_key is None or api_key.revoked:
            return None
        return Principal(
            company_id=api_key.company_id,
            key_hash=key_hash,
            scopes=frozenset(api_key.scopes),
            rate_limit_per_minute=api_key.rate_limit_per_minute,
            rate_limit_per_day=api_key.rate_limit_per_day,
        )
