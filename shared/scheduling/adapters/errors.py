"""The base of every adapter's "the outside world did not answer" error.

    ServiceUnavailable (scheduling.errors)     503
    └── ProviderUnavailable                    + retryable, details.provider / provider_status
        ├── calendar.CalendarUnavailable       503 CALENDAR_UNAVAILABLE
        ├── email.EmailUnavailable             503 EMAIL_UNAVAILABLE
        ├── sms.SmsUnavailable                 503 SMS_UNAVAILABLE
        └── notetaker.NotetakerUnavailable     502 NOTETAKER_PROVIDER_ERROR

`retryable` tells the retry job whether trying again can help: a timeout or a 5xx can; an
address the provider rejects, or missing credentials, cannot. Messages never carry secrets or
the provider's raw response body, so services may pass them on to callers.
"""

from __future__ import annotations

from typing import Any

from scheduling.errors import ServiceUnavailable


class ProviderUnavailable(ServiceUnavailable):
    provider = "provider"

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = True,
        provider_status: int | str | None = None,
        details: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        merged = {"provider": self.provider, **(details or {})}
        if provider_status is not None:
            merged["provider_status"] = provider_status
        super().__init__(message, details=merged, **kwargs)
        self.retryable = retryable
        self.provider_status = provider_status
