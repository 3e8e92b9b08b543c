"""Logs, metrics and the mapping of AWS faults that the caller should retry (docs/reliability.md).

Logs   One Powertools Logger named `scheduling`: every `logging.getLogger("scheduling.…")` of the
       package propagates to it, so each line is one JSON object carrying `request_id` (the API
       Gateway request id, also the correlation id), `company_id` once the key is known, `route`
       and the function name. The formatter redacts email addresses, phone numbers, API keys,
       bearer tokens and management-link tokens from the finished line, whatever logged them;
       code never logs names or bodies. Level: POWERTOOLS_LOG_LEVEL, else INFO on Lambda and
       WARNING elsewhere (the local server's stdout is a pipe nobody reads in tests).

Metrics Embedded Metric Format lines (Powertools' CloudWatch EMF provider), namespace
       POWERTOOLS_METRICS_NAMESPACE. They come from two places only:
         * the API edge (api/app.py): `SlotUnavailable` (409 SLOT_UNAVAILABLE answers) and
           `DependencyUnavailable` (503s caused by DynamoDB throttling or outages);
         * the DynamoDB client (`instrument_dynamodb`, installed by wiring.table()), which sees
           every caller, the jobs included: `BookingsCreated` (committed booking inserts),
           `SlotConflicts` (a booking transaction lost a race for a host's day and was re-planned),
           `SideEffectRetries` + `SideEffectOldestDueSeconds` (what the retry job picks up) and
           `RemindersDue` + `ReminderLagSeconds` (how late the oldest due reminder is when the
           reminders job looks).
       Written only on Lambda (or with POWERTOOLS_METRICS_DISABLED=false) and never when
       POWERTOOLS_METRICS_DISABLED=true, as in the tests.

Faults `transient_failure(error)` turns botocore errors that a retry can fix (throttling,
       TransactionConflict, 5xx, timeouts) — after botocore's own retries (wiring.table()) — into
       503 TEMPORARILY_UNAVAILABLE instead of a 500.

Tracing: no `Tracer()` here: it imports the X-Ray SDK (≈140 ms of every cold start, the import
budget is 1.5× boto3). The template turns on active tracing for the functions and the API stage,
which records each invocation without the SDK (docs/reliability.md, "Tracing").
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from scheduling.errors import ServiceUnavailable

SERVICE = "scheduling"

# ── faults a retry can fix ─────────────────────────────────────────────────────────────────

TRANSIENT_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "Throttling", "RequestLimitExceeded",
    "InternalServerError", "ServiceUnavailable", "TransactionInProgressException", "LimitExceededException",
})
# Reasons inside TransactionCanceledException that say "try again", not "your condition failed".
TRANSIENT_CANCELLATIONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})
RETRY_AFTER_SECONDS = 2


def transient_failure(error: BaseException) -> ServiceUnavailable | None:
    """A 503 TEMPORARILY_UNAVAILABLE for an AWS error that retrying later can fix, else None.

    Called by the resolvers' last-resort handlers, i.e. after botocore's own retries and any retry
    of the service (the booking create re-plans on TransactionConflict) are used up."""
    from botocore.exceptions import ClientError, ConnectionError, ReadTimeoutError

    if isinstance(error, (ConnectionError, ReadTimeoutError)):
        code = type(error).__name__
    elif isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        if code == "TransactionCanceledException":
            reasons = {r.get("Code") for r in error.response.get("CancellationReasons") or []} - {None, "None"}
            if not reasons or not reasons <= TRANSIENT_CANCELLATIONS:
                return None
        elif code not in TRANSIENT_CODES:
            return None
    else:
        return None
    # The cause goes to the logs and metrics only: no DynamoDB text in responses (contract §1).
    logging.getLogger("scheduling.faults").warning("DynamoDB unavailable after retries: %s", code)
    emit(DependencyUnavailable=1)
    return ServiceUnavailable(
        "The service is busy right now and could not finish the request.",
        fix="Retry in a few seconds; send the same Idempotency-Key again so a write is never done twice.",
        details={"retry_after_seconds": RETRY_AFTER_SECONDS},
    )


# ── logs ───────────────────────────────────────────────────────────────────────────────────

_REDACTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)\bbearer\s+[^\s\"',]+"), "Bearer [redacted]"),
    (re.compile(r"\btp_[A-Za-z0-9]+_[A-Za-z0-9_\-]+"), "[api-key]"),
    (re.compile(r"/manage/[^\s\"'/?#]+"), "/manage/[token]"),
    (re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"), "[email]"),
    (re.compile(r"\+\d(?:[ \-]?\d){6,14}\b"), "[phone]"),  # E.164, possibly spaced
    (re.compile(r"(?<![\w\-.:])0\d(?:[ \-]?\d){8}(?![\w\-])"), "[phone]"),  # national, e.g. 0412 345 678
]


def redact(text: str) -> str:
    """`text` with email addresses, phone numbers, API keys and management tokens masked."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


_logger: Any = None


def logger() -> Any:
    """The package's Powertools Logger (created once per process; cheap: the class ships with the
    Powertools resolver every function already imports)."""
    global _logger
    if _logger is None:
        from aws_lambda_powertools import Logger
        from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

        class RedactingFormatter(LambdaPowertoolsFormatter):
            def serialize(self, log: dict[str, Any]) -> str:  # type: ignore[override]
                return redact(super().serialize(log))

        level = os.environ.get("POWERTOOLS_LOG_LEVEL") or ("INFO" if _on_lambda() else "WARNING")
        _logger = Logger(service=SERVICE, level=level, logger_formatter=RedactingFormatter(utc=True))
    return _logger


def observe_request(event: Any, context: Any, handle: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run `handle` (a resolver's resolve) inside the log context of the API Gateway `event`."""
    request = (event.get("requestContext") or {}) if isinstance(event, dict) else {}
    route = f"{event.get('httpMethod', '?')} {event.get('resource', '?')}" if isinstance(event, dict) else "?"
    started = begin_request(str(request.get("requestId") or "local"), route, getattr(context, "function_name", None))
    result = handle()
    end_request(started, result.get("statusCode", 0) if isinstance(result, dict) else 0)
    return result


def begin_request(request_id: str, route: str, function: str | None = None) -> float:
    """Start a request's log context (thread-safe: the local server runs requests on threads)."""
    log = logger()
    log.thread_safe_clear_keys()
    log.thread_safe_append_keys(request_id=request_id, correlation_id=request_id, route=route,
                                function=function or os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local"))
    return time.perf_counter()


def bind(**keys: str) -> None:
    """Add keys (e.g. company_id) to every later log line of this request."""
    logger().thread_safe_append_keys(**keys)


def end_request(started: float, status: int) -> None:
    logging.getLogger("scheduling.api").info(
        "request done", extra={"status": status, "duration_ms": round((time.perf_counter() - started) * 1000, 1)})


# ── metrics ────────────────────────────────────────────────────────────────────────────────

def _on_lambda() -> bool:
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


def metrics_enabled() -> bool:
    flag = os.environ.get("POWERTOOLS_METRICS_DISABLED", "").strip().lower()
    if flag in ("true", "1", "yes"):
        return False
    return _on_lambda() or flag in ("false", "0", "no")


def emit(**values: float) -> None:
    """Write one EMF line with these metrics (e.g. `emit(BookingsCreated=1)`); no-op when disabled.
    Names ending in `Seconds` are in seconds, the others are counts."""
    if not values or not metrics_enabled():
        return
    from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

    provider = AmazonCloudWatchEMFProvider(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Scheduling"),
                                           service=SERVICE)
    for name, value in values.items():
        provider.add_metric(name=name, unit="Seconds" if name.endswith("Seconds") else "Count", value=value)
    provider.flush_metrics()


def now() -> datetime:
    """The wall clock the lag metrics compare due times with (a seam for tests)."""
    return datetime.now(UTC)


def instrument_dynamodb(client: Any) -> None:
    """Count, from the table's own traffic, what the metrics above describe (every caller, jobs too).

    Reads only data-model facts: booking items are `BOOKING#<id>` Puts guarded by
    `attribute_not_exists(PK)`; due work is queried on `DueWorkByTime` under `DUE#<kind>` with sort
    keys starting with the due instant (repositories/keys.py).
    """
    events = client.meta.events

    def remember(params: dict[str, Any], context: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "TransactWriteItems":
            inserts = sum(1 for entry in params.get("TransactItems", []) if _is_booking_insert(entry.get("Put")))
            if inserts:
                context["scheduling_inserts"] = inserts
        elif model.name == "Query" and params.get("IndexName") == "DueWorkByTime":
            kind = _due_kind(params.get("KeyConditionExpression"), params.get("ExpressionAttributeValues"))
            if kind in ("side_effect", "reminder"):
                context["scheduling_due_kind"] = kind

    def observe(parsed: dict[str, Any], context: dict[str, Any], model: Any, **_: Any) -> None:
        try:
            failed = "Error" in parsed
            if inserts := context.get("scheduling_inserts"):
                if not failed:
                    emit(BookingsCreated=inserts)
                elif parsed["Error"].get("Code") == "TransactionCanceledException":
                    emit(SlotConflicts=1)
            elif (kind := context.get("scheduling_due_kind")) and not failed:
                _emit_due(kind, parsed.get("Items", []), now())
        except Exception:  # noqa: BLE001 - a metric must never break a request
            logging.getLogger("scheduling.observability").warning("metric not written", exc_info=True)

    events.register("provide-client-params.dynamodb", remember, unique_id="scheduling-metrics-params")
    events.register("after-call.dynamodb", observe, unique_id="scheduling-metrics-observe")


def _is_booking_insert(put: dict[str, Any] | None) -> bool:
    if not put:
        return False
    sk = _plain(put.get("Item", {}).get("SK"))
    return isinstance(sk, str) and sk.startswith("BOOKING#") and "attribute_not_exists" in put.get(
        "ConditionExpression", "")


def _due_kind(condition: Any, values: dict[str, Any] | None) -> str | None:
    """The `<kind>` of `DUE#<kind>` in a key condition (a boto3 condition object or a string)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            found.append(node)
        elif hasattr(node, "get_expression"):
            for value in node.get_expression()["values"]:
                walk(value)

    walk(condition)
    found.extend(str(_plain(v)) for v in (values or {}).values())
    return next((s[4:] for s in found if s.startswith("DUE#")), None)


def _emit_due(kind: str, items: list[dict[str, Any]], now: datetime) -> None:
    oldest = 0.0
    for item in items:
        sk = str(_plain(item.get("DueWorkByTimeSK")) or "")
        try:
            due = datetime.strptime(sk[:20], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        oldest = max(oldest, (now - due).total_seconds())
    if kind == "side_effect":
        emit(SideEffectRetries=len(items), SideEffectOldestDueSeconds=oldest)
    else:
        emit(RemindersDue=len(items), ReminderLagSeconds=oldest)


def _plain(value: Any) -> Any:
    """A DynamoDB-JSON attribute (`{"S": "…"}`) or a plain value, as the plain value."""
    if isinstance(value, dict) and len(value) == 1:
        return next(iter(value.values()))
    return value
