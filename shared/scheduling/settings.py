"""All configuration, read from the environment once and validated (a bad value fails loudly, by name)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str = Field(default="scheduling", min_length=3)
    aws_region: str = "ap-southeast-2"
    app_base_url: str = "http://127.0.0.1:3000"
    # "local" adapters record what would be sent (GET /_local/outbox); the others talk to real services.
    calendar_backend: Literal["local", "google"] = "local"
    email_backend: Literal["local", "ses"] = "local"
    sms_backend: Literal["local", "sns"] = "local"
    notetaker_backend: Literal["local", "http"] = "local"
    google_credentials_secret_arn: str | None = None
    email_from: str = "bookings@example.com"
    notetaker_base_url: str | None = None
    notetaker_api_key_secret_arn: str | None = None
    # How long a warm function trusts a cached API key lookup; revocation takes effect within it.
    auth_cache_seconds: int = Field(default=60, ge=0, le=3600)
    # Booker pages (docs/booker-pages.md): the HMAC key of their CSRF tokens. Deployed stacks read it
    # from Secrets Manager (PAGE_SECRET_ARN); the default only serves the local server and tests.
    page_secret: str = Field(default="local-booker-pages-secret-not-for-production", min_length=16)
    page_secret_arn: str | None = None


_ENV_NAMES = {
    "table_name": "TABLE_NAME",
    "aws_region": "AWS_REGION",
    "app_base_url": "APP_BASE_URL",
    "calendar_backend": "CALENDAR_BACKEND",
    "email_backend": "EMAIL_BACKEND",
    "sms_backend": "SMS_BACKEND",
    "notetaker_backend": "NOTETAKER_BACKEND",
    "google_credentials_secret_arn": "GOOGLE_CREDENTIALS_SECRET_ARN",
    "email_from": "EMAIL_FROM",
    "notetaker_base_url": "NOTETAKER_BASE_URL",
    "notetaker_api_key_secret_arn": "NOTETAKER_API_KEY_SECRET_ARN",
    "auth_cache_seconds": "AUTH_CACHE_SECONDS",
    "page_secret": "PAGE_SECRET",
    "page_secret_arn": "PAGE_SECRET_ARN",
}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    values = {field: os.environ[env] for field, env in _ENV_NAMES.items() if os.environ.get(env)}
    return Settings.model_validate(values)
