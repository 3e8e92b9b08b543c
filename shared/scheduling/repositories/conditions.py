"""`Key` and `Attr` condition builders that import boto3 on first use, not at import time.

boto3 takes a few hundred milliseconds to import; every function needs it to serve a request,
but importing the handler module (what a cold start measures, `make bench` cold_import) should
not pay for it before the first call. Use these exactly like boto3.dynamodb.conditions'.
"""

from __future__ import annotations

from typing import Any


def Key(name: str) -> Any:  # noqa: N802 - mirrors boto3's class name so call sites read the same
    from boto3.dynamodb.conditions import Key as BotoKey

    return BotoKey(name)


def Attr(name: str) -> Any:  # noqa: N802 - mirrors boto3's class name
    from boto3.dynamodb.conditions import Attr as BotoAttr

    return BotoAttr(name)
