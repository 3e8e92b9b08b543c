"""Lambda-like containers for the in-process local server.

On AWS each function container serves one request at a time. Locally many requests run at once on
threads, so each thread-borrowed container gets its own import of the handler module (its own
Powertools resolver), and the per-request state Powertools keeps on the `BaseRouter` class
(`current_event`, `lambda_context`) is made thread-local. Requests then interleave the way they do
on AWS; only each moto call is serialised (tools.local_aws).
"""

from __future__ import annotations

import importlib.util
import itertools
import threading
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_per_thread = threading.local()
_patched = False


class _ThreadLocalAttribute:
    """Instance-level access (`app.current_event`) to a per-thread value."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        return getattr(_per_thread, self.name, None)

    def __set__(self, obj: Any, value: Any) -> None:
        setattr(_per_thread, self.name, value)


def make_powertools_request_state_thread_local() -> None:
    global _patched
    if _patched:
        return
    from aws_lambda_powertools.event_handler import api_gateway

    base = api_gateway.BaseRouter

    def _class_level(name: str) -> property:
        return property(lambda cls: getattr(_per_thread, name, None), lambda cls, v: setattr(_per_thread, name, v))

    # Class-level writes (`BaseRouter.current_event = …`) go through the metaclass…
    meta = type("ThreadLocalRouterMeta", (type(base),), {
        "current_event": _class_level("current_event"),
        "lambda_context": _class_level("lambda_context"),
    })
    # …and instance-level reads through descriptors in the class itself.
    for name in ("current_event", "lambda_context"):
        type.__setattr__(base, name, _ThreadLocalAttribute(name))
    base.__class__ = meta
    _patched = True


class ContainerPool:
    """Per function, a pool of imported handler modules; a request borrows one for its duration."""

    def __init__(self) -> None:
        self._idle: dict[str, list[ModuleType]] = defaultdict(list)
        self._lock = threading.Lock()
        self._serial = itertools.count()
        make_powertools_request_state_thread_local()

    def _cold_start(self, function: str) -> ModuleType:
        path = ROOT / "functions" / function / "app.py"
        name = f"functions_{function}_app_container{next(self._serial)}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader, path
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def prewarm(self, functions: list[str]) -> None:
        """One idle container per function, imported one after another before serving.

        Threads that import the package's modules for the first time at the same moment can meet
        a partially initialised module; importing everything once, up front, rules that out.
        """
        for function in dict.fromkeys(functions):
            module = self._cold_start(function)
            with self._lock:
                self._idle[function].append(module)

    def invoke(self, function: str, event: dict[str, Any], context: Any) -> dict[str, Any]:
        with self._lock:
            module = self._idle[function].pop() if self._idle[function] else None
        if module is None:
            module = self._cold_start(function)
        try:
            return module.lambda_handler(event, context)
        finally:
            with self._lock:
                self._idle[function].append(module)
