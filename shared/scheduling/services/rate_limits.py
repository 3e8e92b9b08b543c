"""Per-key rate limits (contract §1), checked right after authentication, before any work.

A key's `rate_limit_per_minute` and `rate_limit_per_day` are counted per UTC minute and per UTC
day (fixed windows) in DynamoDB, shared by every function. A key without limits (seed keys that
do not set them) costs nothing here: no DynamoDB call at all. Over a limit →
`429 RATE_LIMITED` with `details.limit` (the number reached), `details.window` (`minute` |
`day`) and `details.retry_after_seconds` (also sent as the `Retry-After` header): the seconds
until that window ends, at least 1.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from scheduling import wiring
from scheduling.errors import DomainError
from scheduling.repositories.rate_limits import Window
from scheduling.services.auth import Principal


@wiring.register
@lru_cache(maxsize=1)
def rate_limits() -> Any:
    from scheduling.repositories.rate_limits import RateLimitRepository

    return RateLimitRepository(wiring.table())


class RateLimited(DomainError):
    code, status = "RATE_LIMITED", 429
    default_fix = "Wait the number of seconds in the Retry-After header, then retry."


def windows_for(principal: Principal, now: datetime) -> list[Window]:
    """The windows a request at `now` counts in, one per limit the key has."""
    now = now.astimezone(UTC)
    windows = []
    if principal.rate_limit_per_minute:
        start = now.replace(second=0, microsecond=0)
        windows.append(Window("minute", start.strftime("%Y-%m-%dT%H:%M"), principal.rate_limit_per_minute,
                              start + timedelta(minutes=1)))
    if principal.rate_limit_per_day:
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        windows.append(Window("day", start.strftime("%Y-%m-%d"), principal.rate_limit_per_day,
                              start + timedelta(days=1)))
    return windows


def enforce_rate_limits(principal: Principal, now: datetime) -> None:
    """Count this request for the key, or raise RateLimited when a window is already full."""
    windows = windows_for(principal, now)
    if not windows:
        return
    full = rate_limits().consume(principal.key_hash, windows)
    if full is None:
        return
    retry_after = max(1, math.ceil((full.ends_at - now).total_seconds()))
    per = "minute" if full.kind == "minute" else "day (UTC)"
    raise RateLimited(
        f"This API key has made its {full.limit} requests allowed per {per}.",
        details={"limit": full.limit, "window": full.kind, "retry_after_seconds": retry_after},
    )
