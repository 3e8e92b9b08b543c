"""The table's DynamoDB Stream event sources of template.yaml, played locally (tests, the bench).

Deployed, Lambda polls the stream, drops the records that match none of the function's
FilterCriteria and invokes the function with the rest. Here `StreamPlayer` does the same on demand:
`enable()` turns the stream on for the local table (DynamoDB Local and moto both keep one; local
tables have none by default, so bulk loads pay nothing for it), `play()` reads what was written
since the last call, filters it with the template's own patterns and invokes the function.
"""

from __future__ import annotations

import os
from typing import Any

from tools.sam_template import StreamSource, handler_module, stream_sources, stream_view_type


def _clients() -> tuple[Any, Any]:
    import boto3

    region = os.environ["AWS_REGION"]
    # DynamoDB Local serves the streams API on its own endpoint; on moto both are None (mocked)
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    return (boto3.client("dynamodb", region_name=region),
            boto3.client("dynamodbstreams", region_name=region, endpoint_url=endpoint))


def enable(table_name: str | None = None) -> str:
    """Turn on the template's stream (view type) for the local table; returns the stream ARN."""
    dynamodb, _ = _clients()
    name = table_name or os.environ["TABLE_NAME"]
    table = dynamodb.describe_table(TableName=name)["Table"]
    if not table.get("StreamSpecification", {}).get("StreamEnabled"):
        view = stream_view_type()
        assert view, "template.yaml's table has no StreamSpecification"
        table = dynamodb.update_table(TableName=name, StreamSpecification={
            "StreamEnabled": True, "StreamViewType": view})["TableDescription"]
    return table["LatestStreamArn"]


def matches(pattern: dict[str, Any], value: Any) -> bool:
    """Lambda's event filtering for the operators the template uses: exact values, `prefix`, `exists`."""
    for key, wanted in pattern.items():
        present = isinstance(value, dict) and key in value
        if isinstance(wanted, dict):
            if not present or not matches(wanted, value[key]):
                return False
            continue
        if not any(_matches_one(rule, present, value.get(key) if present else None) for rule in wanted):
            return False
    return True


def _matches_one(rule: Any, present: bool, value: Any) -> bool:
    if isinstance(rule, dict):
        if set(rule) == {"prefix"}:
            return present and isinstance(value, str) and value.startswith(rule["prefix"])
        if set(rule) == {"exists"}:
            return present is rule["exists"]
        raise NotImplementedError(f"filter operator {rule} (add it to tools/local_streams.matches)")
    return present and value == rule


class StreamPlayer:
    """Reads the local table's stream from now on and hands matching records to `source`'s function."""

    def __init__(self, source: StreamSource | None = None, table_name: str | None = None) -> None:
        self.source = source or _only_source()
        self.arn = enable(table_name)
        _, self._streams = _clients()
        self._iterators: dict[str, str | None] = {}
        for shard in self._shards():  # what is already there was written before this player
            self._iterators[shard] = self._streams.get_shard_iterator(
                StreamArn=self.arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]

    def _shards(self) -> list[str]:
        description = self._streams.describe_stream(StreamArn=self.arn)["StreamDescription"]
        return [shard["ShardId"] for shard in description["Shards"]]

    def records(self) -> list[dict[str, Any]]:
        """Every record written since the last call, as Lambda passes them, whether it matches or not."""
        found: list[dict[str, Any]] = []
        for shard in self._shards():
            if shard not in self._iterators:  # a shard opened since the last call: read it whole
                self._iterators[shard] = self._streams.get_shard_iterator(
                    StreamArn=self.arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            iterator = self._iterators[shard]
            while iterator:
                page = self._streams.get_records(ShardIterator=iterator)
                found += [{**r, "eventSourceARN": self.arn} for r in page["Records"]]
                iterator = page.get("NextShardIterator")
                if not page["Records"]:
                    break
            self._iterators[shard] = iterator
        return found

    def selected(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        patterns = self.source.filter_patterns
        return [r for r in records if not patterns or any(matches(p, r) for p in patterns)]

    def invoke(self, chosen: list[dict[str, Any]], context: Any = None) -> list[Any]:
        """Invoke the function on these records in batches of the template's size; its answers."""
        size = self.source.batch_size
        module = handler_module(self.source.function)
        return [module.lambda_handler({"Records": chosen[i:i + size]}, context) for i in range(0, len(chosen), size)]

    def play(self, context: Any = None) -> list[Any]:
        """Invoke the function on what matched since the last call."""
        return self.invoke(self.selected(self.records()), context)


def _only_source() -> StreamSource:
    sources = stream_sources()
    assert len(sources) == 1, f"name the stream source: {[s.function for s in sources]}"
    return sources[0]
