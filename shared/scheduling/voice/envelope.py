"""What a voice tool was sent: Retell's envelope `{"call": {...}, "name": "...", "args": {...}}` or a
flat body (Retell's "args only" mode, curl, tests). Fields are always read from `args`.

Retell fills `{{variable}}` placeholders from the call before it sends a tool call; a value that
still holds one was never filled (a typo in the agent's prompt, or a variable the call does not
have). Sending it on would book "{{customer_email}}", so it is refused with a fix the agent can act on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from scheduling.errors import DomainError, InvalidBody

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# What agents send for "not given"; treated like an absent field.
_EMPTY_WORDS = frozenset({"", "null", "none", "n/a", "na", "unknown", "undefined"})


class UnfilledVariable(DomainError):
    code, status = "UNFILLED_VARIABLE", 400

    def __init__(self, field_name: str, placeholder: str) -> None:
        super().__init__(
            f"'{field_name}' still holds the unfilled variable {{{{{placeholder}}}}}",
            fix=(
                f"Ask the caller for their {field_name.replace('_', ' ')} and send it in '{field_name}', "
                f"or leave '{field_name}' out; do not send {{{{{placeholder}}}}} again."
            ),
            details={"field": field_name, "variable": placeholder},
        )


@dataclass(frozen=True)
class VoiceRequest:
    args: dict[str, Any]
    call: dict[str, Any] = field(default_factory=dict)
    tool_name: str | None = None

    @property
    def call_id(self) -> str | None:
        value = self.call.get("call_id")
        return value if isinstance(value, str) and value.strip() else None

    @property
    def caller_number(self) -> str | None:
        """The other party's number: `from_number` when they called in, `to_number` when we called out."""
        direction = str(self.call.get("direction") or "inbound").lower()
        number = self.call.get("to_number") if direction == "outbound" else self.call.get("from_number")
        return number if isinstance(number, str) and number.strip() else None

    def text(self, name: str) -> str | None:
        """`args[name]` as stripped text; None when absent or one of the "nothing" words."""
        value = self.args.get(name)
        if value is None or isinstance(value, (dict, list)):
            return None
        text = str(value).strip()
        return None if text.lower() in _EMPTY_WORDS else text


def parse_voice_body(body: str | None) -> VoiceRequest:
    """The request's args and call metadata; `InvalidBody` / `UnfilledVariable` when unusable."""
    if body is None or not body.strip():
        return VoiceRequest(args={})
    try:
        document = json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        raise InvalidBody("The request body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise InvalidBody("The request body must be a JSON object.")
    try:  # "\ud800" escapes decode to text that cannot be stored or spoken
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        raise InvalidBody("The request body holds text that is not valid Unicode.") from None
    call = document.get("call") if isinstance(document.get("call"), dict) else {}
    if isinstance(document.get("args"), dict):
        name = document.get("name") if isinstance(document.get("name"), str) else None
        request = VoiceRequest(args=document["args"], call=call, tool_name=name)
    elif "args" in document and document["args"] is not None:
        raise InvalidBody("'args' must be a JSON object of the tool's arguments.")
    else:  # flat: every field is an argument ("name" is the caller's name here, not the tool's)
        request = VoiceRequest(args={k: v for k, v in document.items() if k not in ("call", "args")}, call=call)
    check_no_placeholders(request.args)
    return request


def check_no_placeholders(args: dict[str, Any]) -> None:
    for key, value in args.items():
        found = _find_placeholder(value)
        if found is not None:
            raise UnfilledVariable(str(key), found)


def _find_placeholder(value: Any) -> str | None:
    if isinstance(value, str):
        match = _PLACEHOLDER.search(value)
        return match.group(1) if match else None
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _find_placeholder(item)
            if found is not None:
                return found
    return None
