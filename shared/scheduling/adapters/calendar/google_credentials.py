"""Turn the Google secret (a Secrets Manager value, or a JSON string from the environment) into
"credentials for this host's calendar".

Accepted shapes of the secret:

* a service-account key, `{"type": "service_account", ...}`, with domain-wide delegation for the
  Calendar scope: every call acts as the host (subject = calendar id = the host's email);
* per-host OAuth refresh tokens, for hosts outside a Workspace the operator controls:
  `{"type": "authorized_users", "client_id": "...", "client_secret": "...",
    "token_uri": "https://oauth2.googleapis.com/token" (optional),
    "refresh_tokens": {"host@example.com": "1//0g..."}}`;
* Google's own single-user `authorized_user` file: one account for every calendar.

Nothing here reads the environment or Secrets Manager; `wiring` decides where the text comes from
(`secrets.read_secret_string` reads a secret ARN).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scheduling.adapters.calendar.port import CalendarUnavailable
from scheduling.adapters.secrets import json_object_secret

CALENDAR_SCOPES = ["https://www.googleapis.com/auth/calendar"]  # events and free/busy
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"

CredentialsFor = Callable[[str], Any]


def credentials_from_secret(secret_value: str) -> CredentialsFor:
    """`calendar_id -> google.auth credentials`; raises ValueError on a malformed secret.

    The error never quotes the secret: it ends up in logs at cold start.
    """
    info = json_object_secret(secret_value, "Google credentials")
    kind = info.get("type")
    if kind == "service_account":
        return _delegated_service_account(info)
    if kind == "authorized_users":
        return _per_host_refresh_tokens(info)
    if kind == "authorized_user":
        from google.oauth2.credentials import Credentials

        shared = Credentials.from_authorized_user_info(info, scopes=CALENDAR_SCOPES)
        return lambda _calendar_id: shared
    raise ValueError(
        "The Google credentials secret must have type 'service_account', 'authorized_users' or "
        f"'authorized_user', not {kind!r}.")


def _delegated_service_account(info: dict[str, Any]) -> CredentialsFor:
    from google.oauth2 import service_account

    try:
        base = service_account.Credentials.from_service_account_info(info, scopes=CALENDAR_SCOPES)
    except (ValueError, KeyError) as error:
        raise ValueError(f"The Google service-account secret is incomplete: {type(error).__name__}.") from None
    return lambda calendar_id: base.with_subject(calendar_id)


def _per_host_refresh_tokens(info: dict[str, Any]) -> CredentialsFor:
    missing = [key for key in ("client_id", "client_secret", "refresh_tokens") if not info.get(key)]
    if missing:
        raise ValueError(f"The Google authorized_users secret lacks {', '.join(missing)}.")
    tokens = {email.lower(): token for email, token in dict(info["refresh_tokens"]).items()}

    def for_host(calendar_id: str) -> Any:
        from google.oauth2.credentials import Credentials

        refresh_token = tokens.get(calendar_id.lower())
        if refresh_token is None:
            raise CalendarUnavailable(
                f"No Google authorisation is stored for the calendar {calendar_id}.",
                retryable=False, provider_status="not_connected",
                details={"calendar_id": calendar_id},
                fix="Add this host's refresh token to the Google credentials secret.")
        return Credentials(None, refresh_token=refresh_token, client_id=info["client_id"],
                           client_secret=info["client_secret"],
                           token_uri=info.get("token_uri", GOOGLE_TOKEN_URI), scopes=CALENDAR_SCOPES)

    return for_host
