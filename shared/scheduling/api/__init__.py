"""The HTTP edge. Importing it first trims two costs of every cold start, before anything builds a
resolver or a model: two Powertools packages open without their catch-all `__init__`
(api/lazy_packages.py), and pydantic skips its plugin discovery (domain/pydantic_setup.py)."""

from scheduling.api.lazy_packages import defer_powertools_inits
from scheduling.domain.pydantic_setup import skip_plugin_discovery

defer_powertools_inits()
skip_plugin_discovery()
