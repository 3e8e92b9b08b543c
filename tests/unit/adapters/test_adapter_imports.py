"""Cold starts: importing an adapter module must not import boto3 or the Google client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"
HEAVY = ("boto3", "botocore", "googleapiclient", "google.auth", "google.oauth2", "httplib2", "msal", "requests",
         "icalendar")


def test_importing_every_adapter_module_loads_no_aws_or_google_client() -> None:
    script = (
        "import sys\n"
        "import scheduling.adapters.calendar, scheduling.adapters.calendar.google\n"
        "import scheduling.adapters.calendar.google_credentials, scheduling.adapters.calendar.microsoft\n"
        "import scheduling.adapters.calendar.hosts, scheduling.adapters.email\n"
        "import scheduling.services.invitations\n"
        "import scheduling.adapters.sms, scheduling.adapters.notetaker, scheduling.adapters.outbox\n"
        "import scheduling.adapters.secrets, scheduling.adapters.errors\n"
        f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(SHARED)})
    assert result.stdout.strip() == "[]"


def test_provider_adapters_are_reachable_from_the_calendar_package_on_demand() -> None:
    from scheduling.adapters import calendar
    from scheduling.adapters.calendar import google, microsoft

    assert calendar.GoogleCalendar is google.GoogleCalendar
    assert calendar.google_calendar_from_secret is google.google_calendar_from_secret
    assert calendar.GraphCalendar is microsoft.GraphCalendar


def test_the_calendar_package_has_no_import_circle_between_providers() -> None:
    # Each provider module depends on the port only: a third provider is one more such module.
    import ast

    package = SHARED / "scheduling" / "adapters" / "calendar"
    for module in ("google", "google_credentials", "microsoft", "local", "port", "hosts"):
        tree = ast.parse((package / f"{module}.py").read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        siblings = {name.rsplit(".", 1)[-1] for name in imported if name.startswith("scheduling.adapters.calendar.")}
        allowed = {"port"} | ({"google_credentials"} if module == "google" else set()) | (
            {"local"} if module == "hosts" else set())
        assert siblings <= allowed, (module, siblings)
