"""An embedded moto for the local server, `make invoke`, tests and the bench.

moto does not make each API call atomic under threads the way DynamoDB does, so every call to it is
serialised with one lock (per call, not per request: requests still interleave between calls).
"""

from __future__ import annotations

import os
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

_moto_lock = threading.RLock()
_mock: Any = None


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


def _cheaper_transaction_rollback() -> None:
    """moto deep-copies the whole table once per item of every TransactWriteItems (for rollback),
    so a transaction's cost grows with everything stored. Snapshot only the items it touches."""
    import copy as real_copy

    from moto.dynamodb import models as dynamodb_models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    backend = dynamodb_models.DynamoDBBackend
    if getattr(backend, "_cheap_rollback", False):
        return
    original = backend.transact_write_items

    class _CopyWithoutTables:
        def __getattr__(self, name: str) -> Any:
            return getattr(real_copy, name)

        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else real_copy.deepcopy(value, memo)

    dynamodb_models.copy = _CopyWithoutTables()  # type: ignore[assignment]

    def key_of(table: Any, op: dict[str, Any]) -> dict[str, Any] | None:
        attrs = op.get("Item") or op.get("Key") or {}
        if table.hash_key_attr not in attrs or (table.range_key_attr and table.range_key_attr not in attrs):
            return None
        key = {table.hash_key_attr: attrs[table.hash_key_attr]}
        if table.range_key_attr:
            key[table.range_key_attr] = attrs[table.range_key_attr]
        return key

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = []
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            key = key_of(table, op) if table is not None else None
            if key is not None:
                saved.append((table, key, real_copy.deepcopy(self.get_item(table.name, key))))
        try:
            return original(self, transact_items)
        except Exception:
            for table, key, item in reversed(saved):
                hash_value = DynamoType(key[table.hash_key_attr])
                range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
                if item is None:
                    table.delete_item(hash_value, range_value)
                elif range_value is not None:
                    table.items[hash_value][range_value] = item
                else:
                    table.items[hash_value] = item
            raise

    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    backend._cheap_rollback = True  # type: ignore[attr-defined]


def start(env: dict[str, str] | None = None) -> None:
    """Point this process at an in-memory AWS and create the template's table. Idempotent."""
    global _mock
    for key, value in {**LOCAL_ENV, **(env or {})}.items():
        os.environ.setdefault(key, value)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    if _mock is None:
        from moto import mock_aws

        _serialise_moto_calls()
        _thread_safe_condition_building()
        _cheaper_transaction_rollback()
        _mock = mock_aws()
        _mock.start()
    create_table()
    from scheduling import wiring

    wiring.reset()


def create_table() -> None:
    import boto3

    from tools.sam_template import table_definition

    client = boto3.client("dynamodb", region_name=os.environ["AWS_REGION"])
    name = os.environ["TABLE_NAME"]
    if name in client.list_tables()["TableNames"]:
        return
    client.create_table(TableName=name, **table_definition())
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at_epoch"}
    )


def reset() -> None:
    """Empty every mocked service and recreate the table (tests call this between cases)."""
    _mock.reset()
    create_table()
    from scheduling import wiring

    wiring.reset()
