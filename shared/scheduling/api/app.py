"""The Powertools resolver every function uses: auth, the error envelope, request ids, size limits."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from scheduling import observability, wiring
from scheduling.api.fallback import allowed_methods
from scheduling.api.validation_errors import domain_error_from_validation
from scheduling.errors import DomainError, InvalidBody, NotFound

if TYPE_CHECKING:
    from scheduling.services.auth import Authenticator, Principal

logger = logging.getLogger("scheduling.api")

MAX_BODY_BYTES = 64 * 1024
_authenticator: Authenticator | None = None
# The caller of the request being served. A ContextVar rather than router.context: one Router can be
# mounted in several resolvers (its function's and the OpenAPI one) in the same process.
_current_principal: ContextVar[Principal] = ContextVar("current_principal")
_preadmitted: ContextVar[Principal | None] = ContextVar("preadmitted_principal", default=None)


def authenticator() -> Authenticator:
    global _authenticator
    if _authenticator is None:
        # Imported here: health and openapi never authenticate, and auth brings the domain models.
        from scheduling.services.auth import Authenticator
        from scheduling.settings import get_settings

        _authenticator = Authenticator(wiring.companies().get_api_key, get_settings().auth_cache_seconds)
    return _authenticator


def reset_authenticator() -> None:
    global _authenticator
    _authenticator = None


def request_id(app: APIGatewayRestResolver) -> str:
    try:
        return app.current_event.request_context.request_id or "local"
    except (AttributeError, KeyError, TypeError):
        return "local"


def error_response(app: APIGatewayRestResolver, error: DomainError) -> Response:
    headers: dict[str, Any] = {"X-Request-Id": request_id(app)}
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if error.status in (429, 503) and "retry_after_seconds" in error.details:
        headers["Retry-After"] = str(error.details["retry_after_seconds"])
    return Response(
        status_code=error.status,
        content_type="application/json",
        body=json.dumps(error.to_envelope()),
        headers=headers,
    )


def json_response(status: int, body: dict, replayed: bool) -> Response:
    """A write's answer; `Idempotent-Replayed: true` when it repeats a stored one (contract §1)."""
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(status_code=status, content_type="application/json", body=json.dumps(body), headers=headers)


@contextmanager
def admitted_as(principal: Principal) -> Iterator[None]:
    """Serve routes in process for a caller already authenticated and counted (the MCP server's tool
    calls): scopes are still checked, the request is not counted a second time."""
    token = _preadmitted.set(principal)
    try:
        yield
    finally:
        _preadmitted.reset(token)


def _admit(app: APIGatewayRestResolver, scopes: tuple[str, ...]) -> Principal:
    from scheduling.services.auth import require_scope
    from scheduling.services.rate_limits import enforce_rate_limits

    if (principal := _preadmitted.get(None)) is not None:
        require_scope(principal, *scopes)
        return principal
    principal = authenticator().authenticate(dict(app.current_event.headers or {}))
    observability.bind(company_id=principal.company_id)
    enforce_rate_limits(principal, datetime.now(UTC))  # before any work (contract §1)
    require_scope(principal, *scopes)
    return principal


def requires(*scopes: str) -> Callable[[APIGatewayRestResolver, NextMiddleware], Response]:
    """Route middleware: authenticate the key, check one of `scopes`, expose the principal."""

    def middleware(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
        token = _current_principal.set(_admit(app, scopes))
        try:
            return next_middleware(app)
        finally:
            _current_principal.reset(token)

    middleware.required_scopes = scopes  # type: ignore[attr-defined]
    return middleware


def _refusal_before_validation(app: APIGatewayRestResolver) -> DomainError | None:
    """What the caller must hear before any complaint about its body: too large, then auth.

    Powertools validates the request before route middlewares run, so a request with no key and a
    bad body would otherwise get 400 instead of 401.
    """
    try:
        _check_body_size(app)
        route = app.context.get("_route")
        for middleware in getattr(route, "middlewares", None) or []:
            scopes = getattr(middleware, "required_scopes", None)
            if scopes is not None:
                _admit(app, scopes)
    except DomainError as refusal:
        return refusal
    return None


def current_principal() -> Principal:
    return _current_principal.get()


def _check_body_size(app: APIGatewayRestResolver) -> None:
    body = app.current_event.body
    limit = MAX_BODY_BYTES * 4 // 3 + 4 if app.current_event.is_base64_encoded else MAX_BODY_BYTES
    if body is not None and len(body) > limit:
        raise DomainError(
            "The request body is larger than 64 KiB.",
            code="PAYLOAD_TOO_LARGE",
            status=413,
            fix="Send a smaller body.",
        )


def _raised_reading_the_body(error: BaseException) -> bool:
    """Whether Powertools failed while parsing the body (a Content-Type it does not read, multipart
    without a boundary…): it raises plain exceptions there, which are the caller's fault, not ours."""
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "_get_body" and code.co_filename.endswith("openapi_validation.py"):
            return True
        tb = tb.tb_next
    return False


def _guard_request(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    _check_body_size(app)
    response = next_middleware(app)
    response.headers.setdefault("X-Request-Id", request_id(app))
    return response


class ObservedResolver(APIGatewayRestResolver):
    """The resolver with each request's log context (request id, route) set before anything runs,
    request validation included, and a closing log line with status and duration."""

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        return observability.observe_request(event, context, lambda: super(ObservedResolver, self).resolve(
            event, context))


def build_app(*routers: Router) -> APIGatewayRestResolver:
    app = ObservedResolver(enable_validation=True, strip_prefixes=["/v1"])
    app.use([_guard_request])

    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError) -> Response:
        if error.code == "SLOT_UNAVAILABLE":
            observability.emit(SlotUnavailable=1)
        return error_response(app, error)

    @app.exception_handler(RequestValidationError)
    def _validation_error(error: RequestValidationError) -> Response:
        refusal = _refusal_before_validation(app)
        return error_response(app, refusal or domain_error_from_validation(error.errors()))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, (UnicodeDecodeError, json.JSONDecodeError)) or _raised_reading_the_body(error):
            refusal = _refusal_before_validation(app)
            return error_response(app, refusal or InvalidBody("The request body could not be read as UTF-8 JSON."))
        if (unavailable := observability.transient_failure(error)) is not None:  # 503, not 500
            return error_response(app, unavailable)
        rid = request_id(app)
        logger.exception("unhandled error", extra={"request_id": rid})
        return error_response(
            app,
            DomainError(f"Something went wrong on our side (request {rid}).", details={"request_id": rid}),
        )

    @app.not_found
    def _not_found(_: Exception) -> Response:
        event = app.current_event
        if event.http_method in (allowed_methods(event.path) or ()):
            # A declared route whose id Powertools' pattern refuses (`#`, `€`, emoji…): the key is
            # checked first, as on every route, and then nothing has that id.
            try:
                authenticator().authenticate(dict(event.headers or {}))
            except DomainError as refusal:
                return error_response(app, refusal)
            return error_response(app, NotFound("Nothing with that id exists."))
        return error_response(
            app,
            DomainError(
                f"No route {app.current_event.http_method} {app.current_event.path}.",
                code="ROUTE_NOT_FOUND",
                status=404,
                fix="Check the path against GET /v1/openapi.json.",
            ),
        )

    for router in routers:
        app.include_router(router)
    return app
