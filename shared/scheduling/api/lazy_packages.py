"""Powertools packages whose `__init__` imports every sibling module, opened without running it.

`aws_lambda_powertools.event_handler/__init__.py` imports every resolver Powertools has (AppSync,
Bedrock, VPC Lattice…; AppSync pulls in `asyncio`, ssl and sockets) and
`aws_lambda_powertools.utilities.data_classes/__init__.py` imports ~60 event classes (Kinesis,
CodePipeline with zipfile and tempfile…). A function here uses one resolver and three event
classes, yet Python runs a package's `__init__` before any of its submodules: together ≈ 70 ms of
every cold start on the bench machine (issue #10, docs/operations.md "Cold starts").

`defer_package_init(name)` registers the package module without executing its `__init__`: its
submodules import as usual (`__path__` is the real folder), and each name the `__init__` would
have re-exported (`from aws_lambda_powertools.event_handler import Response`) is imported from its
submodule on first access, through a module `__getattr__` (PEP 562). The names come from the
package's own `__init__` source, so a Powertools upgrade that moves a class is followed; an
`__init__` that does anything besides imports and `__all__` is left alone (normal import).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from typing import Any

POWERTOOLS_PACKAGES = ("aws_lambda_powertools.event_handler", "aws_lambda_powertools.utilities.data_classes")


def _exports(name: str, source: str) -> tuple[dict[str, tuple[str, str | None]], list[str] | None] | None:
    """{exported name: (module, attribute or None for a submodule)} and `__all__`, or None when the
    `__init__` has statements other than a docstring, from-imports and `__all__`."""
    exports: dict[str, tuple[str, str | None]] = {}
    names: list[str] | None = None
    for node in ast.parse(source).body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            continue  # docstring
        if isinstance(node, ast.ImportFrom) and node.level in (0, 1):
            if node.level == 0 and node.module == "__future__":
                continue
            base = node.module if node.level == 0 else ".".join(filter(None, (name, node.module)))
            for alias in node.names:
                if alias.name == "*":
                    return None
                if node.module is None:  # `from . import sub`
                    exports[alias.asname or alias.name] = (f"{name}.{alias.name}", None)
                else:
                    exports[alias.asname or alias.name] = (base, alias.name)
            continue
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "__all__"):
            try:
                names = list(ast.literal_eval(node.value))
            except ValueError:
                return None
            continue
        return None  # side effects or computed names: import it the normal way
    return exports, names


def defer_package_init(name: str) -> bool:
    """Register package `name` without running its `__init__` (see the module doc). True when done;
    False when the package is already imported, cannot be found, or its `__init__` does more than
    re-export."""
    if name in sys.modules:
        return False
    parent_name, _, child = name.rpartition(".")
    parent = importlib.import_module(parent_name) if parent_name else None
    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None or spec.loader is None:
        return False
    try:
        source = spec.loader.get_source(name)  # type: ignore[attr-defined]
    except (AttributeError, ImportError, OSError):
        return False
    found = _exports(name, source or "")
    if found is None:
        return False
    exports, names = found
    module = importlib.util.module_from_spec(spec)

    def __getattr__(attribute: str) -> Any:  # noqa: N807 - PEP 562 hook
        try:
            module_name, real = exports[attribute]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attribute!r}") from None
        source_module = importlib.import_module(module_name)
        value = source_module if real is None else getattr(source_module, real)
        setattr(module, attribute, value)
        return value

    def __dir__() -> list[str]:  # noqa: N807 - PEP 562 hook
        return sorted(set(module.__dict__) | set(exports))

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    module.__dir__ = __dir__  # type: ignore[method-assign]
    module.__all__ = names if names is not None else [n for n in exports if not n.startswith("_")]
    sys.modules[name] = module
    if parent is not None:
        setattr(parent, child, module)
    return True


def defer_powertools_inits() -> None:
    for name in POWERTOOLS_PACKAGES:
        defer_package_init(name)
