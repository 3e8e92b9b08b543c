"""The resolver of the booker pages: HTML in, HTML out, no API key (the management token is the
credential), every error a friendly page — never a JSON envelope or a stack trace.

Routes (api/routes/page_*.py) use the request helpers below and return `page(...)` or
`redirect(...)`; a DomainError they let through becomes `error_page(...)` with its status.
"""

from __future__ import annotations

import logging
from datetime import datetime
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from scheduling.errors import DomainError, InvalidBody
from scheduling.pages import csrf
from scheduling.pages.html import render, security_headers
from scheduling.pages.messages import notice_for

logger = logging.getLogger("scheduling.pages")

MAX_FORM_BYTES = 64 * 1024
HTML = "text/html; charset=utf-8"

ERROR_TITLES = {
    400: "Please check the form",
    403: "This form has expired",
    404: "This link does not work",
    405: "This link does not work",
    409: "This cannot be changed",
    410: "This link has expired",
    429: "Too many attempts",
}
ERROR_TEXTS = {
    404: "This link does not open a booking. It may have expired, or the booking may have been moved "
         "to a new time — please use the link in your most recent email.",
    410: "This booking link has expired. Please use the link in your most recent email, or contact us.",
    429: "Too many links that do not work were opened from your network. Please wait a few minutes "
         "and open the link from your email again.",
    403: "For your security this form has expired. Please go back, reload the page and try again.",
}


# ── request helpers ────────────────────────────────────────────────────────────────────────────


def client_ip(router: Router) -> str:
    identity = (router.current_event.raw_event.get("requestContext") or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def query(router: Router, name: str) -> str | None:
    value = router.current_event.get_query_string_value(name)
    return value[:100] if isinstance(value, str) else None


def cookie(router: Router, name: str) -> str | None:
    raw = router.current_event.get_header_value("cookie", case_sensitive=False) or ""
    try:
        jar = SimpleCookie(raw)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def form(router: Router) -> dict[str, str]:
    """The url-encoded form body (last value of each field); InvalidBody when it is not one."""
    event = router.current_event
    body = event.raw_event.get("body") or ""
    if len(body) > MAX_FORM_BYTES * 4 // 3 + 4:
        raise DomainError("The form is too large.", code="PAYLOAD_TOO_LARGE", status=413)
    try:
        text = event.decoded_body or ""
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidBody("The form could not be read.") from error
    fields = parse_qs(text, keep_blank_values=True, max_num_fields=50)
    return {key: values[-1] for key, values in fields.items()}


def is_https(router: Router) -> bool:
    proto = router.current_event.get_header_value("x-forwarded-proto", case_sensitive=False) or ""
    return proto.lower() == "https"


def form_token(router: Router, scope: str, now: datetime) -> csrf.FormToken:
    return csrf.issue(cookie(router, csrf.COOKIE_NAME), scope, now)


def check_form_token(router: Router, fields: dict[str, str], scope: str, now: datetime) -> None:
    csrf.verify(cookie(router, csrf.COOKIE_NAME), fields.get(csrf.FIELD_NAME), scope, now)


# ── responses ──────────────────────────────────────────────────────────────────────────────────


def page(router: Router, template: str, *, status: int = 200, token: csrf.FormToken | None = None,
         **context: Any) -> Response:
    cookies = []
    if token is not None and token.new_cookie:
        cookies.append(Cookie(csrf.COOKIE_NAME, token.nonce, path="/", secure=is_https(router), http_only=True,
                              same_site=SameSite.STRICT_MODE))
    body = render(template, csrf_field=csrf.FIELD_NAME, csrf_value=token.value if token else "", **context)
    return Response(status_code=status, content_type=HTML, body=body, headers=dict(security_headers()),
                    cookies=cookies)


def redirect(location: str) -> Response:
    """303 See Other to a relative location (the pages work under any stage or domain prefix)."""
    return Response(status_code=303, content_type=HTML, body="", headers={**security_headers(), "Location": location})


def error_page(status: int, error: DomainError | None = None, request_id: str = "local") -> Response:
    notice = notice_for(error) if error is not None else None
    text = ERROR_TEXTS.get(status) or (notice.text if notice else "Something went wrong on our side. Please try again.")
    if status >= 500:
        text = f"Something went wrong on our side. Please try again in a minute. (Reference {request_id}.)"
        if status == 503 and notice is not None:
            text = notice.text
    headers = dict(security_headers())
    if error is not None and status == 429 and "retry_after_seconds" in error.details:
        headers["Retry-After"] = str(error.details["retry_after_seconds"])
    body = render("error.html", title=ERROR_TITLES.get(status, "Sorry"), text=text,
                  code=error.code if error is not None else "ROUTE_NOT_FOUND")
    return Response(status_code=status, content_type=HTML, body=body, headers=headers)


def _request_id(app: APIGatewayRestResolver) -> str:
    try:
        return app.current_event.request_context.request_id or "local"
    except (AttributeError, KeyError, TypeError):
        return "local"


def build_pages_app(*routers: Router) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=False)

    def _request_ids(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
        response = next_middleware(app)
        response.headers.setdefault("X-Request-Id", _request_id(app))
        return response

    app.use([_request_ids])

    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError) -> Response:
        return error_page(error.status, error, _request_id(app))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        rid = _request_id(app)
        logger.exception("unhandled error on a booker page", extra={"request_id": rid})
        return error_page(500, None, rid)

    @app.not_found
    def _not_found(_: Exception) -> Response:
        return error_page(404)

    for router in routers:
        app.include_router(router)
    return app
