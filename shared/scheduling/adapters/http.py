"""Plain HTTP for the adapters that speak a small REST API (the notetaker, Microsoft Graph).

A transport is a plain function `(HttpRequest, timeout) -> HttpResponse`, so tests replay recorded
JSON offline; `urllib_transport` uses the standard library (no extra dependency in the layer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


Transport = Callable[[HttpRequest, float], HttpResponse]


def urllib_transport(request: HttpRequest, timeout: float) -> HttpResponse:
    """Send with urllib; HTTP error statuses come back as responses, network errors raise OSError."""
    import urllib.error
    import urllib.request

    prepared = urllib.request.Request(request.url, data=request.body, headers=request.headers,
                                      method=request.method)
    try:
        with urllib.request.urlopen(prepared, timeout=timeout) as response:  # noqa: S310 (https base url from settings)
            return HttpResponse(response.status, response.read(), _lower(response.headers.items()))
    except urllib.error.HTTPError as error:
        return HttpResponse(error.code, error.read(), _lower(error.headers.items()))


def _lower(items: object) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in items}  # type: ignore[attr-defined]
