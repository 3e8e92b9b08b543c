"""The HTTP edge. Importing it first trims two costs of every cold start, before anything builds a
resolver or a model: two Powertools packages open without their catch-all `__init__`
(api/lazy_packages.py), and importing `scheduling.domain` makes pydantic skip its plugin discovery
(domain/pydantic_setup.py) before api/schemas.py builds a model."""

import scheduling.domain  # noqa: F401 - imported for its one-time pydantic setup
from scheduling.api.lazy_packages import defer_powertools_inits

defer_powertools_inits()
