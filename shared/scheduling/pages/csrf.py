"""CSRF protection for the pages' form posts: a signed double-submit token.

A page that shows a form sets a cookie holding a random nonce (HttpOnly, SameSite=Strict) and puts
`<issued epoch>.<HMAC-SHA256(secret, nonce|issued|scope)>` in a hidden field. A post is accepted
only when the field verifies against the nonce in the cookie, for the same scope (the form it was
issued for: one booking's management page, or one event type's booking page), and was issued at
most `MAX_AGE` ago. A cross-site page can neither read the cookie nor compute the HMAC, so it
cannot forge the pair; a token taken from one form does not work on another.

The secret is settings.page_secret, or the Secrets Manager secret named by PAGE_SECRET_ARN.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from scheduling import wiring
from scheduling.errors import DomainError

COOKIE_NAME = "booker_csrf"
FIELD_NAME = "csrf_token"
MAX_AGE = timedelta(hours=12)
CLOCK_SKEW = timedelta(minutes=5)


class CsrfRefused(DomainError):
    code, status = "CSRF_FAILED", 403
    default_fix = "Reload the page and send the form again."


@wiring.register
@lru_cache(maxsize=1)
def page_secret() -> bytes:
    from scheduling.settings import get_settings

    settings = get_settings()
    if settings.page_secret_arn:
        from scheduling.adapters.secrets import read_secret_string

        return read_secret_string(settings.page_secret_arn).encode("utf-8")
    return settings.page_secret.encode("utf-8")


@dataclass(frozen=True)
class FormToken:
    nonce: str  # goes in the cookie
    value: str  # goes in the hidden field
    new_cookie: bool  # the nonce was made for this response (send Set-Cookie)


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def _mac(nonce: str, issued: int, scope: str) -> str:
    message = f"{nonce}|{issued}|{scope}".encode()
    digest = hmac.new(page_secret(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _usable_nonce(nonce: str | None) -> bool:
    return bool(nonce) and 16 <= len(nonce or "") <= 64 and (nonce or "").replace("-", "").replace("_", "").isalnum()


def issue(cookie_nonce: str | None, scope: str, now: datetime) -> FormToken:
    """The hidden-field value for a form of `scope`, reusing the browser's nonce when it has one."""
    fresh = not _usable_nonce(cookie_nonce)
    nonce = new_nonce() if fresh else str(cookie_nonce)
    issued = int(now.timestamp())
    return FormToken(nonce, f"{issued}.{_mac(nonce, issued, scope)}", fresh)


def verify(cookie_nonce: str | None, submitted: str | None, scope: str, now: datetime) -> None:
    """Raise CsrfRefused unless `submitted` was issued for `scope` to the holder of `cookie_nonce`."""
    refused = CsrfRefused("This form could not be accepted: it has expired or was not sent from this page.")
    if not _usable_nonce(cookie_nonce) or not submitted or len(submitted) > 200 or "." not in submitted:
        raise refused
    issued_text, mac = submitted.split(".", 1)
    if not issued_text.isdigit():
        raise refused
    issued = int(issued_text)
    age = now.timestamp() - issued
    if age > MAX_AGE.total_seconds() or age < -CLOCK_SKEW.total_seconds():
        raise refused
    if not hmac.compare_digest(mac, _mac(str(cookie_nonce), issued, scope)):
        raise refused
