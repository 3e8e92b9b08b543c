"""GET /v1/openapi.json serves a committed file: it must be exactly what the routers generate."""

from __future__ import annotations

import json

from scheduling.api.openapi_document import DOCUMENT_PATH, build_document, file_text
from scheduling.api.routes.openapi import openapi_document

REGENERATE = "PYTHONPATH=shared .venv/bin/python -m scheduling.api.openapi_document"


def test_the_committed_document_is_what_the_routers_generate() -> None:
    generated = file_text(build_document())
    committed = DOCUMENT_PATH.read_text(encoding="utf-8")
    assert committed == generated, f"api/openapi.json is stale: run `{REGENERATE}` and commit the file"


def test_the_function_serves_the_committed_document_as_compact_json() -> None:
    served = openapi_document()
    assert json.loads(served) == json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))
    assert "\n" not in served and served == json.dumps(json.loads(served))
