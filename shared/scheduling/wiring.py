"""The one place dependencies are built: cached factories, created on first use, never at import."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from scheduling.settings import get_settings

# Throttling, 5xx answers and timeouts are retried by botocore ("standard" mode:
# exponential backoff with full jitter, at most 1 + 2 s of sleep here). 3 attempts × a 2 s read
# timeout + backoff stays under the functions' 15 s timeout, so an exhausted retry still answers
# 503 TEMPORARILY_UNAVAILABLE (observability.transient_failure) rather than timing out. (The
# default "legacy" mode retries DynamoDB 10 times, up to ~25 s: past the Lambda timeout.)
DYNAMODB_RETRIES = {"mode": "standard", "total_max_attempts": 3}


@lru_cache(maxsize=1)
def table() -> Any:
    import boto3
    from botocore.config import Config

    from scheduling import observability

    settings = get_settings()
    config = Config(retries=DYNAMODB_RETRIES, connect_timeout=1, read_timeout=2)  # type: ignore[arg-type]
    resource = boto3.resource("dynamodb", region_name=settings.aws_region, config=config)
    observability.logger()  # structured logs for every process that uses the table, jobs included
    observability.instrument_dynamodb(resource.meta.client)
    return resource.Table(settings.table_name)


@lru_cache(maxsize=1)
def companies() -> Any:
    from scheduling.repositories.companies import CompanyRepository

    return CompanyRepository(table())


@lru_cache(maxsize=1)
def bookings() -> Any:
    from scheduling.repositories.bookings import BookingRepository

    return BookingRepository(table())


# Adapters: the local ones record into scheduling.adapters.outbox.OUTBOX (GET /_local/outbox).
@lru_cache(maxsize=1)
def calendar() -> Any:
    """`HostCalendars`: each host's calendar through their own provider (contract §11).

    Live, a provider is available when its secret is configured; its adapter (and client library)
    is built the first time a host of that provider is asked about."""
    from scheduling.adapters.calendar.hosts import HostCalendars

    settings = get_settings()
    if settings.calendar_backend == "local":
        return HostCalendars.local()
    secrets = {"google": settings.google_credentials_secret_arn,
               "microsoft": settings.microsoft_credentials_secret_arn}
    if not any(secrets.values()):
        raise RuntimeError(f"CALENDAR_BACKEND={settings.calendar_backend} needs GOOGLE_CREDENTIALS_SECRET_ARN "
                           "or MICROSOFT_CREDENTIALS_SECRET_ARN")
    return HostCalendars({provider: _calendar_factory(provider, arn) for provider, arn in secrets.items() if arn})


def _calendar_factory(provider: str, secret_arn: str) -> Any:
    def build() -> Any:
        from importlib import import_module

        from scheduling.adapters.secrets import read_secret_string

        module = import_module(f"scheduling.adapters.calendar.{provider}")
        return module.from_secret(read_secret_string(secret_arn))

    return build


@lru_cache(maxsize=1)
def email() -> Any:
    settings = get_settings()
    if settings.email_backend == "ses":
        from scheduling.adapters.email import SesEmail

        return SesEmail(settings.email_from)
    from scheduling.adapters.email import LocalEmail

    return LocalEmail()


@lru_cache(maxsize=1)
def sms() -> Any:
    if get_settings().sms_backend == "sns":
        from scheduling.adapters.sms import SnsSms

        return SnsSms()
    from scheduling.adapters.sms import LocalSms

    return LocalSms()


@lru_cache(maxsize=1)
def notetaker() -> Any:
    settings = get_settings()
    if settings.notetaker_backend == "http":
        from scheduling.adapters.notetaker import HttpNotetaker
        from scheduling.adapters.secrets import read_secret_string

        if not (settings.notetaker_base_url and settings.notetaker_api_key_secret_arn):
            raise RuntimeError("NOTETAKER_BACKEND=http needs NOTETAKER_BASE_URL and NOTETAKER_API_KEY_SECRET_ARN")
        return HttpNotetaker(settings.notetaker_base_url, read_secret_string(settings.notetaker_api_key_secret_arn))
    from scheduling.adapters.notetaker import LocalNotetaker

    return LocalNotetaker()


_FACTORIES: list[Any] = [table, companies, bookings, calendar, email, sms, notetaker]


def register(factory: Any) -> Any:
    """Decorator for factories defined in other modules, so reset() forgets them too."""
    _FACTORIES.append(factory)
    return factory


def reset() -> None:
    """Forget every built dependency (tests and the local server call this after re-pointing AWS)."""
    for factory in _FACTORIES:
        factory.cache_clear()
    get_settings.cache_clear()
    from scheduling.adapters.outbox import OUTBOX

    OUTBOX.clear()
