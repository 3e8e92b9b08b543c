"""Outgoing webhooks (contract §8; docs/webhooks.md): events, fan-out, signed delivery, retries.

A booking change puts ONE event item into its own transaction (`booking_event(...).entry`), so a
crash can never lose it and a change writes a bounded number of items whatever the number of
subscriptions. The first attempt, right after the commit and off the request's path, is made by
`_fan_out_and_send`: it reads the company's subscriptions, writes one delivery per matching
subscription and sends them concurrently (10 s per attempt). Deployed, the table's DynamoDB Stream
hands each new event item to the `webhook_fan_out` function (`fan_out_new_events`), so the request
does nothing more after its commit; locally (`make run`, tests) `dispatch(event)` runs the same
function on a background thread of the process that committed. The `deliver_webhooks` job (every
minute) fans out events that neither path finished and retries failed deliveries on the §8
schedule. Every step is claimed conditionally on the due key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import random
import secrets as random_secrets
import socket
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from scheduling import wiring
from scheduling.domain.models import Booking
from scheduling.errors import NotFound, ValidationFailed
from scheduling.repositories import keys
from scheduling.repositories.webhooks import (
    DELIVERY_DUE,
    EVENT_DUE,
    EVENT_PREFIX,
    LostClaim,
    WebhookRepository,
    delivery_key,
    event_key,
)

logger = logging.getLogger("scheduling.webhooks")

BOOKING_EVENTS = ("booking.created", "booking.cancelled", "booking.rescheduled", "booking.attended",
                  "booking.late", "booking.no_show", "notetaker.scheduled")
EVENT_TYPES = (*BOOKING_EVENTS, "ping")
# §8: the wait after each failed try; the last one's failure is final (10 tries in all).
RETRY_AFTER = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
               timedelta(hours=5), timedelta(hours=10), timedelta(hours=14), timedelta(hours=20),
               timedelta(hours=24))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
ATTEMPT_TIMEOUT_SECONDS = 10.0
# The request (or job run) that recorded or claimed an item owns it this long; a Lambda stops after
# 15 s (the job after 60 s), so the job only takes over work whose owner died.
LEASE = timedelta(minutes=2)
ROTATION_OVERLAP = timedelta(hours=24)
EVENT_RETENTION = timedelta(days=30)
USER_AGENT = "TrustPager-Scheduling-Webhooks/1"
# Cloud metadata services answer on these wherever the code runs; refused in every mode.
METADATA_ADDRESSES = {ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")}
LOCAL_HOSTS = ("127.0.0.1", "localhost")

Resolver = Callable[[str, int], list[str]]


# ------------------------------------------------------------------------------------------------
# events recorded with the change
@dataclass(frozen=True)
class PendingEvent:
    """An event that a service commits with its change (`entry`) and dispatches after the commit."""

    company_id: str
    body: dict[str, Any]
    entry: dict[str, Any] = field(repr=False)
    due_sk: str = ""


def booking_event(event_type: str, booking: Booking, now: datetime, **data: Any) -> PendingEvent:
    """The event for `booking` (as GET shows it, without its management token) plus `data`."""
    from scheduling.api.presenters import booking_json  # the one JSON shape of a booking

    shown = booking_json(booking)
    shown.pop("management_token", None)
    shown.pop("management_token_expires_at", None)
    return new_event(booking.company_id, event_type, {"booking": shown, **data}, now)


def new_event(company_id: str, event_type: str, data: dict[str, Any], now: datetime) -> PendingEvent:
    body = {"id": f"evt_{uuid.uuid4()}", "type": event_type, "created_at": now.astimezone(UTC).isoformat(),
            "company_id": company_id, "data": data}
    due = now + LEASE
    entry = repository().event_entry(company_id, body, due, _expiry(now))
    return PendingEvent(company_id, body, entry, entry["Put"]["Item"]["DueWorkByTimeSK"])


def entries(event: PendingEvent | None) -> list[dict[str, Any]]:
    """The transaction entries of an event that may not be there (a change that announces nothing)."""
    return [event.entry] if event is not None else []


def dispatch(*events: PendingEvent | None) -> None:
    """After the commit. Deployed (`webhooks_first_attempt=stream`) nothing: the stream's fan-out
    function makes the first attempts. Locally: fan out and attempt on background threads, never on
    the caller's. A failure here only delays delivery until the job (the event stays due)."""
    if _first_attempt_by_stream():
        return
    for event in events:
        if event is None:
            continue
        try:
            _submit(_fan_out_and_send, event.company_id, event.body, event.due_sk, _utcnow())
        except Exception:  # a full or shut-down pool: the job delivers it
            logger.warning("webhook event %s left for the job", event.body["id"])


def fan_out_new_events(records: list[dict[str, Any]], *, budget_seconds: float) -> dict[str, int]:
    """The deployed first attempt: the DynamoDB Stream records (NEW_IMAGE) of new event items, as the
    `webhook_fan_out` function receives them; each event is fanned out and attempted concurrently,
    exactly as `dispatch` does locally. Returns once every attempt ended, or after `budget_seconds`
    (Lambda freezes what is left once the handler returns; the job takes it over after its lease)."""
    summary = {"events": 0, "ignored": 0}
    now = _utcnow()
    for record in records:
        image = (record.get("dynamodb") or {}).get("NewImage") or {}
        company_id, body, held_sk = (_image_text(image, name) for name in ("company_id", "body", "DueWorkByTimeSK"))
        # only an event still waiting for its fan-out (a ping is written already fanned out)
        if record.get("eventName") != "INSERT" or not (company_id and body and held_sk) or not (
                _image_text(image, "SK") or "").startswith(EVENT_PREFIX):
            summary["ignored"] += 1
            continue
        _submit(_fan_out_and_send, company_id, json.loads(body), held_sk, now)
        summary["events"] += 1
    wait_for_deliveries(timeout=budget_seconds)
    if _in_flight:
        logger.warning("%d webhook attempt(s) still running at the end of the budget; the job finishes them",
                       len(_in_flight))
    return summary


def _image_text(image: dict[str, Any], name: str) -> str | None:
    """A string attribute of a stream image (DynamoDB JSON: {"S": "..."})."""
    value = image.get(name)
    return value.get("S") if isinstance(value, dict) else None


def _first_attempt_by_stream() -> bool:
    from scheduling.settings import get_settings

    return get_settings().webhooks_first_attempt == "stream"


# ------------------------------------------------------------------------------------------------
# background work
THREAD_PREFIX = "webhooks"
# Attempts mostly wait on sockets: enough threads that a batch of slow receivers (10 s each) does not
# queue the fast ones behind it.
MAX_THREADS = 32
_pool: ThreadPoolExecutor | None = None
_in_flight: set[Future[Any]] = set()


def _submit(function: Callable[..., Any], *args: Any) -> Future[Any]:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=MAX_THREADS, thread_name_prefix=THREAD_PREFIX)
    future = _pool.submit(function, *args)
    _in_flight.add(future)
    future.add_done_callback(_in_flight.discard)
    return future


def on_delivery_thread() -> bool:
    """True on the background workers (tests count a request's own DynamoDB calls without them)."""
    import threading

    return threading.current_thread().name.startswith(THREAD_PREFIX)


def wait_for_deliveries(timeout: float = 30.0) -> None:
    """Wait for background fan-outs and attempts (tests, the local server's jobs, a Lambda's end)."""
    deadline = time.monotonic() + timeout
    while _in_flight and time.monotonic() < deadline:
        for future in list(_in_flight):
            try:
                future.result(timeout=max(0.0, deadline - time.monotonic()))
            except Exception:  # already logged by the worker
                pass


def _fan_out_and_send(company_id: str, body: dict[str, Any], held_sk: str, now: datetime) -> None:
    try:
        deliveries = fan_out(company_id, body, held_sk, now)
    except LostClaim:
        return
    except Exception:
        logger.exception("fan-out of webhook event %s failed; the job retries it", body["id"])
        return
    # One thread per delivery: a slow receiver never holds up another.
    for delivery, lease_sk in deliveries[1:]:
        _submit(_attempt_quietly, delivery, lease_sk, body)
    if deliveries:
        _attempt_quietly(deliveries[0][0], deliveries[0][1], body)


def _attempt_quietly(delivery: dict[str, Any], lease_sk: str, body: dict[str, Any]) -> None:
    try:
        attempt(delivery, lease_sk, body, _utcnow(), subscription=delivery.pop("_subscription", None))
    except LostClaim:
        pass
    except Exception:
        logger.exception("webhook delivery %s failed unexpectedly; the job retries it", delivery["id"])


def fan_out(company_id: str, body: dict[str, Any], held_sk: str, now: datetime) -> list[tuple[dict[str, Any], str]]:
    """One delivery per active subscription that wants this event, each held by the caller for
    its first attempt; then the event leaves the due index. A re-run (after a crash) finds the
    deliveries it made already and leaves them to the job's retries."""
    repo = repository()
    made: list[tuple[dict[str, Any], str]] = []
    for subscription in repo.subscriptions(company_id):
        if not subscription.get("active", True) or not _wants(subscription, body["type"]):
            continue
        delivery = _new_delivery(company_id, subscription["id"], body, now)
        if repo.create_delivery(delivery):
            # the first attempt uses the subscription just read (saves its GetItem)
            made.append(({**delivery, "_subscription": subscription}, delivery["DueWorkByTimeSK"]))
    if not repo.event_fanned_out(company_id, body["id"], held_sk):
        raise LostClaim
    return made


def _new_delivery(company_id: str, subscription_id: str, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    stamp = datetime.fromisoformat(body["created_at"]).strftime("%Y%m%dT%H%M%S%fZ")
    delivery_id = f"dlv_{stamp}_{body['id'].removeprefix('evt_').replace('-', '')}"
    return {"id": delivery_id, "company_id": company_id, "subscription_id": subscription_id,
            "event_id": body["id"], "event_type": body["type"], "status": "pending", "attempts": 0,
            "last_status_code": None, "last_error": None, "next_attempt_at": now.isoformat(),
            "delivered_at": None, "created_at": now.isoformat(), keys.TABLE_TTL_ATTRIBUTE: _expiry(now),
            **keys.due_work(DELIVERY_DUE, now + LEASE, f"{company_id}/{subscription_id}/{delivery_id}")}


def _wants(subscription: dict[str, Any], event_type: str) -> bool:
    wanted = subscription.get("events") or []
    return "*" in wanted or event_type in wanted


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    error: str | None
    retry_after: float | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def attempt(delivery: dict[str, Any], held_sk: str, body: dict[str, Any] | None, now: datetime, *,
            subscription: dict[str, Any] | None = None) -> dict[str, Any]:
    """One signed POST of the delivery's event; records the outcome while holding the claim.
    `subscription`: as just read by the fan-out (else read now: its URL, secrets, active flag)."""
    repo = repository()
    company_id, subscription_id = delivery["company_id"], delivery["subscription_id"]
    key = delivery_key(company_id, subscription_id, delivery["id"])
    if subscription is None:
        subscription = repo.get_subscription(company_id, subscription_id)
    raw = _raw_body(repo, company_id, delivery["event_id"], body)
    attempts = int(delivery.get("attempts") or 0) + 1
    if subscription is None or not subscription.get("active", True) or raw is None:
        reason = "subscription deleted" if subscription is None else (
            "subscription inactive" if raw is not None else "event expired")
        changes = {"status": "failed", "last_error": reason, "next_attempt_at": None}
        repo.finish_delivery(key, held_sk, changes, None)
        return {**delivery, **changes}
    result = send(subscription, delivery["event_id"], raw, now)
    changes: dict[str, Any] = {"attempts": attempts, "last_status_code": result.status_code,
                               "last_error": result.error}
    due = None
    if result.delivered:
        changes.update(status="delivered", delivered_at=now.isoformat(), next_attempt_at=None)
    elif result.status_code == 410:
        changes.update(status="failed", next_attempt_at=None, last_error="410 Gone: subscription deactivated")
        repo.update_subscription(company_id, subscription_id, {"active": False, "updated_at": now.isoformat()})
    elif attempts >= MAX_ATTEMPTS:
        changes.update(status="failed", next_attempt_at=None)
    else:
        wait = _jittered(RETRY_AFTER[attempts - 1])
        if result.retry_after is not None:
            wait = max(wait, timedelta(seconds=min(result.retry_after, 86400)))
        next_at = now + wait
        changes.update(status="pending", next_attempt_at=next_at.isoformat())
        due = keys.due_work(DELIVERY_DUE, next_at, f"{company_id}/{subscription_id}/{delivery['id']}")
    repo.finish_delivery(key, held_sk, changes, due)
    logger.info("webhook %s → subscription %s: attempt %d, %s", delivery["event_id"], subscription_id, attempts,
                result.status_code or result.error)
    return {**delivery, **changes}


def _raw_body(repo: WebhookRepository, company_id: str, event_id: str, body: dict[str, Any] | None) -> str | None:
    if body is not None:
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return repo.event_body(company_id, event_id)


def _jittered(wait: timedelta) -> timedelta:
    return wait * random.uniform(0.9, 1.1)  # noqa: S311 (spreading retries, not security)


# ------------------------------------------------------------------------------------------------
# the job
def run_due(now: datetime, limit: int = 100) -> dict[str, int]:
    """Fan out events whose request died first, then attempt every due delivery (concurrently)."""
    repo = repository()
    summary = {"events": 0, "deliveries": 0, "delivered": 0, "retrying": 0, "failed": 0, "skipped": 0}
    lease = now + LEASE
    claimed: list[tuple[dict[str, Any], str]] = []  # deliveries this run holds, each with its lease
    for item in repo.due_events(now, limit):
        lease_sk = keys.due_work(EVENT_DUE, lease, f"{item['company_id']}/{item['event_id']}")["DueWorkByTimeSK"]
        try:
            repo.claim(event_key(item["company_id"], item["event_id"]), item["DueWorkByTimeSK"], lease_sk)
            claimed += fan_out(item["company_id"], json.loads(item["body"]), lease_sk, now)
            summary["events"] += 1
        except LostClaim:
            summary["skipped"] += 1
    for item in repo.due_deliveries(now, limit):
        lease_sk = keys.due_work(DELIVERY_DUE, lease, f"{item['company_id']}/{item['subscription_id']}/{item['id']}")[
            "DueWorkByTimeSK"]
        try:
            repo.claim(delivery_key(item["company_id"], item["subscription_id"], item["id"]),
                       item["DueWorkByTimeSK"], lease_sk)
        except LostClaim:
            summary["skipped"] += 1
            continue
        claimed.append((item, lease_sk))
    futures = [_submit(_attempt_for_job, item, lease_sk, now) for item, lease_sk in claimed]
    for future in futures:
        outcome = future.result()
        summary["deliveries"] += 1
        summary[outcome] += 1
    return summary


def _attempt_for_job(item: dict[str, Any], lease_sk: str, now: datetime) -> str:
    try:
        status = attempt(item, lease_sk, None, now, subscription=item.pop("_subscription", None))["status"]
    except LostClaim:
        return "skipped"
    except Exception:
        logger.exception("webhook delivery %s failed unexpectedly", item["id"])
        return "retrying"
    return {"delivered": "delivered", "failed": "failed"}.get(status, "retrying")


# ------------------------------------------------------------------------------------------------
# signing and sending
def new_secret() -> str:
    return "whsec_" + base64.b64encode(random_secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, raw_body: str) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.{raw_body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signing_secrets(subscription: dict[str, Any], now: datetime) -> list[str]:
    """The current secret, and for 24 h after a rotation the previous one too."""
    found = [subscription["secret"]]
    previous, until = subscription.get("previous_secret"), subscription.get("previous_secret_until")
    if previous and until and now < datetime.fromisoformat(until):
        found.append(previous)
    return found


def send(subscription: dict[str, Any], event_id: str, raw_body: str, now: datetime, *,
         resolver: Resolver | None = None) -> AttemptResult:
    """POST to the subscription's URL: checked again (DNS can change) and connected to the very
    address that was checked; redirects are not followed (3xx is a failure)."""
    timestamp = int(now.timestamp())
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, "webhook-id": event_id,
               "webhook-timestamp": str(timestamp),
               "webhook-signature": " ".join(sign(s, event_id, timestamp, raw_body)
                                             for s in signing_secrets(subscription, now))}
    try:
        target = check_url(subscription["url"], resolver=resolver)
    except ValidationFailed as refused:
        return AttemptResult(None, f"refused: {refused.details.get('expected')}")
    try:
        return _post(target, headers, raw_body.encode())
    except (OSError, ValueError) as error:
        return AttemptResult(None, f"{type(error).__name__}: {str(error)[:200]}")


@dataclass(frozen=True)
class CheckedUrl:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def _post(target: CheckedUrl, headers: dict[str, str], body: bytes) -> AttemptResult:
    import http.client
    import ssl

    # One budget for the whole attempt: connecting, the TLS handshake, sending and the answer.
    deadline = time.monotonic() + ATTEMPT_TIMEOUT_SECONDS

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no answer within {ATTEMPT_TIMEOUT_SECONDS:g} s")
        return left

    sock = socket.create_connection((target.address, target.port), timeout=remaining())
    if target.scheme == "https":
        sock.settimeout(remaining())
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=target.host)
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            target.host, target.port, timeout=ATTEMPT_TIMEOUT_SECONDS)
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=ATTEMPT_TIMEOUT_SECONDS)
    connection.sock = sock
    try:
        sock.settimeout(remaining())
        connection.request("POST", target.path, body=body, headers=headers)
        sock.settimeout(remaining())
        response = connection.getresponse()
        sock.settimeout(remaining())
        response.read(4096)
        status = response.status
        retry_after = _retry_after(response.getheader("Retry-After")) if status == 429 else None
    finally:
        connection.close()
    error = None if 200 <= status < 300 else f"HTTP {status}"
    return AttemptResult(status, error, retry_after)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            return None


def local_receivers_allowed() -> bool:
    from scheduling.settings import get_settings

    return get_settings().webhooks_local_receivers == "on"


def _system_resolver(host: str, port: int) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def check_url(url: str, *, resolver: Resolver | None = None) -> CheckedUrl:
    """The URL's first address when it may receive webhooks; ValidationFailed (field `url`) otherwise.

    https to a public address; every address the name resolves to is checked. With local receivers
    on (make run), http/https to 127.0.0.1 or localhost also pass. Link-local and metadata
    addresses never do."""
    local = local_receivers_allowed()
    expected = ("an https URL of a public host" + (" (or http://127.0.0.1 / http://localhost locally)"
                                                   if local else ""))
    if not isinstance(url, str) or len(url) > 2000:
        raise ValidationFailed("url", expected)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValidationFailed("url", expected) from None
    host = (parts.hostname or "").lower()
    local_target = local and host in LOCAL_HOSTS
    if not host or parts.username or parts.password or parts.scheme not in (
            ("http", "https") if local_target else ("https",)):
        raise ValidationFailed("url", expected)
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = (resolver or _system_resolver)(host, port)
    except OSError:
        raise ValidationFailed("url", expected, f"'{host}' does not resolve.") from None
    if not addresses:
        raise ValidationFailed("url", expected, f"'{host}' does not resolve.")
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address in METADATA_ADDRESSES or address.is_link_local:
            raise ValidationFailed("url", expected, "That address is link-local or a metadata service.")
        if local_target and address.is_loopback:
            continue
        if (address.is_loopback or address.is_private or address.is_reserved or address.is_multicast
                or address.is_unspecified or not address.is_global):
            raise ValidationFailed("url", expected, "That host resolves to a private or loopback address.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return CheckedUrl(parts.scheme, host, port, path, addresses[0].split("%", 1)[0])


# ------------------------------------------------------------------------------------------------
# the subscription API
SUBSCRIPTION_FIELDS = ("id", "url", "events", "description", "active", "created_at", "updated_at")


def subscription_json(item: dict[str, Any]) -> dict[str, Any]:
    return {name: item.get(name) for name in SUBSCRIPTION_FIELDS}


def delivery_json(item: dict[str, Any]) -> dict[str, Any]:
    names = ("id", "event_id", "event_type", "status", "attempts", "last_status_code", "last_error",
             "next_attempt_at", "delivered_at", "created_at")
    return {name: item.get(name) for name in names}


def _checked_events(events: Any) -> list[str]:
    expected = f"a non-empty list of {', '.join(BOOKING_EVENTS)}, or [\"*\"]"
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        raise ValidationFailed("events", expected)
    if events == ["*"]:
        return events
    unknown = [e for e in events if e not in BOOKING_EVENTS]
    if unknown:
        raise ValidationFailed("events", expected, f"Unknown event type '{unknown[0]}'.")
    return list(dict.fromkeys(events))


def _checked_description(description: Any) -> str | None:
    if description is not None and (not isinstance(description, str) or len(description) > 500):
        raise ValidationFailed("description", "text of at most 500 characters")
    return description


def create_subscription(company_id: str, fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The new subscription with its secret (shown this once)."""
    check_url(fields.get("url"))
    item = {"id": str(uuid.uuid4()), "company_id": company_id, "url": fields["url"].strip(),
            "events": _checked_events(fields.get("events")),
            "description": _checked_description(fields.get("description")),
            "active": True if fields.get("active") is None else bool(fields["active"]),
            "secret": new_secret(), "created_at": now.isoformat(), "updated_at": now.isoformat()}
    repository().put_subscription(item)
    return {**subscription_json(item), "secret": item["secret"]}


def list_subscriptions(company_id: str, limit: int, after: str | None) -> tuple[list[dict[str, Any]], str | None]:
    if after is not None and not _is_uuid(after):
        raise ValidationFailed("after", "a next_cursor value returned by a previous page")
    items, cursor = repository().page_subscriptions(company_id, limit, after)
    return [subscription_json(i) for i in items], cursor


def get_subscription(company_id: str, subscription_id: str) -> dict[str, Any]:
    found = repository().get_subscription(company_id, subscription_id) if _is_uuid(subscription_id) else None
    if found is None:
        raise NotFound(f"No webhook subscription {subscription_id}.",
                       fix="List subscriptions with GET /v1/webhook-subscriptions.")
    return found


def update_subscription(company_id: str, subscription_id: str, fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    get_subscription(company_id, subscription_id)
    changes: dict[str, Any] = {}
    if "url" in fields:
        check_url(fields["url"])
        changes["url"] = fields["url"].strip()
    if "events" in fields:
        changes["events"] = _checked_events(fields["events"])
    if "description" in fields:
        changes["description"] = _checked_description(fields["description"])
    if "active" in fields:
        if not isinstance(fields["active"], bool):
            raise ValidationFailed("active", "true or false")
        changes["active"] = fields["active"]
    changes["updated_at"] = now.isoformat()
    updated = repository().update_subscription(company_id, subscription_id, changes)
    if updated is None:
        raise NotFound(f"No webhook subscription {subscription_id}.")
    return subscription_json(updated)


def delete_subscription(company_id: str, subscription_id: str) -> None:
    if not _is_uuid(subscription_id) or not repository().delete_subscription(company_id, subscription_id):
        raise NotFound(f"No webhook subscription {subscription_id}.")


def rotate_secret(company_id: str, subscription_id: str, now: datetime) -> str:
    """A new secret; the previous one still signs (beside it) for 24 h."""
    current = get_subscription(company_id, subscription_id)
    secret = new_secret()
    repository().update_subscription(company_id, subscription_id, {
        "secret": secret, "previous_secret": current["secret"],
        "previous_secret_until": (now + ROTATION_OVERLAP).isoformat(), "updated_at": now.isoformat()})
    return secret


def send_test(company_id: str, subscription_id: str, now: datetime) -> dict[str, Any]:
    """A `ping` to this subscription only, attempted at once; the job retries it like any other."""
    subscription = get_subscription(company_id, subscription_id)
    event = {"id": f"evt_{uuid.uuid4()}", "type": "ping", "created_at": now.astimezone(UTC).isoformat(),
             "company_id": company_id, "data": {"subscription_id": subscription["id"]}}
    repo = repository()
    repo.put_event(company_id, event, _expiry(now))
    delivery = _new_delivery(company_id, subscription["id"], event, now)
    repo.create_delivery(delivery)
    return delivery_json(attempt(delivery, delivery["DueWorkByTimeSK"], event, now))


def list_deliveries(company_id: str, subscription_id: str, limit: int,
                    after: str | None) -> tuple[list[dict[str, Any]], str | None]:
    get_subscription(company_id, subscription_id)
    if after is not None and not after.startswith("dlv_"):
        raise ValidationFailed("after", "a next_cursor value returned by a previous page")
    items, cursor = repository().page_deliveries(company_id, subscription_id, limit, after)
    return [delivery_json(i) for i in items], cursor


def redeliver(company_id: str, subscription_id: str, delivery_id: str, now: datetime) -> dict[str, Any]:
    """Send a delivery's event again (same webhook-id), at once; a pending one is left to its owner."""
    from scheduling.errors import Conflict

    get_subscription(company_id, subscription_id)
    repo = repository()
    found = repo.get_delivery(company_id, subscription_id, delivery_id) if delivery_id.startswith("dlv_") else None
    if found is None:
        raise NotFound(f"No delivery {delivery_id} for this subscription.")
    due = keys.due_work(DELIVERY_DUE, now + LEASE, f"{company_id}/{subscription_id}/{delivery_id}")
    if not repo.reopen_delivery(delivery_key(company_id, subscription_id, delivery_id), due):
        raise Conflict("This delivery is still pending: it will be retried on its schedule.",
                       code="DELIVERY_PENDING", fix="Wait for next_attempt_at, or redeliver once it is delivered or failed.")
    return delivery_json(attempt({**found, "attempts": 0}, due["DueWorkByTimeSK"], None, now))


# ------------------------------------------------------------------------------------------------
def repository() -> WebhookRepository:
    return WebhookRepository(wiring.table())


def _expiry(now: datetime) -> int:
    return int((now + EVENT_RETENTION).timestamp())


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True

