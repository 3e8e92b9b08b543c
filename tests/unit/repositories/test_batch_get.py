"""repositories/batch.py: keyed reads in chunks of 100, with what DynamoDB left unprocessed asked again."""

from __future__ import annotations

from typing import Any

import pytest

from scheduling.errors import ServiceUnavailable
from scheduling.repositories import batch
from scheduling.repositories.batch import batch_get


class FakeTable:
    """Answers BatchGetItem from `items`, leaving the first `unprocessed` keys of a request unanswered
    for the first `stubborn` calls."""

    name = "t"

    def __init__(self, items: dict[tuple[str, str], dict[str, Any]], unprocessed: int = 0, stubborn: int = 0):
        self.items, self.unprocessed, self.stubborn = items, unprocessed, stubborn
        self.requests: list[list[tuple[str, str]]] = []
        self.meta = type("Meta", (), {"client": self})()

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        request = RequestItems[self.name]
        wanted = [(k["PK"], k["SK"]) for k in request["Keys"]]
        assert request["ConsistentRead"] is True and len(wanted) <= 100 and len(set(wanted)) == len(wanted)
        self.requests.append(wanted)
        left: list[tuple[str, str]] = []
        if self.stubborn:
            self.stubborn -= 1
            left, wanted = wanted[:self.unprocessed], wanted[self.unprocessed:]
        answer: dict[str, Any] = {"Responses": {self.name: [self.items[k] for k in wanted if k in self.items]}}
        if left:
            answer["UnprocessedKeys"] = {self.name: {**request, "Keys": [{"PK": p, "SK": s} for p, s in left]}}
        return answer


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    monkeypatch.setattr(batch.time, "sleep", lambda _: None)


def item(n: int) -> dict[str, Any]:
    return {"PK": "P", "SK": f"S{n:03d}", "n": n}


def test_one_call_for_up_to_100_keys_and_only_existing_items_come_back() -> None:
    table = FakeTable({("P", "S001"): item(1)})
    found = batch_get(table, [("P", f"S{n:03d}") for n in range(100)])
    assert found == {("P", "S001"): item(1)} and len(table.requests) == 1


def test_more_than_100_keys_are_read_in_chunks_of_100_and_duplicates_once() -> None:
    table = FakeTable({("P", f"S{n:03d}"): item(n) for n in range(250)})
    keys = [("P", f"S{n:03d}") for n in range(250)]
    assert len(batch_get(table, keys + keys[:10])) == 250
    assert [len(r) for r in table.requests] == [100, 100, 50]


def test_unprocessed_keys_are_asked_again_until_answered() -> None:
    table = FakeTable({("P", f"S{n:03d}"): item(n) for n in range(5)}, unprocessed=3, stubborn=2)
    assert len(batch_get(table, [("P", f"S{n:03d}") for n in range(5)])) == 5
    assert [len(r) for r in table.requests] == [5, 3, 3]


def test_keys_left_unprocessed_round_after_round_are_a_503() -> None:
    table = FakeTable({("P", "S000"): item(0)}, unprocessed=1, stubborn=100)
    with pytest.raises(ServiceUnavailable):
        batch_get(table, [("P", "S000")])
    assert len(table.requests) == batch.MAX_ROUNDS


def test_no_keys_no_call() -> None:
    table = FakeTable({})
    assert batch_get(table, []) == {} and table.requests == []
