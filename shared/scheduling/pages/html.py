"""Rendering: one Jinja2 environment over scheduling/templates (autoescaped), plus the headers
every page carries.

The stylesheet is inlined into each page and allowed by its hash in the Content-Security-Policy,
so a page needs no second request and no script or foreign resource can run in it.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["stylesheet"] = stylesheet()
    return env


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (TEMPLATES / "pages.css").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def security_headers() -> dict[str, str]:
    digest = base64.b64encode(hashlib.sha256(stylesheet().encode("utf-8")).digest()).decode()
    return {
        "Content-Security-Policy": (
            f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'self' data:; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        # The URL holds the management token: never send it to the Meet link or anywhere else.
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }


def render(template: str, **context: Any) -> str:
    return str(environment().get_template(template).render(**context))
