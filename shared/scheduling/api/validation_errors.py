"""Turn Powertools/pydantic request validation errors into the contract's error codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scheduling.errors import DomainError, InvalidBody, MissingFields, ValidationFailed

_EXPECTED_BY_TYPE = {
    "int_parsing": "an integer",
    "int_type": "an integer",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "greater_than_equal": "a larger number",
    "less_than_equal": "a smaller number",
    "string_too_long": "a shorter string",
    "too_long": "fewer items",
}


def _field_path(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc[1:]] if loc and loc[0] in ("body", "query", "path", "header") else [str(p) for p in loc]
    return ".".join(parts) or str(loc[0] if loc else "body")


def _expected(error: dict[str, Any]) -> str:
    if error.get("type") == "literal_error":
        return str(error.get("ctx", {}).get("expected", "one of the allowed values"))
    ctx = error.get("ctx") or {}
    if error.get("type") in ("greater_than_equal", "greater_than"):
        return f"a number >= {ctx.get('ge', ctx.get('gt'))}"
    if error.get("type") in ("less_than_equal", "less_than"):
        return f"a number <= {ctx.get('le', ctx.get('lt'))}"
    if error.get("type") == "string_pattern_mismatch":
        return f"a value matching {ctx.get('pattern')}"
    return _EXPECTED_BY_TYPE.get(str(error.get("type")), str(error.get("msg", "a valid value")))


def domain_error_from_validation(errors: Sequence[dict[str, Any]]) -> DomainError:
    errors = list(errors)
    for error in errors:
        loc = tuple(error.get("loc") or ())
        if error.get("type") == "json_invalid" or (loc and loc[0] == "body" and len(loc) == 1):
            return InvalidBody("The request body must be a JSON object.")
    missing = [
        _field_path(e["loc"]) for e in errors if e.get("type") == "missing" and tuple(e.get("loc") or ())[:1] == ("body",)
    ]
    if missing:
        return MissingFields(
            f"Required fields are missing: {', '.join(missing)}.", details={"fields": missing}
        )
    first = errors[0] if errors else {"loc": ("body",), "msg": "invalid"}
    field = _field_path(first.get("loc") or ())
    if first.get("type") == "missing":
        return ValidationFailed(field, "a value", message=f"'{field}' is required.")
    return ValidationFailed(field, _expected(first))
