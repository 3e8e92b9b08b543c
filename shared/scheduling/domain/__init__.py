"""Domain models (pydantic). Importing the package first skips pydantic's plugin discovery
(domain/pydantic_setup.py): no plugin ships in this bundle, and the search costs every cold start."""

from scheduling.domain.pydantic_setup import skip_plugin_discovery

skip_plugin_discovery()
