"""DynamoDB throttling, outages and transaction conflicts, as a caller of the API meets them.

Workspace: tests/support/seeds.py. Faults are injected under botocore's retry loop
(tests/reliability/conftest.py), so what is tested is the deployed retry configuration
(wiring.DYNAMODB_RETRIES: standard mode, 3 attempts) and the API's mapping of what is left.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

from scheduling import wiring
from scheduling.observability import transient_failure
from tests.integration.test_booking_create import WEDNESDAY
from tests.reliability.http import api_event, header, invoke, scheduled
from tests.support.seeds import COMPANY_ID, CONSULT_ID, RW_KEY, booking_id

ATTEMPTS = wiring.DYNAMODB_RETRIES["total_max_attempts"]


def get_booking(n: int = 0) -> dict:
    path = f"/v1/scheduling-bookings/{booking_id(n)}"
    return invoke("get_booking", api_event("GET", "/v1/scheduling-bookings/{id}", path, key=RW_KEY,
                                           path_parameters={"id": booking_id(n)}))


def create_booking(time: str = "10:00") -> dict:
    body = {"event_type_id": CONSULT_ID, "date": WEDNESDAY.isoformat(), "time": time, "timezone": "Australia/Sydney",
            "fullName": "Nora Quill", "email": "nora.quill@example.com"}
    return invoke("create_booking", api_event("POST", "/v1/scheduling-bookings", "/v1/scheduling-bookings",
                                              key=RW_KEY, body=body))


def noras_bookings() -> list:
    """Bookings made by this file's booker (read straight from the table, faults switched off)."""
    page = wiring.bookings().list_page(COMPANY_ID, starts_from=None, starts_before=None, status=None,
                                       event_type_id=None, limit=100, cursor=None)
    return [b for b in page.bookings if b.booker_email == "nora.quill@example.com"]


def test_a_read_throttled_twice_is_retried_with_backoff_and_the_caller_never_notices(workspace, dynamo_faults, sleeps):
    dynamo_faults.fail("GetItem", "ProvisionedThroughputExceededException", times=2)

    result = get_booking()

    assert result["statusCode"] == 200
    assert json.loads(result["body"])["data"]["id"] == booking_id(0)
    assert len(sleeps) == 2 and all(0 <= s <= 2 for s in sleeps)  # jittered exponential backoff


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException",
                                  "RequestLimitExceeded", "InternalServerError"])
def test_dynamodb_still_failing_after_the_retries_answers_503_temporarily_unavailable(workspace, dynamo_faults,
                                                                                        sleeps, code):
    dynamo_faults.fail("GetItem", code)

    result = get_booking()

    assert result["statusCode"] == 503
    error = json.loads(result["body"])["error"]
    assert (error["code"], error["status"]) == ("TEMPORARILY_UNAVAILABLE", 503)
    assert error["fix"].startswith("Retry in a few seconds")
    assert header(result, "Retry-After") == "2" and header(result, "X-Request-Id")
    assert code not in result["body"] and "DynamoDB" not in result["body"]  # no Dynamo text (contract §1)
    assert dynamo_faults.attempts["GetItem"] == ATTEMPTS  # botocore tried, then gave up
    assert len(sleeps) == ATTEMPTS - 1


def test_a_transaction_conflict_on_the_booking_commit_is_retried_and_books_exactly_once(workspace, dynamo_faults):
    # DynamoDB cancels a transaction that touches an item another transaction is writing.
    dynamo_faults.fail("TransactWriteItems", "TransactionCanceledException", times=2,
                       reasons=["TransactionConflict", "None", "None"])

    result = create_booking()

    assert result["statusCode"] == 201, result["body"]
    booked = json.loads(result["body"])["data"]["booking"]
    assert booked["time"] == "10:00"
    assert [b.id for b in noras_bookings()] == [booked["id"]]


def test_transaction_conflicts_that_never_clear_answer_503_and_book_nothing(workspace, dynamo_faults):
    dynamo_faults.fail("TransactWriteItems", "TransactionCanceledException",
                       reasons=["TransactionConflict", "None", "None"])

    result = create_booking()

    assert result["statusCode"] == 503
    assert json.loads(result["body"])["error"]["code"] == "TEMPORARILY_UNAVAILABLE"
    dynamo_faults.stop()
    assert noras_bookings() == []


def test_a_voice_tool_answers_a_503_text_when_dynamodb_stays_throttled(workspace, dynamo_faults, sleeps):
    dynamo_faults.fail("Query", "ProvisionedThroughputExceededException")
    path = f"/v1/scheduling/voice/{CONSULT_ID}/slots"
    event = api_event("POST", "/v1/scheduling/voice/{event_type_id}/slots", path, key=RW_KEY,
                      body={"args": {"preferred_day": "next week"}}, path_parameters={"event_type_id": CONSULT_ID})

    result = invoke("voice_slots", event)

    assert result["statusCode"] == 503
    assert header(result, "Content-Type").startswith("text/plain")
    assert result["body"].startswith("TEMPORARILY UNAVAILABLE: ")
    assert "Retry in a few seconds" in result["body"]


def test_a_voice_booking_during_an_outage_says_nothing_was_booked(workspace, dynamo_faults, sleeps):
    dynamo_faults.fail("Query", "InternalServerError")
    path = f"/v1/scheduling/voice/{CONSULT_ID}/book"
    body = {"args": {"slot": f"{WEDNESDAY.isoformat()} 10:00", "name": "Nora Quill",
                     "email": "nora.quill@example.com", "timezone": "Australia/Sydney"}}
    event = api_event("POST", "/v1/scheduling/voice/{event_type_id}/book", path, key=RW_KEY, body=body,
                      path_parameters={"event_type_id": CONSULT_ID})

    result = invoke("voice_book", event)

    # A write tool never answers 5xx (a retry could double-book); the agent hears it failed.
    assert result["statusCode"] == 200 and result["body"].startswith("**BOOKING FAILED")
    dynamo_faults.stop()
    assert noras_bookings() == []


def test_a_job_that_dynamodb_keeps_throttling_fails_so_that_lambda_retries_it_and_then_dead_letters_it(
        workspace, dynamo_faults, sleeps):
    dynamo_faults.fail("Query", "ProvisionedThroughputExceededException")

    with pytest.raises(ClientError):
        invoke("job_retry_side_effects", scheduled(datetime.now(UTC).isoformat()))


def _client_error(code: str, reasons: list[str] | None = None) -> ClientError:
    response: dict = {"Error": {"Code": code, "Message": "m"}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": r} for r in reasons]
    return ClientError(response, "TransactWriteItems")


@pytest.mark.parametrize("error", [
    _client_error("ConditionalCheckFailedException"),
    _client_error("ValidationException"),
    _client_error("TransactionCanceledException", ["None", "ConditionalCheckFailed"]),
    _client_error("TransactionCanceledException", ["TransactionConflict", "ConditionalCheckFailed"]),
    ValueError("not an AWS error"),
], ids=["condition failed", "validation", "cancelled by a condition", "conflict and condition", "other"])
def test_errors_a_retry_cannot_fix_are_not_reported_as_temporarily_unavailable(error):
    assert transient_failure(error) is None


def test_a_transaction_cancelled_only_by_conflicts_or_throttling_is_temporarily_unavailable():
    unavailable = transient_failure(_client_error("TransactionCanceledException",
                                                  ["None", "TransactionConflict", "ThrottlingError"]))
    assert unavailable is not None and (unavailable.code, unavailable.status) == ("TEMPORARILY_UNAVAILABLE", 503)
