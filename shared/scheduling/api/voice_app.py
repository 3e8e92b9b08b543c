"""The resolver of the four Retell voice tools: like `build_app`, but every answer is text/plain.

Retell hands the body of a tool's response to the language model as it is, so a JSON error
envelope would be read out or misread. Here:
* the tools themselves turn domain errors into sentences (scheduling.voice); book, cancel and
  reschedule answer 200 even when they fail, starting with words that say so;
* what happens before a tool runs keeps its HTTP status with a text body: 401 (no or bad API
  key, or a bad X-Retell-Signature; with `WWW-Authenticate: Bearer`), 403 (scope), 429 (rate
  limit, with Retry-After), 413 (body over 64 KiB), 404 (unknown path);
* DynamoDB still throttled or failing after botocore's retries is a 503 text
  `TEMPORARILY UNAVAILABLE: …` with Retry-After (docs/reliability.md);
* an unexpected crash is a 500 text naming the request id (the write tools catch their own and
  answer 200 `… FAILED`, since a 5xx could make Retell or the agent retry a half-done write).
Auth, scopes and rate limits are the JSON API's own (`requires`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from scheduling import observability, wiring
from scheduling.api.app import MAX_BODY_BYTES, ObservedResolver, current_principal, request_id
from scheduling.domain.models import Company
from scheduling.errors import DomainError, NotFound
from scheduling.voice.answers import VoiceAnswer
from scheduling.voice.signature import header_value, verify_signature

logger = logging.getLogger("scheduling.voice")

TEXT = "text/plain; charset=utf-8"


def text_response(app: APIGatewayRestResolver, answer: VoiceAnswer) -> Response:
    return Response(status_code=answer.status, content_type=TEXT, body=answer.text,
                    headers={"X-Request-Id": request_id(app)})


def error_text(error: DomainError) -> str:
    lines = [f"{error.code.replace('_', ' ')}: {error.message.rstrip('. ')}."]
    if error.fix:
        lines.append(f"What to do: {error.fix.rstrip('. ')}.")
    return "\n".join(lines)


def voice_request(router: Router) -> tuple[str, str | None, datetime]:
    """(company id, raw body, now) for the current request, after checking X-Retell-Signature
    when the key's company has a Retell API key (raises InvalidSignature → 401)."""
    company, body, now = voice_call(router)
    return company.id, body, now


def voice_call(router: Router) -> tuple[Company, str | None, datetime]:
    """`voice_request` with the company it read, for a tool that needs it (not read twice)."""
    now = datetime.now(UTC)
    company_id = current_principal().company_id
    event = router.current_event
    try:
        body = event.decoded_body if event.is_base64_encoded else event.body
    except (UnicodeDecodeError, ValueError):
        body = "\ufffd not UTF-8"  # read by the tool as "not valid JSON"
    company = wiring.companies().get(company_id)
    if company is None:
        raise NotFound(f"No company {company_id}.")
    if company.retell_api_key:
        verify_signature(body or "", company.retell_api_key, header_value(dict(event.headers or {})), now)
    return company, body, now


def _guard(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    body = app.current_event.body
    limit = MAX_BODY_BYTES * 4 // 3 + 4 if app.current_event.is_base64_encoded else MAX_BODY_BYTES
    if body is not None and len(body) > limit:
        raise DomainError("The request body is larger than 64 KiB.", code="PAYLOAD_TOO_LARGE", status=413,
                          fix="Send a smaller body.")
    response = next_middleware(app)
    response.headers.setdefault("X-Request-Id", request_id(app))
    return response


def build_voice_app(*routers: Router) -> APIGatewayRestResolver:
    app = ObservedResolver(strip_prefixes=["/v1"])
    app.use([_guard])

    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError) -> Response:
        headers = {"X-Request-Id": request_id(app)}
        if error.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if error.status == 429 and "retry_after_seconds" in error.details:
            headers["Retry-After"] = str(error.details["retry_after_seconds"])
        return Response(status_code=error.status, content_type=TEXT, body=error_text(error), headers=headers)

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        if (unavailable := observability.transient_failure(error)) is not None:
            return Response(status_code=503, content_type=TEXT, body=error_text(unavailable),
                            headers={"X-Request-Id": request_id(app),
                                     "Retry-After": str(observability.RETRY_AFTER_SECONDS)})
        rid = request_id(app)
        logger.exception("unhandled error in a voice tool", extra={"request_id": rid})
        return Response(status_code=500, content_type=TEXT, headers={"X-Request-Id": rid},
                        body=f"INTERNAL ERROR: something went wrong on our side (request {rid}).")

    @app.not_found
    def _not_found(_: Exception) -> Response:
        return Response(status_code=404, content_type=TEXT, headers={"X-Request-Id": request_id(app)},
                        body=f"ROUTE NOT FOUND: no route {app.current_event.http_method} {app.current_event.path}.")

    for router in routers:
        app.include_router(router)
    return app
