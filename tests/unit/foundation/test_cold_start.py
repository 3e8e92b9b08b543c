"""What keeps a function's cold import near `import boto3` (issue #10, docs/operations.md "Cold starts").

Each check runs in a fresh interpreter, as Lambda imports a handler: a module loaded by an
earlier test would hide what a handler's import costs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _fresh(code: str, **env: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}", "PATH": "/usr/bin:/bin", **env})
    return out.stdout.strip().splitlines()[-1]


def _modules_after_import(function: str) -> set[str]:
    code = ("import importlib.util, json, sys\n"
            f"spec = importlib.util.spec_from_file_location('app', {str(ROOT / 'functions' / function / 'app.py')!r})\n"
            "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
            "print(json.dumps(sorted(sys.modules)))")
    return set(json.loads(_fresh(code)))


@pytest.mark.parametrize("function", ["health", "openapi", "create_booking", "cancel_booking", "booker_manage_page",
                                      "voice_book"])
def test_a_handler_import_leaves_out_what_no_request_of_it_needs(function: str) -> None:
    loaded = _modules_after_import(function)
    assert "asyncio" not in loaded  # Powertools' AppSync resolver, via the event_handler package __init__
    assert "importlib.metadata" not in loaded  # pydantic's plugin discovery
    assert "aws_lambda_powertools.event_handler.openapi.models" not in loaded  # only the OpenAPI document needs them
    assert "aws_lambda_powertools.event_handler.appsync" not in loaded
    event_classes = {m for m in loaded if m.startswith("aws_lambda_powertools.utilities.data_classes.")}
    assert len(event_classes) < 12, sorted(event_classes)  # API Gateway's few, not all ~60 event sources


def test_health_and_openapi_import_neither_auth_nor_the_domain_models() -> None:
    for function in ("health", "openapi"):
        loaded = _modules_after_import(function)
        assert "scheduling.services.auth" not in loaded
        assert "scheduling.domain.models" not in loaded


def test_route_not_found_imports_neither_pydantic_nor_a_resolver() -> None:
    loaded = _modules_after_import("route_not_found")
    assert "pydantic" not in loaded
    assert "aws_lambda_powertools.event_handler.api_gateway" not in loaded


def test_cancel_does_not_import_the_create_route_or_the_notetaker_provider() -> None:
    loaded = _modules_after_import("cancel_booking")
    assert "scheduling.api.routes.create_booking" not in loaded
    assert "scheduling.adapters.notetaker" not in loaded


def test_the_deferred_powertools_packages_export_every_name_of_their_init() -> None:
    code = """
import ast, importlib, importlib.util, json, sys
import scheduling.api  # defers the packages
from scheduling.api.lazy_packages import POWERTOOLS_PACKAGES
report = {}
for name in POWERTOOLS_PACKAGES:
    package = sys.modules[name]
    deferred = "__getattr__" in vars(package)
    source = importlib.util.find_spec(name).loader.get_source(name)
    declared = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom):
            module = node.module if node.level == 0 else f"{name}.{node.module}"
            declared.update({a.asname or a.name: (module, a.name) for a in node.names})
    wrong = [n for n, (module, attribute) in sorted(declared.items())
             if getattr(package, n) is not getattr(importlib.import_module(module), attribute)]
    report[name] = {"deferred": deferred, "declared": len(declared), "wrong": wrong}
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import APIGatewayRestResolver as Direct, Response as DirectResponse
report["same_objects"] = APIGatewayRestResolver is Direct and Response is DirectResponse
print(json.dumps(report))
"""
    report = json.loads(_fresh(code))
    assert report.pop("same_objects") is True
    for name, figures in report.items():
        assert figures["deferred"], name
        assert figures["declared"] > 10, name
        assert figures["wrong"] == [], (name, figures)


def test_a_package_init_with_side_effects_is_imported_the_normal_way() -> None:
    from scheduling.api.lazy_packages import _exports

    assert _exports("pkg", '"""doc"""\nfrom .a import B\n__all__ = ["B"]\n') == ({"B": ("pkg.a", "B")}, ["B"])
    assert _exports("pkg", "from .a import B\nset_up_logging()\n") is None
    assert _exports("pkg", "from .a import *\n") is None


def test_pydantic_still_asks_the_loader_the_stand_in_replaces() -> None:
    """If a pydantic upgrade stops calling `_loader.get_plugins`, the stand-in is dead code: look again."""
    import inspect

    from pydantic.plugin import _schema_validator

    assert "from ._loader import get_plugins" in inspect.getsource(_schema_validator.create_schema_validator)


def test_pydantic_models_validate_with_the_plugin_less_loader_and_discovery_can_be_turned_back_on() -> None:
    code = """
import sys
import scheduling.domain
from scheduling.domain.models import WeeklyHours
from pydantic import ValidationError
try:
    WeeklyHours(day=9, start="09:00", end="17:00")
except ValidationError as error:
    print(type(sys.modules["pydantic.plugin._loader"].get_plugins()).__name__, error.errors()[0]["type"])
"""
    assert _fresh(code) == "tuple less_than_equal"
    discovered = "import scheduling.domain, sys; print('importlib.metadata' in sys.modules or 'none')"
    assert _fresh(discovered) == "none"
    assert _fresh("import scheduling.domain.models, sys; print(sys.modules['pydantic.plugin._loader'].__file__ is None)",
                  PYDANTIC_DISABLE_PLUGINS="none") == "False"


def test_response_models_are_built_only_for_the_openapi_document() -> None:
    code = """
import importlib.util, json
spec = importlib.util.spec_from_file_location('app', 'functions/get_booking/app.py')
module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
from scheduling.api.schemas import BookingDetailResponse, ErrorEnvelope
before = (BookingDetailResponse.__pydantic_complete__, ErrorEnvelope.__pydantic_complete__)
from scheduling.api.openapi_document import build_document
schemas = build_document()["components"]["schemas"]
print(before, "BookingDetailResponse" in schemas and "ErrorEnvelope" in schemas)
"""
    assert _fresh(code) == "(False, False) True"


def test_the_openapi_function_imports_no_router_but_its_own() -> None:
    loaded = _modules_after_import("openapi")
    assert {m for m in loaded if m.startswith("scheduling.api.routes.")} == {"scheduling.api.routes.openapi"}
    assert "scheduling.api.schemas" not in loaded  # no response model: the document is a file


@pytest.mark.parametrize(("env", "message"), [
    ({"AUTH_CACHE_SECONDS": "soon"}, "AUTH_CACHE_SECONDS"),
    ({"AUTH_CACHE_SECONDS": "7200"}, "AUTH_CACHE_SECONDS"),
    ({"TABLE_NAME": "ab"}, "TABLE_NAME"),
    ({"EMAIL_BACKEND": "smtp"}, "EMAIL_BACKEND"),
    ({"CALENDAR_BACKEND": "outlook"}, "CALENDAR_BACKEND"),
    ({"PAGE_SECRET": "short"}, "PAGE_SECRET"),
])
def test_a_bad_setting_fails_loudly_by_its_variable_name(monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                                          message: str) -> None:
    from scheduling.settings import get_settings

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match=message):
            get_settings()
    finally:
        get_settings.cache_clear()


def test_settings_read_every_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from scheduling.settings import _ENV_NAMES, Settings, get_settings

    assert set(_ENV_NAMES) == set(Settings._fields)
    monkeypatch.setenv("AUTH_CACHE_SECONDS", "30")
    monkeypatch.setenv("SMS_BACKEND", "sns")
    monkeypatch.setenv("TABLE_NAME", "bookings-prod")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert (settings.auth_cache_seconds, settings.sms_backend, settings.table_name) == (30, "sns", "bookings-prod")
        assert settings.email_backend == "local"
    finally:
        get_settings.cache_clear()
