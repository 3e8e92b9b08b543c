"""SesEmail under moto (SESv2 is served by moto's SES backend), LocalEmail against the outbox."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from scheduling.adapters.email import EmailAttachment, EmailUnavailable, LocalEmail, SesEmail
from scheduling.adapters.outbox import LocalOutbox

REGION = "ap-southeast-2"
SENDER = "bookings@clinic.example"


@pytest.fixture
def sesv2(aws_env: None) -> Iterator[object]:
    with mock_aws():
        client = boto3.client("sesv2", region_name=REGION)
        client.create_email_identity(EmailIdentity=SENDER)  # moto, like SES, refuses unverified senders
        yield client


def sent_message(message_id: str) -> object:
    """The message moto's SES backend kept; looked up by id, as other suites may share the backend."""
    [message] = [m for m in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages if m.id == message_id]
    return message


def test_ses_sends_one_plain_text_email_from_the_configured_address_to_every_recipient(sesv2: object) -> None:
    message_id = SesEmail(SENDER, client=sesv2).send(
        ["sarah@example.com", "tom@example.com"], "Your booking is confirmed",
        "See you on Tuesday, 1 December 2026 at 9:00 AM.", "confirmation", "b-1")

    message = sent_message(message_id)
    assert (message.source, message.subject, message.body) == (
        SENDER, "Your booking is confirmed", "See you on Tuesday, 1 December 2026 at 9:00 AM.")
    assert message.destinations == {"ToAddresses": ["sarah@example.com", "tom@example.com"]}


INVITE = EmailAttachment("invite.ics", "text/calendar; method=REQUEST",
                         "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n")


def test_ses_sends_an_email_with_an_invitation_as_a_raw_mime_message_with_a_real_attachment(sesv2: object) -> None:
    import email
    from email import policy

    message_id = SesEmail(SENDER, client=sesv2).send(
        ["sarah@example.com"], "Confirmed", "See you then.", "confirmation", "b-1", attachments=[INVITE])

    raw = sent_message(message_id).raw_data
    parsed = email.message_from_bytes(raw if isinstance(raw, bytes) else raw.encode(), policy=policy.default)
    assert parsed["Subject"] == "Confirmed" and parsed["To"] == "sarah@example.com"
    body, invite = list(parsed.iter_parts())
    assert body.get_content().strip() == "See you then."
    assert (invite.get_content_type(), invite.get_param("method"), invite.get_filename()) == (
        "text/calendar", "REQUEST", "invite.ics")
    assert invite.get_content().splitlines() == ["BEGIN:VCALENDAR", "METHOD:REQUEST", "END:VCALENDAR"]


def test_local_email_records_attachments_in_the_outbox(outbox: LocalOutbox) -> None:
    LocalEmail(outbox).send(["sarah@example.com"], "Confirmed", "b", "confirmation", "b-1", attachments=[INVITE])
    assert outbox.snapshot()["emails"][0]["attachments"] == [
        {"filename": "invite.ics", "content_type": "text/calendar; method=REQUEST", "content": INVITE.content}]


def test_ses_builds_its_own_client_from_the_environment_when_none_is_given(sesv2: object) -> None:
    message_id = SesEmail(SENDER).send(["sarah@example.com"], "s", "b", "pre_meeting", None)
    assert sent_message(message_id).destinations == {"ToAddresses": ["sarah@example.com"]}


def test_an_unverified_sender_is_refused_for_good(sesv2: object) -> None:
    with pytest.raises(EmailUnavailable) as caught:
        SesEmail("nobody@elsewhere.example", client=sesv2).send(["sarah@example.com"], "s", "b", "confirmation", "b-1")
    error = caught.value
    assert (error.code, error.status, error.retryable, error.provider_status) == (
        "EMAIL_UNAVAILABLE", 503, False, "MessageRejected")
    assert error.details == {"provider": "ses", "provider_status": "MessageRejected",
                             "kind": "confirmation", "booking_id": "b-1"}


def test_the_request_carries_utf8_text_and_tags_for_kind_and_booking() -> None:
    client = boto3.client("sesv2", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub:
        stub.add_response("send_email", {"MessageId": "m-1"}, {
            "FromEmailAddress": SENDER,
            "Destination": {"ToAddresses": ["sarah@example.com"]},
            "Content": {"Simple": {"Subject": {"Data": "Réservation", "Charset": "UTF-8"},
                                   "Body": {"Text": {"Data": "À bientôt", "Charset": "UTF-8"}}}},
            "EmailTags": [{"Name": "kind", "Value": "no_show"},
                          {"Name": "booking_id", "Value": "seed_booking_1"}],
            "ConfigurationSetName": "bookings",
        })
        sent = SesEmail(SENDER, client=client, configuration_set="bookings").send(
            ["sarah@example.com"], "Réservation", "À bientôt", "no_show", "seed booking#1")
    assert sent == "m-1"


def test_throttling_is_worth_retrying() -> None:
    client = boto3.client("sesv2", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub:
        stub.add_client_error("send_email", service_error_code="TooManyRequestsException", http_status_code=429)
        with pytest.raises(EmailUnavailable) as caught:
            SesEmail(SENDER, client=client).send(["sarah@example.com"], "s", "b", "confirmation", "b-1")
    assert (caught.value.retryable, caught.value.provider_status) == (True, "TooManyRequestsException")


def test_an_unreachable_endpoint_becomes_email_unavailable() -> None:
    class Unreachable:
        def send_email(self, **request: object) -> None:
            raise EndpointConnectionError(endpoint_url="https://sesv2.ap-southeast-2.amazonaws.com")

    client = Unreachable()
    with pytest.raises(EmailUnavailable) as caught:
        SesEmail(SENDER, client=client).send(["sarah@example.com"], "s", "b", "confirmation", "b-1")
    assert (caught.value.retryable, caught.value.provider_status) == (True, "EndpointConnectionError")


def test_an_email_without_recipients_is_a_programming_error(outbox: LocalOutbox) -> None:
    with pytest.raises(ValueError):
        LocalEmail(outbox).send([], "s", "b", "confirmation", "b-1")


def test_local_email_records_the_message_in_the_outbox(outbox: LocalOutbox) -> None:
    LocalEmail(outbox).send(["sarah@example.com"], "Cancelled", "Your booking was cancelled.", "cancellation", "b-1")
    assert outbox.snapshot()["emails"] == [{"kind": "cancellation", "to": ["sarah@example.com"],
                                            "subject": "Cancelled", "body": "Your booking was cancelled.",
                                            "booking_id": "b-1", "attachments": []}]


def test_local_email_fails_on_demand_and_records_only_the_successful_retry(outbox: LocalOutbox) -> None:
    email = LocalEmail(outbox)
    outbox.fail_next("email")
    with pytest.raises(EmailUnavailable) as caught:
        email.send(["sarah@example.com"], "s", "b", "confirmation", "b-1")
    assert caught.value.details["simulated"] is True
    email.send(["sarah@example.com"], "s", "b", "confirmation", "b-1")
    assert len(outbox.snapshot()["emails"]) == 1
