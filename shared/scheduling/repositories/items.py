"""Model ↔ DynamoDB item conversion shared by every repository."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pydantic import BaseModel


def to_item(model: BaseModel, **keys: Any) -> dict[str, Any]:
    """JSON-mode dump (instants as ISO strings) with floats as Decimal, as boto3 requires."""
    body = json.loads(model.model_dump_json(), parse_float=Decimal)
    return {**body, **keys}


def from_item[ModelT: BaseModel](model_type: type[ModelT], item: dict[str, Any]) -> ModelT:
    fields = model_type.model_fields
    return model_type.model_validate({k: plain(v) for k, v in item.items() if k in fields})


def plain(value: Any) -> Any:
    """Decimal → int/float recursively, so models and JSON responses never see Decimal."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
