"""Email: booking confirmations, reminders and the other notifications of contract §4.

Bodies arrive already rendered (SESv2 templates are not worth their cost here, and moto does not
implement them), as plain text. `SesEmail` sends through SESv2: Simple content, or a raw MIME
message when the email has attachments (the booking's `invite.ics`); `LocalEmail` records in the
outbox, attachments included.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from scheduling.adapters.errors import ProviderUnavailable
from scheduling.adapters.outbox import OUTBOX, LocalOutbox

# SES refuses these for good: sending the same message again cannot succeed.
PERMANENT_SES_ERRORS = frozenset({
    "MessageRejected", "MailFromDomainNotVerifiedException", "BadRequestException",
    "NotFoundException", "AccountSuspendedException", "InvalidParameterValue",
})
_TAG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")  # SES message tags allow only these characters


class EmailUnavailable(ProviderUnavailable):
    code, status = "EMAIL_UNAVAILABLE", 503
    provider = "ses"
    default_fix = "Retry later; the email will be sent again by the retry job."


@dataclass(frozen=True, slots=True)
class EmailAttachment:
    filename: str
    content_type: str  # may carry parameters: `text/calendar; method=REQUEST`
    content: str  # text (UTF-8 on the wire)

    def as_record(self) -> dict[str, str]:
        return {"filename": self.filename, "content_type": self.content_type, "content": self.content}


class EmailPort(Protocol):
    def send(self, to: list[str], subject: str, body: str, kind: str, booking_id: str | None, *,
             attachments: list[EmailAttachment] | None = None) -> str:
        """Send one plain-text email to every address in `to`; returns the provider message id.

        `kind` is the notification kind (`confirmation`, `pre_meeting`, …, `cancellation`).
        """
        ...


def mime_message(from_address: str, to: list[str], subject: str, body: str,
                 attachments: list[EmailAttachment]) -> bytes:
    """A multipart/mixed message: the text body, then each attachment with its own content type
    (`text/calendar; method=REQUEST` keeps its method parameter, as calendar clients expect)."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = from_address
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(body)
    for attachment in attachments:
        maintype, _, rest = attachment.content_type.partition("/")
        if maintype != "text":
            raise ValueError("only text attachments are sent")
        subtype, *params = [part.strip() for part in rest.split(";")]
        message.add_attachment(attachment.content, subtype=subtype, filename=attachment.filename,
                               params=dict(p.split("=", 1) for p in params if "=" in p))
    return message.as_bytes()


def _tag(name: str, value: str) -> dict[str, str]:
    return {"Name": name, "Value": _TAG_UNSAFE.sub("_", value)[:256] or "none"}


class SesEmail:
    """SESv2 `SendEmail` with Simple content; tags carry kind and booking id for SES event logs."""

    def __init__(self, from_address: str, *, client: Any | None = None,
                 configuration_set: str | None = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("sesv2")
        self._client = client
        self._from_address = from_address
        self._configuration_set = configuration_set

    def send(self, to: list[str], subject: str, body: str, kind: str, booking_id: str | None, *,
             attachments: list[EmailAttachment] | None = None) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        if not to:
            raise ValueError("an email needs at least one recipient")
        content: dict[str, Any] = {"Simple": {
            "Subject": {"Data": subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
        }}
        if attachments:
            content = {"Raw": {"Data": mime_message(self._from_address, list(to), subject, body, attachments)}}
        request: dict[str, Any] = {
            "FromEmailAddress": self._from_address,
            "Destination": {"ToAddresses": list(to)},
            "Content": content,
            "EmailTags": [_tag("kind", kind), _tag("booking_id", booking_id or "none")],
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        details = {"kind": kind, "booking_id": booking_id}
        try:
            response = self._client.send_email(**request)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "ClientError")
            raise EmailUnavailable(
                f"SES did not accept the {kind} email ({code}).",
                retryable=code not in PERMANENT_SES_ERRORS, provider_status=code,
                details=details) from error
        except BotoCoreError as error:  # endpoint unreachable, read timeout, …
            raise EmailUnavailable(
                f"SES could not be reached to send the {kind} email.",
                provider_status=type(error).__name__, details=details) from error
        return str(response["MessageId"])


class LocalEmail:
    """Records emails in the outbox; `outbox.fail_next("email")` makes the next send fail."""

    def __init__(self, outbox: LocalOutbox = OUTBOX) -> None:
        self._outbox = outbox

    def send(self, to: list[str], subject: str, body: str, kind: str, booking_id: str | None, *,
             attachments: list[EmailAttachment] | None = None) -> str:
        if not to:
            raise ValueError("an email needs at least one recipient")
        if self._outbox.take_failure("email.send"):
            raise EmailUnavailable(f"Simulated SES failure for the {kind} email.", provider_status=503,
                                   details={"kind": kind, "booking_id": booking_id, "simulated": True})
        self._outbox.record_email(kind=kind, to=list(to), subject=subject, body=body, booking_id=booking_id,
                                  attachments=[a.as_record() for a in attachments or []])
        return f"local-{uuid.uuid4()}"
