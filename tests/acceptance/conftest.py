"""The local server as a user meets it: `python -m tools.local_server` in a subprocess, over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)


class LocalApi:
    def __init__(self, base: str, log_path: Path | None = None) -> None:
        self.base = base
        self.log_path = log_path  # the server's stdout/stderr: read it when a test sees a 500

    def request(self, method: str, path: str, *, key: str | None = None, body: Any = None,
                headers: dict[str, str] | None = None, raw: bytes | None = None) -> HttpResult:
        all_headers = dict(headers or {})
        if key:
            all_headers["Authorization"] = f"Bearer {key}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return HttpResult(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return HttpResult(error.code, dict(error.headers), error.read().decode())

    def get(self, path: str, **kwargs: Any) -> HttpResult:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> HttpResult:
        return self.request("POST", path, body=body, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(seed_path: Path) -> tuple[subprocess.Popen, LocalApi]:
    """`python -m tools.local_server` on a free port. On DynamoDB Local it uses this test worker's engine
    (tests/conftest.py) with a table of its own, rather than starting a JVM per server."""
    from tests.conftest import dynamodb_endpoint

    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}", "TABLE_NAME": f"scheduling-local-{port}"}
    endpoint = dynamodb_endpoint()
    database = ["--db", "dynamodb-local", "--db-endpoint", endpoint] if endpoint else ["--db", "moto"]
    # A file, not a pipe: nobody reads a pipe during the tests, and a full one would stall the server.
    log_path = Path(seed_path).with_suffix(f".server-{port}.log")
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tools.local_server", "--exit-with-parent", "--port", str(port),
             "--seed", str(seed_path), *database],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
        )
    api = LocalApi(f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"local server exited: {log_path.read_text()}")
        try:
            if api.get("/v1/health").status == 200:
                return process, api
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("local server did not answer /v1/health within 60 s")


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> LocalApi:
    """A local server with the standard test workspace (tests/support/seeds.py), one per module."""
    from tests.support.seeds import standard_seed

    seed_path = tmp_path_factory.mktemp("seed") / "seed.json"
    seed_path.write_text(json.dumps(standard_seed()))
    process, local_api = start_server(seed_path)
    yield local_api
    process.terminate()
    process.wait(timeout=10)
    report_server_errors(local_api)


def report_server_errors(api: LocalApi) -> None:
    """Show what the server logged about crashes, so a failing test's report carries the cause."""
    text = api.log_path.read_text() if api.log_path and api.log_path.exists() else ""
    if "Traceback" in text or "crashed" in text:
        sys.stderr.write(f"--- local server log ({api.log_path}) ---\n{text[-6000:]}\n")
