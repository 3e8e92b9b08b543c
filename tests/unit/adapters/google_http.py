"""A recording `HttpMockSequence`: the Google client's own HTTP mock, plus parsed requests.

Responses are `(status, body)` pairs (body: dict → JSON, str/bytes as is), or an exception
instance to raise instead of answering (a timeout, a refused connection).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from googleapiclient.http import HttpMockSequence


@dataclass
class SentRequest:
    method: str
    path: str
    query: dict[str, str]
    body: Any  # parsed JSON, a form dict for token requests, or None
    headers: dict[str, str]


class RecordingHttp(HttpMockSequence):
    def __init__(self, *responses: tuple[int, Any] | BaseException) -> None:
        self._answers = list(responses)
        super().__init__([])
        self.sent: list[SentRequest] = []

    def request(self, uri, method="GET", body=None, headers=None, redirections=1, connection_type=None):  # noqa: ANN001, ANN201
        parts = urlsplit(uri)
        headers = {str(k).lower(): (v.decode() if isinstance(v, bytes) else str(v)) for k, v in (headers or {}).items()}
        query = dict(parse_qsl(parts.query))
        self.sent.append(SentRequest(method, parts.path, query, _parse_body(body, headers), headers))
        if not self._answers:
            raise AssertionError(f"unexpected request {method} {uri}")
        answer = self._answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        status, content = answer
        if isinstance(content, (dict, list)):
            content = json.dumps(content)
        self._iterable.append(({"status": str(status)}, content or ""))
        return super().request(uri, method, body, headers, redirections, connection_type)

    @property
    def unanswered(self) -> int:
        return len(self._answers)


def _parse_body(body: Any, headers: dict[str, str]) -> Any:
    if body is None:
        return None
    text = body.decode() if isinstance(body, bytes) else str(body)
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(text))
    try:
        return json.loads(text)
    except ValueError:
        return text
