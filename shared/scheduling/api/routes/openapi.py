"""GET /openapi.json: the document of every JSON endpoint (no auth).

It is generated from the routers by api/openapi_document.py and committed as api/openapi.json; a
unit test keeps the two in step. Serving the file spares this function importing every router and
Powertools' OpenAPI models at each cold start (issue #10).
"""

from __future__ import annotations

import json
from functools import lru_cache

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling.api.openapi_document import DOCUMENT_PATH

router = Router()


@lru_cache(maxsize=1)
def openapi_document() -> str:
    """The committed document as compact JSON (the bytes the generated document always had)."""
    return json.dumps(json.loads(DOCUMENT_PATH.read_text(encoding="utf-8")))


@router.get("/openapi.json", include_in_schema=False)
def openapi_json():  # noqa: ANN201 - a typed Response would be validated as a model
    return Response(status_code=200, content_type="application/json", body=openapi_document())
