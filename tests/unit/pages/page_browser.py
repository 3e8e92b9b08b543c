"""A tiny in-process browser for the booker page handlers: keeps the CSRF cookie, reads forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from tools.local_server import LocalContext
from tools.sam_template import handler_module

MANAGE = re.compile(r"^/book/[^/]+/manage/[^/]+(/cancel|/reschedule)?$")


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    text: str
    path: str

    @property
    def readable(self) -> str:
        """The text with HTML entities decoded (what a reader sees, tags aside)."""
        return unescape(self.text)

    @property
    def location(self) -> str:
        """The redirect target resolved against this page's path, as a browser does."""
        return urljoin(self.path, self.headers["Location"])

    def form_token(self) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.text)
        assert found, "the page has no form"
        return unescape(found.group(1))

    def slots(self) -> list[str]:
        return [unescape(v) for v in re.findall(r'name="slot" value="([^"]+)"', self.text)]

    def error_code(self) -> str | None:
        found = re.search(r'data-error-code="([^"]+)"', self.text)
        return found.group(1) if found else None


class PageBrowser:
    def __init__(self, ip: str = "198.51.100.7") -> None:
        self.ip = ip
        self.cookies: dict[str, str] = {}

    def _event(self, method: str, path: str, body: str | None) -> dict[str, Any]:
        split = urlsplit(path)
        query = dict(parse_qsl(split.query)) or None  # API Gateway hands over decoded values
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return {
            "resource": "/book/{proxy+}", "path": split.path, "httpMethod": method, "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": query, "multiValueQueryStringParameters": None, "pathParameters": None,
            "requestContext": {"requestId": "test-request", "stage": "live", "identity": {"sourceIp": self.ip}},
            "body": body, "isBase64Encoded": False,
        }

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Page:
        function = "booker_manage_page" if MANAGE.match(urlsplit(path).path) else "booker_booking_page"
        body = urlencode(form) if form is not None else None
        result = handler_module(function).lambda_handler(self._event(method, path, body), LocalContext())
        headers = {k: ", ".join(v) for k, v in (result.get("multiValueHeaders") or {}).items()}
        headers.update(result.get("headers") or {})
        for value in (result.get("multiValueHeaders") or {}).get("Set-Cookie", []):
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return Page(result["statusCode"], headers, result.get("body") or "", urlsplit(path).path)

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Page:
        return self.request("POST", path, form)

    def follow(self, page: Page) -> Page:
        assert page.status == 303, (page.status, page.text[-500:])
        return self.get(page.location)
