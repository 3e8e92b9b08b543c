"""The slot engine, time zones and formatting stay pure: stdlib and `scheduling.errors` only,
no environment, no clock (architecture.md, "Rules every module follows")."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "shared" / "scheduling"
PURE_MODULES = sorted([*(PACKAGE / "slots").glob("*.py"), PACKAGE / "timezones.py", PACKAGE / "formatting.py"])
ALLOWED_OWN = ("scheduling.errors", "scheduling.slots", "scheduling.timezones", "scheduling.formatting")
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}


def imported_modules(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", PURE_MODULES, ids=lambda p: p.name)
def test_pure_modules_import_only_the_standard_library_and_each_other(path):
    for name in imported_modules(ast.parse(path.read_text())):
        top = name.split(".")[0]
        assert top in sys.stdlib_module_names or name.startswith(ALLOWED_OWN), f"{path.name} imports {name}"
        assert top not in {"os", "time", "random"}, f"{path.name} imports {name}"


@pytest.mark.parametrize("path", PURE_MODULES, ids=lambda p: p.name)
def test_pure_modules_never_read_the_clock(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in CLOCK_CALLS, f"{path.name}:{node.lineno} calls .{node.func.attr}()"
