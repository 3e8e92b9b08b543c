from __future__ import annotations

import pytest

from scheduling.domain.models import ApiKey
from scheduling.errors import InsufficientScope, Unauthorized
from scheduling.services.auth import Authenticator, extract_api_key, has_scope, hash_api_key, require_scope


def test_bearer_wins_over_x_api_key_when_both_are_sent():
    assert extract_api_key({"Authorization": "Bearer first", "X-API-Key": "second"}) == "first"


def test_x_api_key_is_read_whatever_the_header_case():
    assert extract_api_key({"x-api-key": " k1 "}) == "k1"


def test_no_usable_header_means_no_key():
    assert extract_api_key({"Authorization": "Basic abc"}) is None
    assert extract_api_key({}) is None


@pytest.mark.parametrize(
    ("granted", "required", "allowed"),
    [
        ({"company:write"}, "company:read", True),
        ({"company:read"}, "company:write", False),
        ({"scheduling:write"}, "company:read", False),
        ({"scheduling:write"}, "scheduling:read", True),
        ({"admin"}, "company:write", True),
    ],
)
def test_write_scopes_imply_read_of_the_same_family_and_admin_implies_all(granted, required, allowed):
    assert has_scope(frozenset(granted), required) is allowed


class CountingLookup:
    def __init__(self, keys: dict[str, ApiKey]):
        self.keys = keys
        self.calls = 0

    def __call__(self, key_hash: str):
        self.calls += 1
        return self.keys.get(key_hash)


def _key(raw: str, **overrides) -> ApiKey:
    return ApiKey(key_hash=hash_api_key(raw), company_id="c1", scopes=["company:read"], **overrides)


def test_a_warm_function_looks_a_key_up_once_until_the_cache_expires():
    lookup = CountingLookup({hash_api_key("good"): _key("good")})
    clock = [0.0]
    auth = Authenticator(lookup, cache_seconds=60, clock=lambda: clock[0])
    for _ in range(5):
        assert auth.authenticate({"X-API-Key": "good"}).company_id == "c1"
    assert lookup.calls == 1
    clock[0] = 61
    auth.authenticate({"X-API-Key": "good"})
    assert lookup.calls == 2


def test_unknown_and_revoked_keys_are_unauthorized():
    lookup = CountingLookup({hash_api_key("old"): _key("old", revoked=True)})
    auth = Authenticator(lookup, cache_seconds=60)
    with pytest.raises(Unauthorized):
        auth.authenticate({"X-API-Key": "nope"})
    with pytest.raises(Unauthorized):
        auth.authenticate({"Authorization": "Bearer old"})
    with pytest.raises(Unauthorized):
        auth.authenticate({})


def test_missing_scope_names_the_scopes_that_would_do():
    principal = Authenticator(CountingLookup({hash_api_key("k"): _key("k")}), 60).authenticate({"X-API-Key": "k"})
    with pytest.raises(InsufficientScope) as raised:
        require_scope(principal, "company:write")
    assert raised.value.details == {"required_scopes": ["company:write"]}
