"""The one place dependencies are built: cached factories, created on first use, never at import."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from scheduling.settings import get_settings


@lru_cache(maxsize=1)
def table() -> Any:
    import boto3

    settings = get_settings()
    return boto3.resource("dynamodb", region_name=settings.aws_region).Table(settings.table_name)


@lru_cache(maxsize=1)
def companies() -> Any:
    from scheduling.repositories.companies import CompanyRepository

    return CompanyRepository(table())


@lru_cache(maxsize=1)
def bookings() -> Any:
    from scheduling.repositories.bookings import BookingRepository

    return BookingRepository(table())


def reset() -> None:
    """Forget every built dependency (tests and the local server call this after re-pointing AWS)."""
    for factory in (table, companies, bookings):
        factory.cache_clear()
    get_settings.cache_clear()
