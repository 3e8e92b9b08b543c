"""`make bench` scale and throughput, on DynamoDB Local (docs: ../shared/docs/measurements.md).

The demo workspace (tools/demo-seed.json) twice in one table: as it is, with about 100 bookings,
and as a twin (same configuration, its own ids, slug and API keys) with about 100,000. Requests
alternate between the two, sample by sample, so the machine's load (a shared 2-core box) moves
both figures alike: p50 of list (first page, a page filtered on status and event type, and a
filter that matches nothing, whose read the repository bounds), get,
available-slots (round robin, 14 days), check-availability and create, each as the function's
handler serves it in-process (warm), and the ratio large/small (goal ≤ 1.2: a query by key does
not care how much else is stored). Then requests/s at 1 and 20 concurrent clients (threads) on
the large workspace.

The extra bookings are written straight into the table with BatchWriteItem from several threads
(booking items as the repository writes them, GSI keys included, plus their hosts' ledger days;
signed HTTP requests with bodies built up front, see `load`), spread over both
hosts and the 8 years around today, but none in the weeks the measured requests look at: the
requests see the same bookings in both workspaces, so a ratio above 1 means a read that grows
with what else is stored, not more work for the slot engine.

Runs in its own process (the bench's other sections run on an embedded moto, which intercepts
every boto3 call of the process that started it):

    python -m tools.bench_scale --endpoint http://127.0.0.1:8000 [--large 100000]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from itertools import zip_longest
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SMALL, LARGE = 100, 100_000
SAMPLES = 25  # requests per operation and size; p50 of these
LOAD_THREADS = 8
BATCH = 25  # DynamoDB's limit per BatchWriteItem
CLEAR_OF = timedelta(days=60)  # no generated booking starts within this of today (the measured weeks)


def _event(stem: str, **changes: Any) -> dict[str, Any]:
    event = json.loads((ROOT / "events" / f"{stem}.json").read_text())
    if "body" in changes:
        changes["body"] = json.dumps(changes["body"])
    event.update(changes)
    return event


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TWIN = "large"


@functools.lru_cache(maxsize=64)  # the same events come back sample after sample: map them once
def twin_text(text: str) -> str:
    """The demo seed's (or a sample event's) text for the twin workspace: every id mapped to its
    own, the slug and the API keys suffixed."""
    text = UUID.sub(lambda m: str(uuid.uuid5(uuid.NAMESPACE_URL, TWIN + m.group(0))), text)
    return text.replace("harbour-physio", f"harbour-physio-{TWIN}").replace("tp_test_harbour", f"tp_test_{TWIN}")


_containers: Any = None


def _call(event: dict[str, Any], function: str) -> dict[str, Any]:
    """The function's handler on a warm Lambda-like container (tools.lambda_containers): one request
    per container at a time, as on AWS, so concurrent clients do not share a Powertools resolver."""
    global _containers
    from tools.lambda_containers import ContainerPool
    from tools.local_server import LocalContext

    if _containers is None:
        _containers = ContainerPool()
    return _containers.invoke(function, json.loads(json.dumps(event)), LocalContext())


def _prewarm(functions: list[str], containers: int) -> None:
    """`containers` idle containers per function, so the timed concurrent requests pay no cold start."""
    for _ in range(containers):
        _containers.prewarm(functions)


def _p50(timed: Any, samples: int = SAMPLES) -> float:
    durations = []
    for n in range(samples):
        started = time.perf_counter()
        timed(n)
        durations.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(durations), 2)


# ------------------------------------------------------------------------------------ the data
def _generated_items(company: dict[str, Any], count: int, seed: int) -> list[dict[str, Any]]:
    """`count` bookings (booking items and their ledger days), away from the measured weeks."""
    from scheduling import wiring
    from scheduling.domain.models import Booking
    from scheduling.repositories import keys
    from scheduling.repositories.bookings import BookingRepository, buffered_range, utc_days

    repository = BookingRepository(wiring.table())
    rng = random.Random(seed)
    hosts = [u["id"] for u in company["users"]]
    event_types = [(e["id"], e["name"], e.get("duration_minutes", 30)) for e in company["event_types"]]
    today = datetime.now(UTC).date()
    items: list[dict[str, Any]] = []
    ledger: dict[tuple[str, date], dict[str, list[str]]] = {}
    used: set[tuple[str, datetime]] = set()
    while len(items) < count:
        day = today + timedelta(days=rng.randint(-4 * 365, 4 * 365))
        if abs(day - today) < CLEAR_OF:
            continue
        host = rng.choice(hosts)
        # any half hour of the day: ~100,000 bookings for two hosts over 8 years do not fit in office
        # hours (2 x 2,800 days x 16 half hours = 89,600), and the reads measured do not care when
        starts = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=30 * rng.randint(0, 47))
        if (host, starts) in used:
            continue
        used.add((host, starts))
        event_type_id, event_type_name, minutes = rng.choice(event_types)
        booking = Booking(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), company_id=company["id"],
            event_type_id=event_type_id, event_type_name=event_type_name, host_user_ids=[host],
            starts_at=starts, ends_at=starts + timedelta(minutes=minutes), timezone="Australia/Sydney",
            booker_name=f"Bench Booker {len(items)}", booker_email=f"bench{len(items)}@example.com",
            status="cancelled" if rng.random() < 0.1 else "confirmed",
            created_at=starts - timedelta(days=7), updated_at=starts - timedelta(days=7))
        items.append(repository.booking_item(booking))
        if booking.status == "confirmed":
            span = buffered_range(booking)
            for utc_day in utc_days(span):
                ledger.setdefault((host, utc_day), {})[booking.id] = [span.start.isoformat(), span.end.isoformat()]
    pk = keys.company_pk(company["id"])
    items += [{"PK": pk, "SK": keys.host_day_sk(host, day), "version": 1, "ranges": ranges}
              for (host, day), ranges in ledger.items()]
    return items


def load(items: list[dict[str, Any]], threads: int = LOAD_THREADS) -> float:
    """BatchWriteItem of `items`, 25 a request, from `threads` threads; returns seconds.

    Each request body is DynamoDB JSON built once, up front, and POSTed on the thread's own
    keep-alive connection, signed with botocore's SigV4: a boto3 client spends ~0.4 ms of Python
    per item serialising and parsing (measured), as much as DynamoDB Local spends storing it, and
    both share two cores. Unprocessed items are sent again after a short pause until none is left."""
    table = os.environ["TABLE_NAME"]
    requests = [{"PutRequest": {"Item": {k: _attribute(v) for k, v in item.items()}}} for item in items]
    batches = [requests[n:n + BATCH] for n in range(0, len(requests), BATCH)]
    endpoint = os.environ["AWS_ENDPOINT_URL_DYNAMODB"]

    def write(shard: list[list[dict[str, Any]]]) -> None:
        post = _batch_poster(endpoint)
        for batch in shard:
            pause = 0.05
            while batch:
                batch = post({"RequestItems": {table: batch}}).get("UnprocessedItems", {}).get(table, [])
                if batch:
                    time.sleep(pause)
                    pause = min(pause * 2, 1.0)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(write, [batches[n::threads] for n in range(threads)]))
    return time.perf_counter() - started


def _attribute(value: Any) -> dict[str, Any]:
    """boto3's TypeSerializer for the types the repositories' items hold, at a fraction of its cost
    (it checks every value against every type); anything else goes to TypeSerializer itself."""
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, dict):
        return {"M": {k: _attribute(v) for k, v in value.items()}}
    if isinstance(value, list):
        return {"L": [_attribute(v) for v in value]}
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer().serialize(value)


def _batch_poster(endpoint: str) -> Any:
    """A BatchWriteItem sender on one keep-alive connection: body in, parsed answer out (errors raise
    after a few tries; a 5xx or a dropped connection is tried again)."""
    import http.client
    from urllib.parse import urlsplit

    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    url = urlsplit(endpoint)
    credentials = boto3.Session().get_credentials()
    signer = SigV4Auth(credentials, "dynamodb", os.environ["AWS_REGION"])
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def post(body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body, separators=(",", ":")).encode()
        request = AWSRequest("POST", endpoint + "/", data=data, headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.BatchWriteItem"})
        signer.add_auth(request)
        for attempt in range(5):
            try:
                connection.request("POST", "/", body=data, headers=dict(request.headers))
                answer = connection.getresponse()
                payload = answer.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                time.sleep(0.2 * (attempt + 1))
                continue
            if answer.status == 200:
                return json.loads(payload)
            if answer.status < 500:
                raise RuntimeError(f"BatchWriteItem answered {answer.status}: {payload[:300]!r}")
            time.sleep(0.2 * (attempt + 1))
        raise RuntimeError(f"BatchWriteItem failed 5 times on {endpoint}")

    return post


# ------------------------------------------------------------------------------- measurements
class Requests:
    """The measured requests against the demo workspace, each as its sample event."""

    def __init__(self, company: dict[str, Any], twin: bool = False) -> None:
        self.company = company
        self.twin = twin
        today = datetime.now(UTC).date()
        self.window = today + timedelta(days=14)  # inside the weeks kept free of generated bookings
        self.round_robin = next(e for e in company["event_types"] if e["name"] == "Initial Assessment")
        self.free_consultation = next(e for e in company["event_types"] if e["name"] == "Free Consultation")
        self.booking_id = company["bookings"][0]["id"]
        self._create_slots = iter(self._free_slots())
        self._slot_lock = threading.Lock()

    def _free_slots(self) -> list[tuple[str, str]]:
        """Every other free Free Consultation time in the 3 weeks after the measured window (so a
        create never takes a time the next one needs, nor one the slot figures look at), taken a
        day at a time in turn: concurrent creates then mostly land on different ledger days."""
        first = self.window + timedelta(days=14)
        body = {"event_type_name": self.free_consultation["name"], "date_from": first.isoformat(),
                "date_to": (first + timedelta(days=20)).isoformat(), "timezone": "NSW"}
        dates = json.loads(self._ok(self._call(_event("list_available_slots", body=body), "list_available_slots"))["body"])
        by_day = [[(d["date"], slot["time"]) for slot in d["slots"][::2]]
                  for d in dates["data"]["availability"]["dates"]]
        return [slot for turn in zip_longest(*by_day) for slot in turn if slot is not None]

    def list_first_page(self, _: int = 0) -> dict[str, Any]:
        return self._ok(self._call(_event("list_bookings", queryStringParameters={"limit": "10"}), "list_bookings"))

    def list_filtered(self, _: int = 0) -> dict[str, Any]:
        query = {"limit": "10", "status": "confirmed", "event_type_id": self.free_consultation["id"]}
        return self._ok(self._call(_event("list_bookings", queryStringParameters=query), "list_bookings"))

    def list_filter_rare(self, _: int = 0) -> dict[str, Any]:
        """A filter that matches nothing stored (no booking is a no-show): before the read budget
        this read every booking of the date range (x71 from 100 to 3,000 bookings)."""
        query = {"limit": "10", "status": "no_show"}
        return self._ok(self._call(_event("list_bookings", queryStringParameters=query), "list_bookings"))

    def get(self, _: int = 0) -> dict[str, Any]:
        return self._ok(self._call(_event("get_booking"), "get_booking"))

    def available_slots(self, _: int = 0) -> dict[str, Any]:
        body = {"event_type_name": self.round_robin["name"], "date_from": self.window.isoformat(),
                "date_to": (self.window + timedelta(days=13)).isoformat(), "timezone": "NSW"}
        return self._ok(self._call(_event("list_available_slots", body=body), "list_available_slots"))

    def check_availability(self, _: int = 0) -> dict[str, Any]:
        body = {"event_type_slug": self.free_consultation["slug"], "date": self._weekday().isoformat(),
                "time": "10:00", "timezone": "NSW"}
        return self._ok(self._call(_event("check_availability", body=body), "check_availability"))

    def create(self, _: int = 0) -> dict[str, Any]:
        return self._ok(self._create(), 201)

    def create_or_conflict(self, _: int = 0) -> dict[str, Any]:
        """A create under concurrency: 201, or 409 when its retries lost every race for the host's
        day (counted by `throughput`, not a crash of the bench)."""
        response = self._create()
        assert response["statusCode"] in (201, 409), response
        return response

    def _create(self) -> dict[str, Any]:
        with self._slot_lock:
            day, at = next(self._create_slots)
        body = {"event_type_slug": self.free_consultation["slug"], "date": day, "time": at, "timezone": "NSW",
                "fullName": "Bench Booker", "email": f"bench-{uuid.uuid4().hex[:8]}@example.com"}
        return self._call(_event("create_booking", body=body), "create_booking")

    def _call(self, event: dict[str, Any], function: str) -> dict[str, Any]:
        return _call(json.loads(twin_text(json.dumps(event))) if self.twin else event, function)

    def _weekday(self) -> date:
        day = self.window
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    @staticmethod
    def _ok(response: dict[str, Any], status: int = 200) -> dict[str, Any]:
        assert response["statusCode"] == status, response
        return response


OPERATIONS = ("list_first_page", "list_filtered", "list_filter_rare", "get", "available_slots", "check_availability",
              "create")


def measure(small: Requests, large: Requests, samples: int = SAMPLES) -> dict[str, dict[str, float]]:
    """p50 of each operation on both workspaces, alternating small and large sample by sample."""
    durations: dict[str, dict[str, list[float]]] = {name: {"small": [], "large": []} for name in OPERATIONS}
    for name in OPERATIONS:
        getattr(small, name)()  # warm (imports, the API key cache)
        getattr(large, name)()
    for n in range(samples):
        for name in OPERATIONS:
            pair = [("small", small), ("large", large)]
            for size, requests in (pair if n % 2 else reversed(pair)):
                started = time.perf_counter()
                getattr(requests, name)(n)
                durations[name][size].append((time.perf_counter() - started) * 1000)
    figures = {}
    for name, sizes in durations.items():
        p50 = {size: round(statistics.median(values), 2) for size, values in sizes.items()}
        figures[name] = {**p50, "ratio": round(p50["large"] / max(p50["small"], 0.01), 2)}
    return figures


def throughput(requests: Requests, per_level: int = 60) -> dict[str, Any]:
    """Requests per second at 1 and 20 concurrent clients (threads of this process)."""
    targets = {"GET /v1/scheduling-bookings": requests.list_first_page,
               "GET /v1/scheduling-bookings/{id}": requests.get,
               "POST /v1/scheduling-bookings": requests.create_or_conflict}
    _prewarm(["list_bookings", "get_booking", "create_booking"], 20)
    figures: dict[str, Any] = {}
    for label, call in targets.items():
        levels: dict[str, Any] = {}
        for clients in (1, 20):
            count = per_level if label.startswith("GET") else per_level // 3
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=clients) as pool:
                answers = list(pool.map(call, range(count)))
            levels[f"c{clients}"] = round(count / (time.perf_counter() - started), 1)
            refused = sum(1 for answer in answers if answer["statusCode"] == 409)
            if refused:
                levels[f"c{clients}_409"] = refused
        figures[label] = levels
    return figures


def run(endpoint: str, large: int = LARGE) -> dict[str, Any]:
    from tools import local_aws

    for key, value in local_aws.LOCAL_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    local_aws._thread_safe_condition_building()
    os.environ["TABLE_NAME"] = f"bench-scale-{uuid.uuid4().hex[:8]}"  # a fresh table on a shared engine
    local_aws.create_table()
    from scheduling import wiring

    wiring.reset()
    from tools.local_inspection import seed_workspace
    from tools.local_server import DEMO_SEED

    seed_workspace(DEMO_SEED)
    twin_seed = Path(tempfile.mkdtemp()) / "twin-seed.json"
    twin_seed.write_text(twin_text(Path(DEMO_SEED).read_text()))
    seed_workspace(twin_seed)
    company = json.loads(Path(DEMO_SEED).read_text())["companies"][0]
    twin = json.loads(twin_seed.read_text())["companies"][0]
    stored = len(company.get("bookings", []))
    started = time.perf_counter()
    items = _generated_items(company, SMALL - stored, seed=1) + _generated_items(twin, large - stored, seed=2)
    generate_s = time.perf_counter() - started
    load_s = load(items)
    small, big = Requests(company), Requests(company, twin=True)  # the twin's ids: mapped per event
    p50 = measure(small, big)
    result: dict[str, Any] = {
        "backend": "dynamodb-local",
        "scale": {"small_bookings": SMALL, "large_bookings": large, "samples_per_figure": SAMPLES, "p50_ms": p50,
                  "max_ratio": max(v["ratio"] for v in p50.values()), "goal_ratio": 1.2,
                  "load": {"items": len(items), "threads": LOAD_THREADS, "generate_seconds": round(generate_s, 1),
                           "seconds": round(load_s, 1),
                           "items_per_second": round(len(items) / max(load_s, 0.001))}},
        "throughput_rps": throughput(big),
    }
    result["throughput_rps"]["note"] = THROUGHPUT_NOTE.format(cores=os.cpu_count())
    return result


THROUGHPUT_NOTE = (
    "Requests per second through the functions' handlers, in-process (one warm Lambda-like container "
    "per client thread, tools.lambda_containers), on the large workspace, with 1 and 20 client "
    "threads on a {cores}-core machine shared with DynamoDB Local's JVM. A handler is "
    "Python holding the GIL except while it waits for DynamoDB, so 20 clients gain only what the "
    "waits let overlap; on Lambda each request has its own container and this ceiling does not "
    "exist. The figure says whether the database or Python is the limit here, not how AWS scales."
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--large", type=int, default=LARGE)
    args = parser.parse_args(argv)
    sys.path[:0] = [str(ROOT / "shared"), str(ROOT)]
    print(json.dumps(run(args.endpoint, args.large)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
