"""The Google secret → per-host credentials, with token exchanges going through the HTTP mock."""

from __future__ import annotations

import base64
import json

import pytest
from adapter_helpers import utc
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google_http import RecordingHttp

from scheduling.adapters.calendar import CalendarUnavailable
from scheduling.adapters.calendar.google import GoogleCalendar, google_calendar_from_secret
from scheduling.adapters.calendar.google_credentials import credentials_from_secret
from scheduling.slots.ranges import TimeRange

HOST = "jane@clinic.example"
WINDOW = TimeRange(utc(2026, 12, 1), utc(2026, 12, 2))
TOKEN_ANSWER = (200, {"access_token": "ya29.granted", "expires_in": 3600, "token_type": "Bearer"})
EMPTY_FREEBUSY = (200, {"calendars": {HOST: {"busy": []}}})


@pytest.fixture(scope="module")
def service_account_secret() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return json.dumps({
        "type": "service_account", "project_id": "clinic", "private_key_id": "k1", "private_key": pem,
        "client_email": "scheduler@clinic.iam.gserviceaccount.com", "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    })


def jwt_claims(assertion: str) -> dict:
    payload = assertion.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_service_account_secret_acts_as_the_host_through_domain_wide_delegation(service_account_secret: str) -> None:
    http = RecordingHttp(TOKEN_ANSWER, EMPTY_FREEBUSY)
    calendar = GoogleCalendar(credentials_from_secret(service_account_secret), transport_factory=lambda: http)

    calendar.busy([HOST], WINDOW)

    token_request, freebusy_request = http.sent
    assert (token_request.method, token_request.path) == ("POST", "/token")
    claims = jwt_claims(token_request.body["assertion"])
    assert claims["sub"] == HOST
    assert claims["iss"] == "scheduler@clinic.iam.gserviceaccount.com"
    assert claims["scope"] == "https://www.googleapis.com/auth/calendar"
    assert freebusy_request.headers["authorization"] == "Bearer ya29.granted"


def test_per_host_refresh_tokens_are_exchanged_for_the_host_being_acted_as() -> None:
    secret = json.dumps({"type": "authorized_users", "client_id": "cid", "client_secret": "csecret",
                         "refresh_tokens": {"Jane@Clinic.example": "1//jane", "omar@clinic.example": "1//omar"}})
    http = RecordingHttp(TOKEN_ANSWER, EMPTY_FREEBUSY)

    google_calendar_from_secret(secret, transport_factory=lambda: http).busy([HOST], WINDOW)

    token_request = http.sent[0]
    assert token_request.body["grant_type"] == "refresh_token"
    assert token_request.body["refresh_token"] == "1//jane"
    assert http.sent[1].headers["authorization"] == "Bearer ya29.granted"


def test_a_host_without_a_refresh_token_is_not_connected_and_nothing_is_sent() -> None:
    secret = json.dumps({"type": "authorized_users", "client_id": "cid", "client_secret": "cs",
                         "refresh_tokens": {"omar@clinic.example": "1//omar"}})
    http = RecordingHttp()
    with pytest.raises(CalendarUnavailable) as caught:
        google_calendar_from_secret(secret, transport_factory=lambda: http).busy([HOST], WINDOW)
    assert (caught.value.retryable, caught.value.provider_status) == (False, "not_connected")
    assert http.sent == []


def test_a_single_authorized_user_file_serves_every_calendar() -> None:
    secret = json.dumps({"type": "authorized_user", "client_id": "cid", "client_secret": "cs",
                         "refresh_token": "1//shared"})
    credentials_for = credentials_from_secret(secret)
    assert credentials_for(HOST) is credentials_for("omar@clinic.example")


@pytest.mark.parametrize(("secret", "complaint"), [
    ("not json {", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"type": "external_account"}', "must have type"),
    ('{"type": "authorized_users", "client_id": "c"}', "lacks client_secret, refresh_tokens"),
    ('{"type": "service_account", "private_key": "SECRET-KEY-TEXT"}', "incomplete"),
])
def test_a_malformed_secret_is_refused_without_quoting_it(secret: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint) as caught:
        credentials_from_secret(secret)
    assert "SECRET-KEY-TEXT" not in str(caught.value)
