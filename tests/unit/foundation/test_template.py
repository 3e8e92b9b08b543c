from __future__ import annotations

from pathlib import Path

from scheduling.api.fallback import KNOWN_ROUTES, allowed_methods
from tools.sam_template import api_routes, load_template, scheduled_jobs

ROOT = Path(__file__).resolve().parents[3]


def test_the_fallback_knows_exactly_the_routes_the_template_declares():
    declared: dict[str, set[str]] = {}
    for route in api_routes():
        if route.path != "/{proxy+}":
            declared.setdefault(route.path, set()).add(route.method)
    assert declared == KNOWN_ROUTES


def test_every_function_folder_is_deployed_by_the_template_and_has_a_handler():
    template_folders = {
        Path(r["Properties"]["CodeUri"]).name
        for r in load_template()["Resources"].values()
        if r["Type"] == "AWS::Serverless::Function"
    }
    folders = {p.name for p in (ROOT / "functions").iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders == template_folders
    for folder in folders:
        assert (ROOT / "functions" / folder / "app.py").is_file(), folder


def test_scheduled_jobs_are_named_after_their_function_folders():
    for job in scheduled_jobs():
        assert job.function == f"job_{job.name}"
        assert job.schedule.startswith(("rate(", "cron("))


def test_a_known_path_with_another_method_is_recognised_for_405():
    assert allowed_methods("/v1/scheduling-bookings/abc") == {"GET"} | KNOWN_ROUTES["/v1/scheduling-bookings/{id}"]
    assert allowed_methods("/v1/nothing-here") is None


def test_importing_a_handler_does_not_import_boto3_until_a_request_needs_it():
    import subprocess
    import sys

    code = ("import importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('app', {str(ROOT / 'functions' / 'get_booking' / 'app.py')!r})\n"
            "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
            "print('boto3' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}", "PATH": "/usr/bin:/bin"}).stdout
    assert out.strip() == "False"
