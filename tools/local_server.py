"""`make run`: serve every API route of template.yaml on 127.0.0.1 in-process, over DynamoDB Local.

Requests are turned into API Gateway (REST, payload v1) events and handed to the real handlers in
functions/*/app.py, each borrowed from a pool of Lambda-like containers (tools.lambda_containers),
so concurrent requests interleave as on AWS. The database is DynamoDB Local (tools.dynamodb_local,
started here and stopped with this process) or, with `--db moto` (`make run DB=moto`), an embedded
moto. Local-only inspection routes live under /_local (contract §6). One line per request goes to
stdout: method, path, status, milliseconds, request id.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import sys
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEMO_SEED = ROOT / "tools" / "demo-seed.json"

_containers: Any = None


class LocalContext:
    """The few LambdaContext attributes Powertools reads."""

    function_name = "local"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:ap-southeast-2:000000000000:function:local"
    aws_request_id = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 15_000


def api_event(
    method: str, raw_path: str, headers: dict[str, str], body: bytes, route: Any, params: dict[str, str]
) -> dict[str, Any]:
    split = urlsplit(raw_path)
    query = parse_qs(split.query, keep_blank_values=True)
    try:
        text, is_b64 = (body.decode("utf-8"), False) if body else (None, False)
    except UnicodeDecodeError:
        text, is_b64 = base64.b64encode(body).decode(), True
    request_id = str(uuid.uuid4())
    return {
        "resource": route.path,
        "path": unquote(split.path),
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": params or None,
        "stageVariables": None,
        "requestContext": {
            "requestId": request_id,
            "stage": "live",
            "resourcePath": route.path,
            "httpMethod": method,
            "path": "/live" + split.path,
            "identity": {"sourceIp": "127.0.0.1"},
            "requestTimeEpoch": int(datetime.now(UTC).timestamp() * 1000),
        },
        "body": text,
        "isBase64Encoded": is_b64,
    }


def containers() -> Any:
    global _containers
    if _containers is None:
        from tools.lambda_containers import ContainerPool

        _containers = ContainerPool()
    return _containers


def invoke(function: str, event: dict[str, Any]) -> dict[str, Any]:
    return containers().invoke(function, event, LocalContext())


def scheduled_event(job_function: str, time: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": time,
        "region": os.environ.get("AWS_REGION", "ap-southeast-2"),
        "resources": [f"arn:aws:events:ap-southeast-2:000000000000:rule/{job_function}"],
        "detail": {},
    }


class LocalApi:
    def __init__(self) -> None:
        from tools.sam_template import api_routes, scheduled_jobs

        self.routes = api_routes()
        self.jobs = {job.name: job for job in scheduled_jobs()}

    def match(self, method: str, path: str) -> tuple[Any, dict[str, str]] | None:
        path_only = unquote(urlsplit(path).path)
        for route in self.routes:
            found = route.pattern.match(path_only)
            if found and route.method in (method, "ANY"):
                return route, found.groupdict()
        return None

    # /_local --------------------------------------------------------------------------------
    def local_route(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        from tools import local_inspection

        path_only = urlsplit(path).path.rstrip("/")
        if method == "GET" and path_only == "/_local/outbox":
            return 200, local_inspection.outbox()
        if method == "GET" and path_only == "/_local/crm":
            return 200, local_inspection.crm()
        if method == "GET" and path_only == "/_local/backend":
            from tools import local_aws

            return 200, local_aws.backend()
        if method == "GET" and path_only == "/_local/jobs":
            return 200, {"jobs": sorted(self.jobs)}
        if method == "POST" and path_only.startswith("/_local/jobs/"):
            name = path_only.rsplit("/", 1)[1]
            job = self.jobs.get(name)
            if job is None:
                return 404, _local_error("ROUTE_NOT_FOUND", f"No job {name}; GET /_local/jobs lists them.", 404)
            try:
                payload = json.loads(body or b"{}")
                time = payload.get("time") or datetime.now(UTC).isoformat()
                datetime.fromisoformat(time.replace("Z", "+00:00"))
            except (ValueError, AttributeError):
                return 400, _local_error("VALIDATION_ERROR", 'Send {"time": "<ISO instant>"}.', 400)
            result = invoke(job.function, scheduled_event(job.function, time))
            return 200, {"job": name, "time": time, "summary": result}
        return 404, _local_error("ROUTE_NOT_FOUND", f"No local route {method} {path_only}.", 404)


def _local_error(code: str, message: str, status: int) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fix": "See contract §6.", "status": status, "details": {}}}


def make_handler(api: LocalApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "scheduling-local"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet by design
            pass

        def _serve(self) -> None:
            self._started = time.perf_counter()
            self._request_id = "-"
            self._dispatch()

        def _dispatch(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            method = self.command.upper()
            if self.path.startswith("/_local"):
                status, payload = api.local_route(method, self.path, body)
                self._send(status, {"Content-Type": "application/json"}, json.dumps(payload).encode())
                return
            matched = api.match(method, self.path)
            if matched is None:  # only when the template has no catch-all route
                payload = _local_error("ROUTE_NOT_FOUND", f"No route {method} {self.path}.", 404)
                self._send(404, {"Content-Type": "application/json"}, json.dumps(payload).encode())
                return
            route, params = matched
            headers = {k: v for k, v in self.headers.items()}
            event = api_event(method, self.path, headers, body, route, params)
            self._request_id = event["requestContext"]["requestId"]
            try:
                result = invoke(route.function, event)
            except Exception as error:  # a crash inside a handler is a 500 envelope, like API Gateway's
                sys.stderr.write(f"handler {route.function} crashed: {error!r}\n")
                payload = _local_error("INTERNAL_ERROR", "The function crashed.", 500)
                self._send(500, {"Content-Type": "application/json"}, json.dumps(payload).encode())
                return
            out_headers = dict(result.get("headers") or {})
            for key, values in (result.get("multiValueHeaders") or {}).items():
                out_headers[key] = ", ".join(str(v) for v in values)
            raw = result.get("body") or ""
            data = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode("utf-8")
            self._send(int(result.get("statusCode", 200)), out_headers, data)

        def _send(self, status: int, headers: dict[str, str], data: bytes) -> None:
            # Logged before the response goes out, so whoever got the response finds the line already there.
            elapsed_ms = (time.perf_counter() - self._started) * 1000
            sys.stdout.write(f"{self.command} {self.path} {status} {elapsed_ms:.0f}ms {self._request_id}\n")
            sys.stdout.flush()
            self.send_response(status)
            for key, value in headers.items():
                if key.lower() not in ("content-length", "connection"):
                    self.send_header(key, str(value))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

        def __getattr__(self, name: str) -> Any:
            # Any other method (TRACE, QUERY…) goes to the catch-all too: a 405/404 envelope, not
            # http.server's HTML 501.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

    return Handler


def _exit_with_parent() -> None:
    """`make run` is the parent: when whoever runs it kills make outright, this server (and with it the
    DynamoDB Local it started) goes too instead of living on as an orphan holding the port."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _stop_on_signals() -> None:
    """SIGTERM (and SIGHUP) end the server like Ctrl-C does, so atexit stops DynamoDB Local."""

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    parser = argparse.ArgumentParser(description="Serve template.yaml's routes locally over DynamoDB Local or moto.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 3000))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", default=os.environ.get("SEED") or "")
    parser.add_argument("--db", choices=("dynamodb-local", "moto"), default=os.environ.get("DB") or "dynamodb-local",
                        help="database: DynamoDB Local (default; needs Java) or the embedded moto")
    parser.add_argument("--db-endpoint", default="",
                        help="use the DynamoDB Local already at this URL (the tests share one) instead of starting one")
    parser.add_argument("--exit-with-parent", action="store_true", help="stop when the parent process dies")
    args = parser.parse_args(argv)
    if args.exit_with_parent:
        _exit_with_parent()
    _stop_on_signals()

    from tools import dynamodb_local, local_aws

    # Management and rebooking links in local emails should open this server's own pages.
    os.environ.setdefault("APP_BASE_URL", f"http://{args.host}:{args.port}")
    # A person watching events locally points a subscription at http://127.0.0.1 (docs/webhooks.md).
    os.environ.setdefault("WEBHOOKS_LOCAL_RECEIVERS", "on")
    local_aws.apply_local_env()
    try:
        # The JVM boots while Python imports every handler (the two take about as long).
        engine = dynamodb_local.launch() if args.db == "dynamodb-local" and not args.db_endpoint else None
        api = LocalApi()
        containers().prewarm([route.function for route in api.routes] + [job.function for job in api.jobs.values()])
        local_aws.start(args.db, endpoint=args.db_endpoint or None, engine=engine)
    except dynamodb_local.DynamoDBLocalError as error:
        sys.stderr.write(f"{error}\n")
        return 3
    except KeyboardInterrupt:
        return 0
    from scheduling.seed import SeedError
    from tools.local_inspection import seed_workspace

    seed_path = Path(args.seed) if args.seed else DEMO_SEED
    try:
        summary = seed_workspace(seed_path)
    except SeedError as error:
        sys.stderr.write(f"invalid seed {seed_path}: {error}\n")
        return 2
    ThreadingHTTPServer.request_queue_size = 128  # the default backlog of 5 resets bursts of clients
    server = ThreadingHTTPServer((args.host, args.port), make_handler(api))
    server.daemon_threads = True
    base = f"http://{args.host}:{args.port}"
    backend = local_aws.backend()
    database = f"DynamoDB Local at {backend['endpoint']}" if backend["database"] == "dynamodb-local" else "embedded moto"
    print(f"Scheduling API on {base}/v1  (database: {database}; seed: {seed_path.name}; "
          f"ready in {time.monotonic() - started:.1f} s)")
    for line in summary:
        print(line)
    print(f'Try: curl -H "Authorization: Bearer <key>" {base}/v1/scheduling-bookings')
    booking_page = _demo_booking_page(seed_path)
    if booking_page:
        print(f"Booking page: {base}{booking_page}")
    print(f"Run a job: curl -X POST {base}/_local/jobs/send_reminders -d '{{\"time\": \"<ISO instant>\"}}'"
          f"  (GET {base}/_local/jobs lists them; /_local/outbox shows what was sent)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        local_aws.stop()
    return 0


def _demo_booking_page(seed_path: Path) -> str | None:
    """The first company's first event type's public booking page, as a path."""
    try:
        company = json.loads(seed_path.read_text())["companies"][0]
        return f"/book/{company['slug']}/{company['event_types'][0]['slug']}"
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


if __name__ == "__main__":
    sys.exit(main())
