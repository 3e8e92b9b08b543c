"""Cold starts: importing an adapter module must not import boto3 or the Google client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"
HEAVY = ("boto3", "botocore", "googleapiclient", "google.auth", "google.oauth2", "httplib2")


def test_importing_every_adapter_module_loads_no_aws_or_google_client() -> None:
    script = (
        "import sys\n"
        "import scheduling.adapters.calendar, scheduling.adapters.google_calendar\n"
        "import scheduling.adapters.google_credentials, scheduling.adapters.email\n"
        "import scheduling.adapters.sms, scheduling.adapters.notetaker, scheduling.adapters.outbox\n"
        "import scheduling.adapters.secrets, scheduling.adapters.errors\n"
        f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(SHARED)})
    assert result.stdout.strip() == "[]"


def test_google_calendar_is_reachable_from_the_calendar_module_on_demand() -> None:
    from scheduling.adapters import calendar, google_calendar

    assert calendar.GoogleCalendar is google_calendar.GoogleCalendar
    assert calendar.google_calendar_from_secret is google_calendar.google_calendar_from_secret
