"""Read a secret's text from AWS Secrets Manager (Google credentials, the notetaker API key).

Kept apart from the adapters so their constructors take plain values and tests never need AWS.
"""

from __future__ import annotations

from typing import Any

from scheduling.adapters.errors import ProviderUnavailable


class SecretUnavailable(ProviderUnavailable):
    code, status = "TEMPORARILY_UNAVAILABLE", 503
    provider = "secretsmanager"


def read_secret_string(secret_id: str, client: Any | None = None) -> str:
    """The `SecretString` of a secret ARN or name; `client` is a boto3 secretsmanager client."""
    from botocore.exceptions import BotoCoreError, ClientError

    if client is None:
        import boto3

        client = boto3.client("secretsmanager")
    try:
        value = client.get_secret_value(SecretId=secret_id)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "ClientError")
        raise SecretUnavailable(
            "A secret this service needs could not be read.",
            retryable=code in ("InternalServiceError", "ThrottlingException"),
            provider_status=code) from error
    except BotoCoreError as error:
        raise SecretUnavailable("Secrets Manager could not be reached.",
                                provider_status=type(error).__name__) from error
    if "SecretString" not in value:
        raise SecretUnavailable("The secret holds binary data; store the value as text.",
                                retryable=False, provider_status="binary")
    return str(value["SecretString"])


def json_object_secret(secret_value: str, what: str) -> dict[str, Any]:
    """A secret holding a JSON object (the calendar providers' credentials); ValueError otherwise.

    The error never quotes the secret: it ends up in logs at cold start.
    """
    import json

    try:
        info = json.loads(secret_value)
    except ValueError:
        raise ValueError(f"The {what} secret is not valid JSON.") from None
    if not isinstance(info, dict):
        raise ValueError(f"The {what} secret must be a JSON object.")
    return info
