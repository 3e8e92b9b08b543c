from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from scheduling.adapters.secrets import SecretUnavailable, read_secret_string


@pytest.fixture
def secretsmanager(aws_env: None) -> Iterator[object]:
    with mock_aws():
        yield boto3.client("secretsmanager", region_name="ap-southeast-2")


def test_the_secret_string_is_read_by_arn(secretsmanager: object) -> None:
    arn = secretsmanager.create_secret(Name="google", SecretString='{"type": "service_account"}')["ARN"]
    assert read_secret_string(arn, secretsmanager) == '{"type": "service_account"}'


def test_a_client_is_built_from_the_environment_when_none_is_given(secretsmanager: object) -> None:
    secretsmanager.create_secret(Name="notetaker-key", SecretString="recall-key")
    assert read_secret_string("notetaker-key") == "recall-key"


def test_a_missing_secret_is_not_worth_retrying(secretsmanager: object) -> None:
    with pytest.raises(SecretUnavailable) as caught:
        read_secret_string("arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:nope", secretsmanager)
    assert (caught.value.retryable, caught.value.provider_status) == (False, "ResourceNotFoundException")
    assert "nope" not in caught.value.message


def test_a_binary_secret_is_refused(secretsmanager: object) -> None:
    secretsmanager.create_secret(Name="binary", SecretBinary=b"\x00\x01")
    with pytest.raises(SecretUnavailable, match="binary"):
        read_secret_string("binary", secretsmanager)
