"""Pydantic without its plugin discovery: this bundle ships no pydantic plugin.

The first model pydantic builds asks `pydantic.plugin._loader.get_plugins()` for plugins, and that
module imports `importlib.metadata` (email, zipfile, csv, pathlib…) and scans the entry points of
every installed distribution: ≈ 75 ms of each cold start on the bench machine (issue #10,
docs/operations.md "Cold starts"), to find nothing (layers/dependencies/requirements.txt has no
plugin). `skip_plugin_discovery()` registers that module as one whose `get_plugins()` returns no
plugins — what pydantic itself does under PYDANTIC_DISABLE_PLUGINS=__all__, without the import and
the scan. Models, validation and errors are unchanged.

To use a pydantic plugin (e.g. logfire), set PYDANTIC_DISABLE_PLUGINS to anything else than
`__all__`/`1`/`true` (e.g. `none`): discovery then runs as pydantic ships it.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

LOADER = "pydantic.plugin._loader"


def get_plugins() -> tuple[()]:
    """No plugins (the signature of pydantic's `get_plugins`)."""
    return ()


def skip_plugin_discovery() -> bool:
    """Install the plugin-less loader before pydantic builds its first model; True when installed."""
    if LOADER in sys.modules:
        return False
    configured = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
    if configured is not None and configured not in ("__all__", "1", "true"):
        return False  # someone chose which plugins to load: let pydantic discover them
    loader = ModuleType(LOADER, "Plugin-less stand-in installed by scheduling.domain.pydantic_setup.")
    loader.PYDANTIC_ENTRY_POINT_GROUP = "pydantic"  # type: ignore[attr-defined]
    loader._plugins = {}  # type: ignore[attr-defined]
    loader._loading_plugins = False  # type: ignore[attr-defined]
    loader.get_plugins = get_plugins  # type: ignore[attr-defined]
    # Registered by name only: pydantic reaches it with `from ._loader import get_plugins`, and
    # importing pydantic here would cost functions that never build a model (route_not_found).
    sys.modules[LOADER] = loader
    if (plugin_package := sys.modules.get("pydantic.plugin")) is not None:
        plugin_package._loader = loader  # type: ignore[attr-defined]
    return True
