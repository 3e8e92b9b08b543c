"""The local AWS for the local server, `make invoke`, tests and the bench: DynamoDB Local or an embedded moto.

`start("dynamodb-local")` points boto3's DynamoDB at DynamoDB Local (tools.dynamodb_local starts one,
or `endpoint=` reuses a running one); `start("moto")` mocks every AWS service in-process. Either way
the template's table is created and the scheduling wiring is rebuilt.

What stays patched and why:
- moto (DB=moto and the fault-injection tests only): moto does not make each API call atomic under
  threads the way DynamoDB does, so every call to it is serialised with one lock (per call, not per
  request: requests still interleave between calls). Without it two concurrent creates could both
  pass a condition, which DynamoDB never allows. DynamoDB Local needs no such lock.
- boto3 (both backends): `_thread_safe_condition_building` below; a boto3 defect, not moto's.
The earlier patch that made moto's transaction rollback copy only the touched items is gone: the
server and the tests about DynamoDB now run on DynamoDB Local, and moto's tables stay small.
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
from typing import Any

LOCAL_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "ap-southeast-2",
    "AWS_REGION": "ap-southeast-2",
    "TABLE_NAME": "scheduling-local",
    "POWERTOOLS_METRICS_NAMESPACE": "Scheduling",
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_SERVICE_NAME": "scheduling",
}

DATABASES = ("dynamodb-local", "moto")

_moto_lock = threading.RLock()
_mock: Any = None
_engine: Any = None  # the DynamoDB Local this process started, if any
_backend: dict[str, str | None] = {"database": None, "endpoint": None}


def _serialise_moto_calls() -> None:
    from moto.core.botocore_stubber import BotocoreStubber

    if getattr(BotocoreStubber, "_serialised", False):
        return
    original = BotocoreStubber.__call__

    def locked_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _moto_lock:
            return original(self, *args, **kwargs)

    BotocoreStubber.__call__ = locked_call  # type: ignore[method-assign]
    BotocoreStubber._serialised = True  # type: ignore[attr-defined]


def _thread_safe_condition_building() -> None:
    """boto3's DynamoDB resource builds every Key/Attr condition with one shared builder whose
    placeholder counters are reset per call, so two threads sharing a Table garble each other's
    expressions ("Query condition missed key schema element"). On Lambda one container serves one
    request at a time; the local server runs many containers in one process, sharing one Table."""
    from boto3.dynamodb.transform import TransformationInjector

    if getattr(TransformationInjector, "_serialised", False):
        return
    original = TransformationInjector.inject_condition_expressions
    lock = threading.Lock()

    def inject_condition_expressions(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return original(self, *args, **kwargs)

    TransformationInjector.inject_condition_expressions = inject_condition_expressions  # type: ignore[method-assign]
    TransformationInjector._serialised = True  # type: ignore[attr-defined]


def apply_local_env(env: dict[str, str] | None = None) -> None:
    """The local environment (fake credentials, region, table name) without overriding what is set."""
    for key, value in {**LOCAL_ENV, **(env or {})}.items():
        os.environ.setdefault(key, value)
    os.environ.pop("AWS_ENDPOINT_URL", None)


def start(database: str = "moto", *, endpoint: str | None = None, engine: Any = None,
          env: dict[str, str] | None = None) -> None:
    """Point this process at a local AWS and create the template's table. Idempotent per database.

    database="dynamodb-local": DynamoDB on DynamoDB Local (a new one, or the one at `endpoint`);
    nothing else is mocked (the local adapters record email, SMS and calendar in-process). `engine`: a
    tools.dynamodb_local.DynamoDBLocal the caller launched; it is waited for and stopped with this process.
    database="moto": every AWS service in an embedded moto."""
    global _mock, _engine
    if database not in DATABASES:
        raise ValueError(f"database must be one of {DATABASES}, not {database!r}")
    _drain_webhook_work()  # a switch of backend must not strand writes in flight
    apply_local_env(env)
    _thread_safe_condition_building()
    if database == "dynamodb-local":
        if _mock is not None:  # back from a test that needed moto's fault injection
            _mock.stop()
            _mock = None
        if engine is not None:
            engine.wait_ready()
            _engine = engine
        endpoint = endpoint or dynamodb_local_endpoint()
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    else:
        os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
        if _mock is None:
            from moto import mock_aws

            _serialise_moto_calls()
            _mock = mock_aws()
            _mock.start()
    _backend.update(database=database, endpoint=endpoint)
    create_table()
    from scheduling import wiring

    wiring.reset()


def dynamodb_local_endpoint() -> str:
    """The endpoint of this process's DynamoDB Local, started on first call (stopped at exit). The tests
    share one per pytest worker: in-process tests and the servers they start each use their own table."""
    global _engine
    if _engine is None:
        from tools import dynamodb_local

        _engine = dynamodb_local.start()
    return _engine.endpoint


def backend() -> dict[str, str | None]:
    """What GET /_local/backend reports: {"database": "dynamodb-local" | "moto", "endpoint": url | None}."""
    return dict(_backend)


def stop() -> None:
    """Stop the DynamoDB Local this process started (also done at exit) and moto's mock."""
    global _mock, _engine
    if _engine is not None:
        _engine.stop()
        _engine = None
    if _mock is not None:
        _mock.stop()
        _mock = None
    os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    _backend.update(database=None, endpoint=None)


def _client() -> Any:
    import boto3

    return boto3.client("dynamodb", region_name=os.environ["AWS_REGION"])


def create_table() -> None:
    from tools.sam_template import table_definition

    client = _client()
    name = os.environ["TABLE_NAME"]
    if name in client.list_tables()["TableNames"]:
        return
    client.create_table(TableName=name, **table_definition())
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at_epoch"}
    )


def reset() -> None:
    """An empty table again (tests call this between cases): on moto every mocked service is emptied;
    on DynamoDB Local the process moves to a new table and drops the old one in the background, the
    cheapest of the three ways measured (tests/README.md: new table ~30 ms, delete + create ~100 ms,
    deleting every item of a seeded workspace ~160 ms).

    Webhook work still running in the background (fan-outs, first attempts) finishes first: it
    writes to the table being replaced, and would log ResourceNotFoundException tracebacks."""
    _drain_webhook_work()
    if _backend["database"] == "moto":
        _mock.reset()
        create_table()
    else:
        old = os.environ["TABLE_NAME"]
        os.environ["TABLE_NAME"] = f"{_base_table_name(old)}-t{next(_table_serial)}"
        create_table()
        threading.Thread(target=_drop_table, args=(old,), daemon=True).start()
    from scheduling import wiring

    wiring.reset()


def _drain_webhook_work() -> None:
    webhooks = sys.modules.get("scheduling.services.webhooks")  # never loaded: nothing can be running
    if webhooks is not None:
        webhooks.wait_for_deliveries()


_table_serial = itertools.count(1)


def _base_table_name(name: str) -> str:
    base, _, serial = name.rpartition("-t")
    return base if base and serial.isdigit() else name


def _drop_table(name: str) -> None:
    try:
        _client().delete_table(TableName=name)
    except Exception:  # noqa: BLE001 - best effort: an in-memory table left behind costs a little memory
        pass
