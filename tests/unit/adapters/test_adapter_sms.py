"""SnsSms under moto, LocalSms against the outbox."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from scheduling.adapters.outbox import LocalOutbox
from scheduling.adapters.sms import LocalSms, SmsUnavailable, SnsSms

REGION = "ap-southeast-2"
TRANSACTIONAL = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}


@pytest.fixture
def sns(aws_env: None) -> Iterator[object]:
    with mock_aws():
        yield boto3.client("sns", region_name=REGION)


def stubbed_sns() -> object:
    return boto3.client("sns", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")


def test_sns_publishes_the_text_straight_to_the_phone_number(sns: object) -> None:
    message_id = SnsSms(client=sns).send("+61412345678", "Reminder: 9:00 AM tomorrow", "pre_meeting", "b-1")
    # looked up by id: other suites may share moto's backend within one process
    assert sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages[message_id] == (
        "+61412345678", "Reminder: 9:00 AM tomorrow")


def test_sns_builds_its_own_client_from_the_environment_when_none_is_given(sns: object) -> None:
    message_id = SnsSms().send("+61412345678", "hi", "late", None)
    assert sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages[message_id] == ("+61412345678", "hi")


def test_messages_are_sent_as_transactional_with_the_sender_id_when_configured() -> None:
    client = stubbed_sns()
    with Stubber(client) as stub:
        stub.add_response("publish", {"MessageId": "m-1"}, {
            "PhoneNumber": "+61412345678", "Message": "hi",
            "MessageAttributes": {**TRANSACTIONAL,
                                  "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": "Clinic"}}})
        assert SnsSms(client=client, sender_id="Clinic").send("+61412345678", "hi", "late", "b-1") == "m-1"


@pytest.mark.parametrize("number", ["0412 345 678", "61412345678", "+0412345678", "+61 412 345 678", ""])
def test_a_number_not_in_e164_form_is_refused_for_good_without_calling_sns(number: str) -> None:
    client = stubbed_sns()
    with Stubber(client):  # no responses queued: any call would fail the test
        with pytest.raises(SmsUnavailable) as caught:
            SnsSms(client=client).send(number, "hi", "pre_meeting", "b-1")
    assert (caught.value.retryable, caught.value.provider_status) == (False, "not_e164")


@pytest.mark.parametrize(("aws_code", "retryable"), [
    ("Throttling", True), ("InternalError", True), ("InvalidParameter", False), ("OptedOut", False)])
def test_sns_client_errors_become_sms_unavailable_saying_whether_to_retry(aws_code: str, retryable: bool) -> None:
    client = stubbed_sns()
    with Stubber(client) as stub:
        stub.add_client_error("publish", service_error_code=aws_code, http_status_code=400)
        with pytest.raises(SmsUnavailable) as caught:
            SnsSms(client=client).send("+61412345678", "hi", "pre_meeting", "b-1")
    error = caught.value
    assert (error.code, error.status) == ("SMS_UNAVAILABLE", 503)
    assert (error.retryable, error.provider_status) == (retryable, aws_code)


def test_an_unreachable_endpoint_becomes_sms_unavailable() -> None:
    class Unreachable:
        def publish(self, **request: object) -> None:
            raise EndpointConnectionError(endpoint_url="https://sns.ap-southeast-2.amazonaws.com")

    client = Unreachable()
    with pytest.raises(SmsUnavailable) as caught:
        SnsSms(client=client).send("+61412345678", "hi", "pre_meeting", "b-1")
    assert caught.value.retryable is True


def test_local_sms_records_the_message_in_the_outbox(outbox: LocalOutbox) -> None:
    LocalSms(outbox).send("+61412345678", "Running late?", "late", "b-1")
    assert outbox.snapshot()["sms"] == [{"kind": "late", "to": "+61412345678", "body": "Running late?",
                                         "booking_id": "b-1"}]


def test_local_sms_refuses_local_format_numbers_like_the_real_one(outbox: LocalOutbox) -> None:
    with pytest.raises(SmsUnavailable):
        LocalSms(outbox).send("0412 345 678", "hi", "late", "b-1")
    assert outbox.snapshot()["sms"] == []


def test_local_sms_fails_on_demand(outbox: LocalOutbox) -> None:
    outbox.fail_next("sms.send")
    with pytest.raises(SmsUnavailable):
        LocalSms(outbox).send("+61412345678", "hi", "late", "b-1")
    assert outbox.snapshot()["sms"] == []
