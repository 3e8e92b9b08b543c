"""`make bench`: every figure in one report, printed, written to bench-results.json and drawn in
bench-results.png (tools/bench_chart.py).

Machines are shared and noisy, so each timing stands next to a reference measured in the same run
(docs: ../shared/docs/measurements.md). Sections: slot engine vs the brute-force reference,
DynamoDB calls per request for each sample event (Scans must be 0, and a booking create at most 3
reads and 1 TransactWriteItems: the run fails otherwise), cold
import of every function vs `import boto3` (goal ≤ 1.5×; for each function that misses it, and for
the slowest, the packages and modules that dominate its import are printed), layer sizes (after
`make build`), and, on DynamoDB Local (tools/bench_scale.py, its own process): scale (the demo
workspace with ~100 and ~100,000 bookings, p50 of six requests and the ratio large/small, goal
≤ 1.2) and throughput (requests/s at 1 and 20 clients), which replaced the local-server "p95 at
20 clients ≤ 3× one client" figure (it measured queueing on two cores: docs/reliability.md).
DynamoDB Local: BENCH_DYNAMODB_ENDPOINT names a running one; otherwise tools.dynamodb_local starts
one when that launcher exists; otherwise the section says it was not measured.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ENV = {**os.environ, "PYTHONPATH": f"{ROOT / 'shared'}:{ROOT}"}


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


# ------------------------------------------------------------------------------------ slot engine
def slot_engine() -> dict[str, Any]:
    from tools.bench_slots import find_case, missing_case_message, run

    case = find_case()
    if case is None:
        return {"skipped": missing_case_message()}
    return run(case)


# ------------------------------------------------------------------------------- DynamoDB calls
class CallCounter:
    """Counts botocore API calls by service and operation while active."""

    def __init__(self) -> None:
        import botocore.client

        self.calls: Counter[tuple[str, str]] = Counter()
        self.active = False
        original = botocore.client.BaseClient._make_api_call
        counter = self

        def counting(client: Any, operation_name: str, api_params: Any) -> Any:
            from scheduling.services.webhooks import on_delivery_thread

            # webhook fan-out runs beside the request, after its commit (docs/webhooks.md)
            if counter.active and not on_delivery_thread():
                counter.calls[(client.meta.service_model.service_name, operation_name)] += 1
            return original(client, operation_name, api_params)

        botocore.client.BaseClient._make_api_call = counting  # type: ignore[method-assign]


# Samples whose figure means something only after another sample ran (unmeasured) first.
PREPARED_BY = {"create_booking.returning_booker": "create_booking"}


def dynamodb_calls() -> dict[str, Any]:
    """DynamoDB calls of each sample event on a warm container, each on a freshly seeded workspace
    (so a cancel, a delete or a mark run earlier cannot turn a later sample into its error path)."""
    from tools import local_aws

    local_aws.start()
    from tools.local_inspection import seed_workspace
    from tools.local_server import DEMO_SEED, LocalContext
    from tools.sam_template import handler_module

    def run(stem: str) -> dict[str, Any]:
        event = json.loads((ROOT / "events" / f"{stem}.json").read_text())
        return handler_module(stem.split(".")[0]).lambda_handler(event, LocalContext())

    counter = CallCounter()
    results: dict[str, Any] = {}
    for sample in sorted((ROOT / "events").glob("*.json")):
        local_aws.reset()
        seed_workspace(DEMO_SEED)
        event = json.loads(sample.read_text())
        function = sample.stem.split(".")[0]
        if "httpMethod" in event:
            run("list_bookings")  # warm: the figure is per request on a warm function (API key cached)
            label = f"{event['httpMethod']} {event['resource']}" + ("" if sample.stem == function else f" ({sample.stem})")
        else:
            label = f"job {function}"
        if sample.stem in PREPARED_BY:
            run(PREPARED_BY[sample.stem])
        counter.calls.clear()
        counter.active = True
        try:
            response = run(sample.stem)
        finally:
            counter.active = False
        results[label] = _figures(counter, response)
    local_aws.reset()
    seed_workspace(DEMO_SEED)
    results["holds"] = _hold_calls(counter)
    return results


def _figures(counter: CallCounter, response: Any) -> dict[str, Any]:
    dynamo = {op: n for (service, op), n in counter.calls.items() if service == "dynamodb"}
    return {
        "calls": sum(dynamo.values()),
        "scans": dynamo.get("Scan", 0),
        "transactions": dynamo.get("TransactWriteItems", 0),
        "by_operation": dynamo,
        "status": response.get("statusCode") if isinstance(response, dict) else None,
    }


def _hold_calls(counter: CallCounter) -> dict[str, Any]:
    """A slot hold's life on warm functions (docs/holds.md): place it (events/create_hold.json), book
    through it (events/create_booking.json at the held time with its hold_id), then place and release
    another. Goal: each at most one transaction, and reads like a create."""
    from tools.local_server import LocalContext
    from tools.sam_template import handler_module

    def event(stem: str, **changes: Any) -> dict[str, Any]:
        loaded = json.loads((ROOT / "events" / f"{stem}.json").read_text())
        loaded.update(changes)
        return loaded

    def measured(function: str, request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        handler_module(function).lambda_handler(event("list_bookings"), LocalContext())  # warm, key cached
        counter.calls.clear()
        counter.active = True
        try:
            response = handler_module(function).lambda_handler(request, LocalContext())
        finally:
            counter.active = False
        return _figures(counter, response), json.loads(response.get("body") or "{}")

    figures: dict[str, Any] = {}
    hold_body = json.loads(event("create_hold")["body"])
    figures["place"], placed = measured("create_hold", event("create_hold"))
    booking_body = {**json.loads(event("create_booking")["body"]), "date": hold_body["date"], "time": hold_body["time"],
                    "hold_id": placed.get("data", {}).get("hold_id")}
    figures["create_with_hold_id"], _ = measured("create_booking", event("create_booking", body=json.dumps(booking_body)))
    second = {**hold_body, "time": "15:00"}
    _, placed = measured("create_hold", event("create_hold", body=json.dumps(second)))
    hold_id = placed.get("data", {}).get("hold_id", "missing")
    release = event("release_hold", path=f"/v1/scheduling-bookings/holds/{hold_id}", pathParameters={"hold_id": hold_id})
    figures["release"], _ = measured("release_hold", release)
    return figures


# -------------------------------------------------------------------------------- cold imports
_IMPORT_SNIPPET = """
import time, importlib.util, sys, json
t = time.perf_counter()
{body}
ms = (time.perf_counter() - t) * 1000
print(json.dumps([m for m in {heavy!r} if m in sys.modules]))
print(ms)
"""
IMPORT_GOAL = 1.5
# Imports worth naming when a function misses the goal (module → what pulls it in).
HEAVY_IMPORTS = {
    "pydantic": "pydantic (domain models, request bodies)",
    "aws_lambda_powertools.event_handler.openapi.models": "Powertools OpenAPI models (only the OpenAPI document needs them)",
    "aws_lambda_powertools.event_handler.appsync": "every Powertools resolver (event_handler/__init__; see api/lazy_packages.py)",
    "importlib.metadata": "pydantic plugin discovery (see domain/pydantic_setup.py)",
    "aws_lambda_powertools.utilities.idempotency": "Powertools idempotency",
    "boto3": "boto3 at import time",
    "googleapiclient": "Google API client",
    "jinja2": "Jinja2 templates",
    "aws_xray_sdk": "X-Ray SDK (Tracer)",
    "pendulum": "pendulum",
}
DOMINANT_TOP = 10


def _function_body(folder: Path) -> str:
    return (f"spec = importlib.util.spec_from_file_location('app', {str(folder / 'app.py')!r})\n"
            "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)")


def _time_fresh(body: str, runs: int, env: dict[str, str] = ENV) -> tuple[float, list[str]]:
    samples, heavy = [], []
    for _ in range(runs):
        out = subprocess.run([PYTHON, "-c", _IMPORT_SNIPPET.format(body=body, heavy=list(HEAVY_IMPORTS))], env=env,
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip().splitlines()
        heavy = json.loads(out[-2])
        samples.append(float(out[-1]))
    return statistics.median(samples), heavy


def dominant_imports(body: str, top: int = DOMINANT_TOP) -> list[dict[str, Any]]:
    """What one import spends its time on, from `python -X importtime`: self time summed by
    third-party or stdlib package (`pydantic`, `aws_lambda_powertools`, `email`…) and, for this
    project, by module (a module's self time includes the pydantic models and dataclasses it builds).
    importtime's own overhead inflates every figure a little; compare them with each other."""
    err = subprocess.run([PYTHON, "-X", "importtime", "-c", "import importlib.util\n" + body], env=ENV, cwd=ROOT,
                         capture_output=True, text=True, check=True).stderr
    totals: Counter[str] = Counter()
    for line in err.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line[len("import time:"):].split("|")
        name = name.strip()
        totals[name if name.startswith("scheduling.") else name.split(".")[0]] += int(self_us)
    return [{"module": name, "self_ms": round(us / 1000, 1)} for name, us in totals.most_common(top)]


def _compile_project() -> int:
    """Bytecode for the project's modules before timing, as boto3's in site-packages has: otherwise
    every file edited since its last import is compiled inside the measurement (PYTHONDONTWRITEBYTECODE
    keeps it stale run after run). Returns how many files needed it. Lambda has the same cost at
    every cold start unless the shared layer ships bytecode (docs/operations.md, "Cold starts")."""
    import compileall
    import importlib.util

    stale = 0
    for folder in (ROOT / "shared" / "scheduling", ROOT / "functions"):
        for source in folder.rglob("*.py"):
            cached = Path(importlib.util.cache_from_source(str(source)))
            if not cached.exists() or cached.stat().st_mtime < source.stat().st_mtime:
                stale += 1
        compileall.compile_dir(str(folder), quiet=1)
    return stale


def cold_import(runs: int = 3) -> dict[str, Any]:
    """Each function's module imported in a fresh interpreter, against `import boto3` timed before
    and after (a drifting machine load moves both). For each function over the goal, and for the
    slowest one in any case, the imports that dominate it are listed and printed."""
    recompiled = _compile_project()
    boto3_samples = [_time_fresh("import boto3", 1)[0] for _ in range(runs)]
    functions = {}
    folders = {p.name: p for p in sorted((ROOT / "functions").iterdir()) if (p / "app.py").is_file()}
    for name, folder in folders.items():
        ms, heavy = _time_fresh(_function_body(folder), runs)
        functions[name] = {"ms": round(ms, 1), "heavy_imports": [HEAVY_IMPORTS[m] for m in heavy]}
    boto3_samples += [_time_fresh("import boto3", 1)[0] for _ in range(runs)]
    boto3_ms = statistics.median(boto3_samples)
    for figures in functions.values():
        figures["ratio_to_boto3"] = round(figures["ms"] / boto3_ms, 2)
    over = {name: f for name, f in functions.items() if f["ratio_to_boto3"] > IMPORT_GOAL}
    slowest = max(functions, key=lambda name: functions[name]["ratio_to_boto3"]) if functions else None
    for name in sorted(set(over) | ({slowest} if slowest else set())):
        figures = functions[name]
        figures["dominant_imports"] = dominant_imports(_function_body(folders[name]))
        label = "OVER GOAL" if name in over else "slowest"
        print(f"cold import {label}: {name} {figures['ratio_to_boto3']}× boto3 ({figures['ms']} ms); self time by "
              "package/module: " + ", ".join(f"{d['module']} {d['self_ms']}" for d in figures["dominant_imports"]))
    return {"boto3_ms": round(boto3_ms, 1), "runs": runs, "goal_ratio": IMPORT_GOAL, "recompiled_files": recompiled,
            "functions": functions, "from_built_layers": _from_built_layers(folders, boto3_ms, runs),
            "over_goal": {name: {"ratio_to_boto3": f["ratio_to_boto3"], "heavy_imports": f["heavy_imports"],
                                 "dominant_imports": f["dominant_imports"]} for name, f in over.items()},
            "within_goal": len(functions) - len(over)}


AS_DEPLOYED = ("create_booking", "health")


def _from_built_layers(folders: dict[str, Path], boto3_ms: float, runs: int) -> dict[str, Any]:
    """A few functions imported from `make build`'s layers as Lambda loads them (read-only /opt, so
    no bytecode is written): with the layers' shipped .pyc files, and with them removed, which is
    what every cold start paid before the layers shipped bytecode."""
    import shutil
    import tempfile

    build = ROOT / ".aws-sam" / "build"
    layers = [build / "SharedLayer" / "python", build / "DependenciesLayer" / "python"]
    if not all(layer.is_dir() for layer in layers):
        return {"note": "run `make build` first to time imports from the built layers"}
    import boto3

    runtime = str(Path(boto3.__file__).parent.parent)  # boto3 comes with the Lambda runtime
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        sources = []
        for layer in layers:
            copy = Path(scratch) / layer.parent.name
            shutil.copytree(layer, copy, ignore=shutil.ignore_patterns("__pycache__"))
            sources.append(copy)
        for label, paths in (("with_bytecode", layers), ("source_only", sources)):
            env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
                   "PYTHONPATH": ":".join([*map(str, paths), runtime])}
            for name in AS_DEPLOYED:
                ms, _ = _time_fresh(_function_body(folders[name]), runs, env)
                figures.setdefault(name, {})[label] = {"ms": round(ms, 1), "ratio_to_boto3": round(ms / boto3_ms, 2)}
    return figures


# ---------------------------------------------------------------------------------- layer sizes
def layer_sizes() -> dict[str, Any]:
    build = ROOT / ".aws-sam" / "build"
    sizes = {}
    for name, layer in (("dependencies", "DependenciesLayer"), ("shared", "SharedLayer")):
        path = build / layer
        if path.is_dir():
            total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
            sizes[name] = round(total / 1_000_000, 1)
    return sizes or {"note": "run `make build` first to measure the built layers"}


# ------------------------------------------------------------------ scale and throughput (DynamoDB Local)
SCALE_TIMEOUT_S = 600


def scale() -> dict[str, Any]:
    """tools/bench_scale.py in a fresh process (this one runs on moto) against DynamoDB Local."""
    endpoint, engine = os.environ.get("BENCH_DYNAMODB_ENDPOINT"), None
    if not endpoint:
        try:
            from tools import dynamodb_local  # type: ignore[attr-defined]
        except ImportError:
            return {"note": "not measured: no DynamoDB Local (set BENCH_DYNAMODB_ENDPOINT to a running one; "
                            "tools/dynamodb_local.py starts one once it exists)"}
        # the C2 compiler (the launcher's default is C1 only, for a quick start): measured on this
        # machine, DynamoDB Local then stores a batch-written item in ~0.85 ms of CPU instead of 1.4-2.0
        os.environ.setdefault("DYNAMODB_LOCAL_JAVA_OPTS", "")
        engine = dynamodb_local.start()
        endpoint = engine.endpoint
    try:
        command = [PYTHON, "-m", "tools.bench_scale", "--endpoint", endpoint]
        if os.environ.get("BENCH_SCALE_LARGE"):
            command += ["--large", os.environ["BENCH_SCALE_LARGE"]]
        done = subprocess.run(command, env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=SCALE_TIMEOUT_S)
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if engine is not None:
            engine.stop()


CREATE_BOOKING = "POST /v1/scheduling-bookings"
CREATE_GOAL = {"reads": 3, "transactions": 1}  # issue #5: per create on a warm container
READ_OPERATIONS = ("GetItem", "Query", "BatchGetItem", "Scan")


def webhooks(rounds: int = 6, per_round: int = 4) -> dict[str, Any]:
    """A create with three active subscriptions (loopback receivers, one sleeping 5 s) against a create
    with none, in-process on a warm function over DynamoDB Local, side by side: rounds of `per_round`
    creates without and with subscriptions, the order swapped every round, so a change of machine
    load hits both alike. (Not moto: its transactions deep-copy every table, stream records included,
    so each create there is slower than the one before and the second of a pair always loses.)

    Measured as deployed (WEBHOOKS_FIRST_ATTEMPT=stream): the request commits its event item and
    returns; the table's stream is then played into webhook_fan_out after each round (another
    function deployed, so outside the request's time), and every first attempt must be delivered.
    The same alternation with the local background thread (`make run`) is reported beside it: there
    the fan-out shares the process (one interpreter, moto's per-call lock) with the next request."""
    import threading
    from datetime import UTC, datetime, timedelta
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    sys.path.insert(0, str(ROOT))
    os.environ["WEBHOOKS_LOCAL_RECEIVERS"] = "on"
    os.environ["WEBHOOKS_FIRST_ATTEMPT"] = "stream"
    from scheduling.services import webhooks as service
    from scheduling.settings import get_settings
    from tests.reliability.http import api_event, invoke
    from tests.support.seeds import COMPANY_ID, CONSULT_ID, RW_KEY, next_weekday, standard_seed
    from tools import local_aws
    from tools.local_streams import StreamPlayer

    get_settings.cache_clear()
    local_aws.start("dynamodb-local")
    local_aws.reset()
    from scheduling import wiring
    from scheduling.seed import apply_seed, plan_seed

    apply_seed(plan_seed(standard_seed(), datetime.now(UTC)), wiring.companies(), wiring.bookings())
    received: dict[str, list[float]] = {}  # path -> perf_counter() of each arrival

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.setdefault(self.path, []).append(time.perf_counter())
            if self.path == "/sleepy":
                time.sleep(5)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    paths = ("/a", "/b", "/sleepy")
    counter = CallCounter()
    first = next_weekday(0, weeks_ahead=3)
    days = [first + timedelta(days=n) for n in range(90) if (first + timedelta(days=n)).weekday() < 5]
    slots = iter([(day, f"{9 + n // 2:02d}:{30 * (n % 2):02d}") for day in days for n in range(16)])

    def create() -> tuple[float, int]:
        day, at = next(slots)
        event = api_event("POST", "/v1/scheduling-bookings", "/v1/scheduling-bookings", key=RW_KEY, body={
            "event_type_id": CONSULT_ID, "date": day.isoformat(), "time": at, "timezone": "Australia/Sydney",
            "fullName": "Bench Booker", "email": "bench@example.com"})
        counter.calls.clear()
        counter.active = True
        started = time.perf_counter()
        try:
            result = invoke("create_booking", event)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            counter.active = False
        assert result["statusCode"] == 201, result["body"]
        return elapsed, counter.calls[("dynamodb", "TransactWriteItems")]

    def subscribe(on: bool) -> None:
        for subscription in service.repository().subscriptions(COMPANY_ID):
            service.delete_subscription(COMPANY_ID, subscription["id"])
        port = server.server_address[1]
        for path in paths if on else ():
            service.create_subscription(COMPANY_ID, {"url": f"http://127.0.0.1:{port}{path}", "events": ["*"]},
                                        datetime.now(UTC))

    def alternate(between_rounds: Callable[[], None]) -> dict[str, list[tuple[float, int]]]:
        runs: dict[str, list[tuple[float, int]]] = {"none": [], "three": []}
        for attempt in range(3):  # warm; a DynamoDB Local just started can time out its first calls (503)
            try:
                create()
                break
            except AssertionError:
                if attempt == 2:
                    raise
        between_rounds()
        for round_number in range(rounds):
            for label in (("none", "three") if round_number % 2 == 0 else ("three", "none")):
                subscribe(label == "three")
                runs[label] += [create() for _ in range(per_round)]
                between_rounds()
        return runs

    def figures(runs: dict[str, list[tuple[float, int]]]) -> dict[str, Any]:
        none_ms = statistics.median(r[0] for r in runs["none"])
        three_ms = statistics.median(r[0] for r in runs["three"])
        return {"create_p50_ms": {"no_subscriptions": round(none_ms, 1), "three_subscriptions": round(three_ms, 1)},
                "extra_transactions": max(r[1] for r in runs["three"]) - max(r[1] for r in runs["none"]),
                "ratio": round(three_ms / none_ms, 2), "creates_each": len(runs["three"])}

    try:
        player = StreamPlayer()
        fan_out: list[dict[str, Any]] = []

        def play_stream() -> None:
            """What Lambda does with the round's stream records (webhook_fan_out waits for its attempts)."""
            before = {p: len(received.get(p, [])) for p in paths}
            records = player.selected(player.records())
            started = time.perf_counter()
            answers = player.invoke(records)
            fast = [t - started for p in ("/a", "/b") for t in received.get(p, [])[before[p]:]]
            fan_out.append({"events": sum(a["events"] for a in answers), "seconds": time.perf_counter() - started,
                            "fast_receivers_after_s": max(fast, default=None),
                            "sent": {p: len(received.get(p, [])) - before[p] for p in paths}})

        stream = figures(alternate(play_stream))
        with_subscriptions = [f for f in fan_out if f["sent"]["/a"]]
        stream["first_attempts"] = {
            "events_fanned_out": sum(f["events"] for f in fan_out),
            "sent_per_receiver": {p: sum(f["sent"][p] for f in fan_out) for p in paths},
            # from the function's start: its slowest fast-receiver arrival, and its longest run (the sleeper)
            "fast_receivers_within_s": {
                "median_round": round(statistics.median(f["fast_receivers_after_s"] for f in with_subscriptions), 2),
                "slowest_round": round(max(f["fast_receivers_after_s"] for f in with_subscriptions), 2)},
            "function_seconds_max": round(max(f["seconds"] for f in fan_out), 2)}
        os.environ["WEBHOOKS_FIRST_ATTEMPT"] = "thread"
        get_settings.cache_clear()
        local_thread = figures(alternate(lambda: None))
        service.wait_for_deliveries(timeout=60)
    finally:
        os.environ.pop("WEBHOOKS_FIRST_ATTEMPT", None)
        get_settings.cache_clear()
        server.shutdown()
    return {**stream, "local_thread_mode": local_thread,
            "goal": "as deployed: extra_transactions 0, ratio <= 1.1, every first attempt sent "
                    "(receivers on loopback, one sleeping 5 s)"}


def webhooks_in_own_process() -> dict[str, Any]:
    """`webhooks` in a fresh interpreter: the sections before it leave handler modules warm with
    clients of the embedded moto, which this section (on DynamoDB Local) cannot reach."""
    found = subprocess.run([PYTHON, "-m", "tools.bench", "--section", "webhooks"], cwd=ROOT, env=ENV,
                           capture_output=True, text=True, timeout=900)
    if found.returncode != 0:
        raise RuntimeError(found.stderr.strip().splitlines()[-1] if found.stderr.strip() else "no output")
    # the function logs JSON lines to stdout too: the report is the line the section printed
    return json.loads(next(line for line in reversed(found.stdout.splitlines()) if line.startswith('{"create_p50_ms"')))


def check(report: dict[str, Any]) -> list[str]:
    """What the report says is broken (the run exits non-zero): any Scan, any section that crashed,
    a booking create (every create_booking sample) over 3 reads or 1 TransactWriteItems, or one that
    did not book (the samples have fixed dates, which pass)."""
    problems = [f"{key}: {section['error']}" for key, section in report.items()
                if isinstance(section, dict) and "error" in section]
    calls = report.get("dynamodb_calls", {})
    problems += [f"{label} made {figures['scans']} Scan(s)" for label, figures in calls.items()
                 if isinstance(figures, dict) and figures.get("scans")]
    for label, figures in calls.items():
        if not isinstance(figures, dict) or not (label == CREATE_BOOKING or label.startswith(CREATE_BOOKING + " (")):
            continue
        if "invalid_email" not in label and figures.get("status") != 201:
            problems.append(f"{label} answered {figures.get('status')}, not 201, so its calls are not a booking's: "
                            "are the sample dates in events/ in the past? `make refresh-samples` moves them forward.")
        by_operation = figures.get("by_operation", {})
        reads = sum(by_operation.get(op, 0) for op in READ_OPERATIONS)
        if reads > CREATE_GOAL["reads"]:
            problems.append(f"{label} made {reads} reads (goal ≤ {CREATE_GOAL['reads']}): {by_operation}")
        if figures.get("transactions", 0) > CREATE_GOAL["transactions"]:
            problems.append(f"{label} made {figures['transactions']} TransactWriteItems "
                            f"(goal ≤ {CREATE_GOAL['transactions']})")
    hooks = report.get("webhooks", {})
    if isinstance(hooks, dict) and "ratio" in hooks:
        if hooks["extra_transactions"]:
            problems.append(f"a create with webhook subscriptions made {hooks['extra_transactions']} extra transaction(s)")
        if hooks["ratio"] > 1.1:
            problems.append(f"a create with three webhook subscriptions took {hooks['ratio']}x one with none (goal ≤ 1.1)")
        sent = hooks["first_attempts"]["sent_per_receiver"]
        if set(sent.values()) != {hooks["creates_each"]}:
            problems.append(f"the stream's first attempts reached the receivers {sent} times, "
                            f"not {hooks['creates_each']} each")
    for step, figures in (calls.get("holds") or {}).items():
        if not isinstance(figures, dict):
            continue
        if figures.get("status") not in (200, 201):
            problems.append(f"holds {step} answered {figures.get('status')}: its calls are not a hold's")
        reads = sum(figures.get("by_operation", {}).get(op, 0) for op in READ_OPERATIONS)
        if reads > CREATE_GOAL["reads"] or figures.get("transactions", 0) > CREATE_GOAL["transactions"]:
            problems.append(f"holds {step} made {reads} reads and {figures.get('transactions')} TransactWriteItems "
                            f"(goal: like a create, ≤ {CREATE_GOAL['reads']} and ≤ {CREATE_GOAL['transactions']})")
    return problems


def main() -> int:
    report: dict[str, Any] = {"commit": _git_commit()}
    for key, section in (("slot_engine", slot_engine), ("dynamodb_calls", dynamodb_calls),
                         ("cold_import", cold_import), ("layer_sizes_mb", layer_sizes),
                         ("scale", scale), ("webhooks", webhooks_in_own_process)):
        started = time.perf_counter()
        try:
            report[key] = section()
        except Exception as error:  # one broken section must not hide the others
            report[key] = {"error": repr(error)}
        if key == "scale" and "backend" in report[key]:  # bench_scale answers backend, scale, throughput
            report.update(report.pop("scale"))
        print(f"== {key} ({time.perf_counter() - started:.1f} s)")
        print(json.dumps({k: report[k] for k in ("backend", "scale", "throughput_rps") if k in report}
                         if key == "scale" else report[key], indent=2))
    (ROOT / "bench-results.json").write_text(json.dumps(report, indent=2) + "\n")
    print("wrote bench-results.json")
    try:
        from tools.bench_chart import render

        render(report, ROOT / "bench-results.png")
        print("wrote bench-results.png")
    except ImportError as error:  # matplotlib is in requirements-dev.txt; say so rather than crash
        print(f"no chart: {error}")
    problems = check(report)
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--section", "webhooks"]:
        print(json.dumps(webhooks()))
        sys.exit(0)
    sys.exit(main())
