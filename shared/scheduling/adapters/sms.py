"""SMS reminders and notifications (contract §4) through SNS direct publish to a phone number.

Numbers must already be E.164 (`+61412345678`): services normalise phones with the company's
default country before they get here, so a local-format number is a bug, not a retryable failure.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Protocol

from scheduling.adapters.errors import ProviderUnavailable
from scheduling.adapters.outbox import OUTBOX, LocalOutbox

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# SNS refuses these for good (bad number, opted out, …): publishing again cannot succeed.
PERMANENT_SNS_ERRORS = frozenset({
    "InvalidParameter", "InvalidParameterValue", "OptedOut", "AuthorizationError", "NotFound",
})


class SmsUnavailable(ProviderUnavailable):
    code, status = "SMS_UNAVAILABLE", 503
    provider = "sns"
    default_fix = "Retry later; the SMS will be sent again by the retry job."


class SmsPort(Protocol):
    def send(self, to: str, body: str, kind: str, booking_id: str | None) -> str:
        """Send one text message to an E.164 number; returns the provider message id."""
        ...


def _require_e164(to: str, kind: str, booking_id: str | None) -> None:
    if not E164.match(to):
        raise SmsUnavailable(
            f"The {kind} SMS was not sent: the phone number is not in E.164 form.",
            retryable=False, provider_status="not_e164",
            details={"kind": kind, "booking_id": booking_id},
            fix="Store phone numbers in E.164 form, e.g. +61412345678.")


class SnsSms:
    """`sns.publish(PhoneNumber=..., Message=...)`, sent as Transactional (reminders matter)."""

    def __init__(self, *, client: Any | None = None, sender_id: str | None = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("sns")
        self._client = client
        self._sender_id = sender_id  # alphanumeric sender id where the destination country allows it

    def send(self, to: str, body: str, kind: str, booking_id: str | None) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        _require_e164(to, kind, booking_id)
        attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
        if self._sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": self._sender_id}
        details = {"kind": kind, "booking_id": booking_id}
        try:
            response = self._client.publish(PhoneNumber=to, Message=body, MessageAttributes=attributes)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "ClientError")
            raise SmsUnavailable(
                f"SNS did not accept the {kind} SMS ({code}).",
                retryable=code not in PERMANENT_SNS_ERRORS, provider_status=code,
                details=details) from error
        except BotoCoreError as error:
            raise SmsUnavailable(
                f"SNS could not be reached to send the {kind} SMS.",
                provider_status=type(error).__name__, details=details) from error
        return str(response["MessageId"])


class LocalSms:
    """Records text messages in the outbox; `outbox.fail_next("sms")` makes the next send fail."""

    def __init__(self, outbox: LocalOutbox = OUTBOX) -> None:
        self._outbox = outbox

    def send(self, to: str, body: str, kind: str, booking_id: str | None) -> str:
        _require_e164(to, kind, booking_id)
        if self._outbox.take_failure("sms.send"):
            raise SmsUnavailable(f"Simulated SNS failure for the {kind} SMS.", provider_status=503,
                                 details={"kind": kind, "booking_id": booking_id, "simulated": True})
        self._outbox.record_sms(kind=kind, to=to, body=body, booking_id=booking_id)
        return f"local-{uuid.uuid4()}"
