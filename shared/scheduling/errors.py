"""One tree of domain errors; `scheduling.api.errors` maps it to HTTP and `scheduling.voice` to speech.

    DomainError                      code, status, message, fix, hint, details
    ├── InvalidBody                  400 INVALID_BODY
    ├── MissingFields                400 MISSING_FIELDS
    ├── ValidationFailed             400 VALIDATION_ERROR
    ├── InvalidEmail                 400 INVALID_EMAIL / INVALID_ATTENDEE_EMAIL
    ├── InvalidTimezone              400 INVALID_TIMEZONE
    ├── Unauthorized                 401 UNAUTHORIZED
    ├── InsufficientScope            403 INSUFFICIENT_SCOPE
    ├── NotFound                     404 NOT_FOUND / EVENT_TYPE_NOT_FOUND / ROUTE_NOT_FOUND
    ├── Conflict                     409 (SLOT_UNAVAILABLE, INVALID_STATUS_TRANSITION, CONFLICT, …)
    └── ServiceUnavailable           503 TEMPORARILY_UNAVAILABLE / CALENDAR_UNAVAILABLE

Services raise these; they never know about HTTP responses. Subclasses only fix defaults, so any
code/status pair from the contract can be raised as ``DomainError(code=..., status=...)``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "INTERNAL_ERROR"
    status = 500
    default_fix = "Retry the request; if it keeps failing, contact support with the X-Request-Id."

    def __init__(
        self,
        message: str,
        *,
        fix: str | None = None,
        hint: str | None = None,
        details: dict[str, Any] | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix or self.default_fix
        self.hint = hint
        self.details = details or {}
        if code:
            self.code = code
        if status:
            self.status = status

    def to_envelope(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "fix": self.fix,
            "status": self.status,
        }
        if self.hint:
            error["hint"] = self.hint
        error["details"] = self.details
        return {"error": error}


class InvalidBody(DomainError):
    code, status = "INVALID_BODY", 400
    default_fix = "Send a JSON object as the request body with Content-Type: application/json."


class MissingFields(DomainError):
    code, status = "MISSING_FIELDS", 400
    default_fix = "Add the fields listed in details.fields."


class ValidationFailed(DomainError):
    code, status = "VALIDATION_ERROR", 400
    default_fix = "Send details.field in the format given by details.expected."

    def __init__(self, field: str, expected: str, message: str | None = None, **kwargs: Any) -> None:
        details = {"field": field, "expected": expected, **kwargs.pop("details", {})}
        super().__init__(message or f"'{field}' is not valid: expected {expected}.", details=details, **kwargs)


class InvalidEmail(DomainError):
    code, status = "INVALID_EMAIL", 400
    default_fix = "Send a full email address such as name@example.com."


class InvalidTimezone(DomainError):
    code, status = "INVALID_TIMEZONE", 400
    default_fix = (
        "Send an IANA time zone such as Australia/Sydney or Europe/London, or a shorthand such as "
        "NSW, VIC, QLD, SA, WA, TAS, NT, ACT, AEST, AWST, NZ, UTC, London, EST or PST."
    )


class Unauthorized(DomainError):
    code, status = "UNAUTHORIZED", 401
    default_fix = "Send your API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."


class InsufficientScope(DomainError):
    code, status = "INSUFFICIENT_SCOPE", 403
    default_fix = "Use an API key that has one of the scopes in details.required_scopes."


class NotFound(DomainError):
    code, status = "NOT_FOUND", 404
    default_fix = "Check the id; it must belong to the company of your API key."


class Conflict(DomainError):
    code, status = "CONFLICT", 409
    default_fix = "Read the current state of the resource and send a request that fits it."


class ServiceUnavailable(DomainError):
    code, status = "TEMPORARILY_UNAVAILABLE", 503
    default_fix = "Retry in a few seconds."
