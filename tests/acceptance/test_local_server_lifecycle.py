"""`make run`'s own DynamoDB Local starts with the server and never outlives it (contract §6)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.acceptance.conftest import ROOT, LocalApi, free_port
from tests.conftest import TEST_DATABASE

pytestmark = pytest.mark.skipif(TEST_DATABASE == "moto", reason="about DynamoDB Local's lifetime")


def accepts_connections(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGKILL])
def test_the_server_starts_its_own_dynamodb_local_and_leaves_no_jvm_behind(tmp_path, stop_signal):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}"}
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "tools.local_server", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    api = LocalApi(f"http://127.0.0.1:{port}", log_path)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if api.get("/v1/health").status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        backend = api.get("/_local/backend").json
        assert backend["database"] == "dynamodb-local"
        engine_port = int(backend["endpoint"].rsplit(":", 1)[1])
        assert accepts_connections(engine_port)
        first_line = log_path.read_text().splitlines()[0]
        assert "database: DynamoDB Local at http://127.0.0.1:" in first_line and "ready in" in first_line
        listed = api.get("/v1/scheduling-bookings?limit=1", key="tp_test_harbour_ro")
        assert listed.status == 200 and json.loads(listed.text)["data"]
    finally:
        server.send_signal(stop_signal)
        server.wait(timeout=30)
    deadline = time.monotonic() + 20
    while accepts_connections(engine_port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not accepts_connections(engine_port), "DynamoDB Local outlived the server"
