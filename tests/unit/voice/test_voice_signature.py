from datetime import UTC, datetime, timedelta

import pytest

from scheduling.voice.signature import InvalidSignature, sign, verify_signature

KEY = "key_retell_secret"
BODY = '{"call": {"call_id": "c1"}, "args": {"preferred_day": "monday"}}'
NOW = datetime(2026, 4, 22, 1, 0, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)


def test_a_signature_made_with_the_companys_key_over_this_body_is_accepted():
    verify_signature(BODY, KEY, sign(BODY, KEY, NOW_MS), NOW)


def test_the_digest_is_hmac_sha256_of_body_then_timestamp_keyed_with_the_retell_key():
    import hashlib
    import hmac

    expected = hmac.new(KEY.encode(), (BODY + str(NOW_MS)).encode(), hashlib.sha256).hexdigest()
    assert sign(BODY, KEY, NOW_MS) == f"v={NOW_MS},d={expected}"


def test_a_signature_four_minutes_old_is_still_accepted():
    verify_signature(BODY, KEY, sign(BODY, KEY, NOW_MS - 4 * 60_000), NOW)


@pytest.mark.parametrize(
    "header, words",
    [
        (None, "no X-Retell-Signature was sent"),
        ("sha256=abc", "not in the form"),
        (sign(BODY, "another key", NOW_MS), "does not match"),
        (sign(BODY + " ", KEY, NOW_MS), "does not match"),
        (sign(BODY, KEY, NOW_MS - 6 * 60_000), "more than 5 minutes old"),
        (sign(BODY, KEY, NOW_MS + 6 * 60_000), "more than 5 minutes old"),
    ],
    ids=["missing", "malformed", "forged-key", "body-changed", "stale", "future"],
)
def test_a_missing_forged_or_stale_signature_is_refused_with_a_401(header, words):
    with pytest.raises(InvalidSignature) as caught:
        verify_signature(BODY, KEY, header, NOW)
    assert caught.value.status == 401 and caught.value.code == "INVALID_SIGNATURE"
    assert words in caught.value.message


def test_the_timestamp_is_part_of_what_is_signed():
    header = sign(BODY, KEY, NOW_MS)
    replayed = header.replace(f"v={NOW_MS}", f"v={NOW_MS + 1000}")
    with pytest.raises(InvalidSignature):
        verify_signature(BODY, KEY, replayed, NOW + timedelta(seconds=1))
