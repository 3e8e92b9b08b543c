"""`X-Retell-Signature: v=<unix ms>,d=<hex>` where d = HMAC-SHA256(key=Retell API key, body + "<ms>").

Verified only when the company has a `retell_api_key`; then a missing, malformed, forged or
stale (more than 5 minutes from now, either way) signature is refused before anything is read.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime

from scheduling.errors import Unauthorized

MAX_SKEW_MS = 5 * 60 * 1000
_HEADER = re.compile(r"\s*v=(?P<ms>[0-9]{1,16})\s*,\s*d=(?P<digest>[0-9a-fA-F]{64})\s*")


class InvalidSignature(Unauthorized):
    code = "INVALID_SIGNATURE"
    default_fix = (
        "Send the request from Retell (it signs tool calls with X-Retell-Signature), or remove the "
        "Retell API key from the company's settings to accept unsigned calls."
    )


def digest(body: str, api_key: str, timestamp_ms: int) -> str:
    message = (body + str(timestamp_ms)).encode("utf-8")
    return hmac.new(api_key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(body: str, api_key: str, timestamp_ms: int) -> str:
    """The header value Retell would send for `body` at `timestamp_ms` (tests and tools)."""
    return f"v={timestamp_ms},d={digest(body, api_key, timestamp_ms)}"


def verify_signature(body: str, api_key: str, header: str | None, now: datetime) -> None:
    """Raise `InvalidSignature` unless `header` signs `body` with `api_key` within 5 minutes of `now`."""
    if not header:
        raise InvalidSignature("This company requires signed Retell requests and no X-Retell-Signature was sent.")
    match = _HEADER.fullmatch(header)
    if not match:
        raise InvalidSignature("The X-Retell-Signature header is not in the form v=<milliseconds>,d=<hex digest>.")
    timestamp_ms = int(match["ms"])
    if abs(now.timestamp() * 1000 - timestamp_ms) > MAX_SKEW_MS:
        raise InvalidSignature("The X-Retell-Signature is more than 5 minutes old (or from the future).")
    if not hmac.compare_digest(digest(body, api_key, timestamp_ms), match["digest"].lower()):
        raise InvalidSignature("The X-Retell-Signature does not match the request body.")


def header_value(headers: dict[str, str] | None) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == "x-retell-signature":
            return value
    return None
