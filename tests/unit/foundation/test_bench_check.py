"""`make bench` fails when a booking create costs more than 3 reads or 1 transaction (issue #5)."""

from __future__ import annotations

from tools.bench import check


def figures(**by_operation: int) -> dict:
    return {"calls": sum(by_operation.values()), "scans": by_operation.get("Scan", 0),
            "transactions": by_operation.get("TransactWriteItems", 0), "by_operation": by_operation, "status": 201}


def test_a_create_within_the_goal_passes_and_one_over_it_is_reported() -> None:
    report = {"dynamodb_calls": {
        "POST /v1/scheduling-bookings": figures(Query=1, BatchGetItem=1, GetItem=1, TransactWriteItems=1,
                                                UpdateItem=3),
        "POST /v1/scheduling-bookings (create_booking.round_robin)": figures(Query=3, BatchGetItem=1,
                                                                              TransactWriteItems=1),
        "POST /v1/scheduling-bookings (create_booking.idempotent)": figures(Query=1, BatchGetItem=1,
                                                                             TransactWriteItems=2),
        "POST /v1/scheduling-bookings/check-availability": figures(Query=5),  # not a create: no goal here
    }}
    problems = check(report)
    assert len(problems) == 2
    assert problems[0].startswith("POST /v1/scheduling-bookings (create_booking.round_robin) made 4 reads")
    assert problems[1].startswith("POST /v1/scheduling-bookings (create_booking.idempotent) made 2 TransactWriteItems")


def test_a_create_sample_that_no_longer_books_is_reported_rather_than_measured_on_its_error_path() -> None:
    stale = {**figures(Query=2, BatchGetItem=1), "status": 409}
    invalid = {**figures(), "status": 400}
    problems = check({"dynamodb_calls": {
        "POST /v1/scheduling-bookings": stale,
        "POST /v1/scheduling-bookings (create_booking.invalid_email)": invalid,
    }})
    assert problems == ["POST /v1/scheduling-bookings answered 409, not 201, so its calls are not a booking's: "
                        "are the sample dates in events/ in the past? `make refresh-samples` moves them forward."]
