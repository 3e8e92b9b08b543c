"""All configuration, read from the environment once and validated (a bad value fails loudly, by name).

A NamedTuple checked by hand rather than a pydantic model or a dataclass: every function imports
it, and a model costs a schema build, a dataclass ≈ 1.6 ms of generated code (issue #10). The checks
are the ones the model had: length minimums, the backend choices, the auth cache range.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal, NamedTuple

_BACKENDS = {
    # `live`: the real providers whose secrets are set; `google` is its older name, still accepted.
    "calendar_backend": ("local", "live", "google"),
    "email_backend": ("local", "ses"),
    "sms_backend": ("local", "sns"),
    "notetaker_backend": ("local", "http"),
    # `on` (make run): webhook receivers at http(s)://127.0.0.1 or localhost are allowed (docs/webhooks.md).
    "webhooks_local_receivers": ("off", "on"),
    # Who makes an event's first attempt after the commit: a background thread of the process that
    # committed (make run, tests) or the DynamoDB Stream's fan-out function (deployed; docs/webhooks.md).
    "webhooks_first_attempt": ("thread", "stream"),
}
_MIN_LENGTHS = {"table_name": 3, "page_secret": 16}
_AUTH_CACHE_RANGE = (0, 3600)


class Settings(NamedTuple):
    table_name: str = "scheduling"
    aws_region: str = "ap-southeast-2"
    app_base_url: str = "http://127.0.0.1:3000"
    # "local" adapters record what would be sent (GET /_local/outbox); the others talk to real services.
    calendar_backend: Literal["local", "live", "google"] = "local"
    email_backend: Literal["local", "ses"] = "local"
    sms_backend: Literal["local", "sns"] = "local"
    notetaker_backend: Literal["local", "http"] = "local"
    google_credentials_secret_arn: str | None = None
    microsoft_credentials_secret_arn: str | None = None  # docs/calendars.md
    email_from: str = "bookings@example.com"
    notetaker_base_url: str | None = None
    notetaker_api_key_secret_arn: str | None = None
    # How long a warm function trusts a cached API key lookup; revocation takes effect within it.
    auth_cache_seconds: int = 60
    # Booker pages (docs/booker-pages.md): the HMAC key of their CSRF tokens. Deployed stacks read it
    # from Secrets Manager (PAGE_SECRET_ARN); the default only serves the local server and tests.
    page_secret: str = "local-booker-pages-secret-not-for-production"
    page_secret_arn: str | None = None
    webhooks_local_receivers: Literal["off", "on"] = "off"
    webhooks_first_attempt: Literal["thread", "stream"] = "thread"

    def validated(self) -> Settings:
        """These settings, or ValueError naming the environment variable of the first bad value."""
        for name, minimum in _MIN_LENGTHS.items():
            if len(getattr(self, name)) < minimum:
                raise ValueError(f"{_ENV_NAMES[name]} must be at least {minimum} characters long")
        for name, choices in _BACKENDS.items():
            if getattr(self, name) not in choices:
                raise ValueError(f"{_ENV_NAMES[name]} must be one of {', '.join(choices)}, not {getattr(self, name)!r}")
        low, high = _AUTH_CACHE_RANGE
        if not isinstance(self.auth_cache_seconds, int) or not low <= self.auth_cache_seconds <= high:
            raise ValueError(f"AUTH_CACHE_SECONDS must be a whole number of seconds from {low} to {high}")
        return self

    @classmethod
    def from_values(cls, values: dict[str, str]) -> Settings:
        """Settings from raw strings by field name (the environment's values)."""
        typed: dict[str, object] = dict(values)
        if "auth_cache_seconds" in values:
            raw = values["auth_cache_seconds"].strip()
            try:
                typed["auth_cache_seconds"] = int(raw)
            except ValueError:
                raise ValueError(f"AUTH_CACHE_SECONDS must be a whole number of seconds, not {raw!r}") from None
        return cls(**typed).validated()  # type: ignore[arg-type]


_ENV_NAMES = {
    "table_name": "TABLE_NAME",
    "aws_region": "AWS_REGION",
    "app_base_url": "APP_BASE_URL",
    "calendar_backend": "CALENDAR_BACKEND",
    "email_backend": "EMAIL_BACKEND",
    "sms_backend": "SMS_BACKEND",
    "notetaker_backend": "NOTETAKER_BACKEND",
    "google_credentials_secret_arn": "GOOGLE_CREDENTIALS_SECRET_ARN",
    "microsoft_credentials_secret_arn": "MICROSOFT_CREDENTIALS_SECRET_ARN",
    "email_from": "EMAIL_FROM",
    "notetaker_base_url": "NOTETAKER_BASE_URL",
    "notetaker_api_key_secret_arn": "NOTETAKER_API_KEY_SECRET_ARN",
    "auth_cache_seconds": "AUTH_CACHE_SECONDS",
    "page_secret": "PAGE_SECRET",
    "page_secret_arn": "PAGE_SECRET_ARN",
    "webhooks_local_receivers": "WEBHOOKS_LOCAL_RECEIVERS",
    "webhooks_first_attempt": "WEBHOOKS_FIRST_ATTEMPT",
}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    values = {field: os.environ[env] for field, env in _ENV_NAMES.items() if os.environ.get(env)}
    return Settings.from_values(values)
