"""What operators see: JSON log lines tied to a request and a company, with no personal data in
them, and the EMF metrics the CloudWatch alarms of template.yaml watch.

Logs are read from the Powertools handler's own stream (what CloudWatch Logs would receive), not
from pytest's record capture, so the redaction of the real output is what is tested.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from scheduling import observability, wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.services import side_effects
from tests.integration.test_booking_create import WEDNESDAY
from tests.reliability.http import api_event, invoke, scheduled
from tests.reliability.test_crash_recovery import with_a_reminder_an_hour_before
from tests.support.seeds import COMPANY_ID, CONSULT_ID, RW_KEY, booking_id
from tools.sam_template import load_template

CALLER = "+61412340000"  # the phone of seeded booking 0


@pytest.fixture
def json_logs(monkeypatch) -> Iterator[io.StringIO]:
    """The package's JSON log output at INFO, as CloudWatch Logs would receive it."""
    handler = observability.logger().logger_handler
    package = logging.getLogger("scheduling")
    buffer = io.StringIO()
    old_stream, old_level = handler.setStream(buffer), package.level
    package.setLevel(logging.INFO)
    yield buffer
    handler.setStream(old_stream)
    package.setLevel(old_level)


def lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def create(body_overrides: dict | None = None, request_id: str | None = None) -> dict:
    body = {"event_type_id": CONSULT_ID, "date": WEDNESDAY.isoformat(), "time": "10:00",
            "timezone": "Australia/Sydney", "fullName": "Nora Quill", "email": "nora.quill@example.com",
            "phone": "0412 999 888", "attendees": [{"email": "guest.person@example.org", "name": "Gus Guest"}],
            **(body_overrides or {})}
    return invoke("create_booking", api_event("POST", "/v1/scheduling-bookings", "/v1/scheduling-bookings",
                                              key=RW_KEY, body=body, request_id=request_id))


def voice(tool: str, resource: str, path: str, args: dict, **path_parameters: str) -> dict:
    body = {"call": {"call_id": f"call-{tool}", "from_number": CALLER}, "args": args}
    return invoke(tool, api_event("POST", resource, path, key=RW_KEY, body=body,
                                  path_parameters=path_parameters or None))


def test_create_cancel_and_voice_flows_log_json_without_emails_phones_names_or_keys(workspace, json_logs,
                                                                                    monkeypatch):
    # Given work that makes the code log: a reminder whose email provider is down, and a crash
    with_a_reminder_an_hour_before(("email", "sms"))
    created = json.loads(create()["body"])["data"]["booking"]
    cancel_path = f"/v1/scheduling-bookings/{created['id']}/cancel"
    invoke("cancel_booking", api_event("POST", "/v1/scheduling-bookings/{id}/cancel", cancel_path, key=RW_KEY,
                                       body={"cancellation_reason": "Call me on 0412 999 888"},
                                       path_parameters={"id": created["id"]}))
    other = json.loads(create({"time": "11:00"})["body"])["data"]["booking"]
    OUTBOX.fail_next("email", None)
    OUTBOX.fail_next("sms", None)
    stored = wiring.bookings().get(COMPANY_ID, other["id"])
    invoke("job_send_reminders", scheduled((stored.starts_at - timedelta(minutes=60)).isoformat()))
    OUTBOX.stop_failing()
    voice_slots = f"/v1/scheduling/voice/{CONSULT_ID}/slots"
    voice("voice_slots", "/v1/scheduling/voice/{event_type_id}/slots", voice_slots,
          {"preferred_day": "next week"}, event_type_id=CONSULT_ID)
    voice("voice_book", "/v1/scheduling/voice/{event_type_id}/book", f"/v1/scheduling/voice/{CONSULT_ID}/book",
          {"slot": f"{WEDNESDAY.isoformat()} 13:00", "name": "Vera Voice", "email": "vera.voice@example.net"},
          event_type_id=CONSULT_ID)
    voice("voice_cancel_booking", "/v1/scheduling/voice/cancel-booking", "/v1/scheduling/voice/cancel-booking",
          {"booking_selector": "1", "reason": "Feeling better"})

    def crash(*_args, **_kwargs):
        raise RuntimeError("could not email booker0@example.com at +61412340000 for Booker 0")

    monkeypatch.setattr(side_effects, "perform_all", crash)
    monkeypatch.setattr("scheduling.services.booking_create.perform_all", crash)
    assert create({"time": "14:30"})["statusCode"] == 500

    output = json_logs.getvalue()
    logged = lines(json_logs)
    assert len(logged) >= 8 and any(line["level"] == "WARNING" for line in logged)
    assert any("exception" in line for line in logged)  # the crash was logged with its traceback …
    seeded_pii = ["nora.quill@example.com", "guest.person@example.org", "vera.voice@example.net",
                  "booker0@example.com", "0412 999 888", "+61412999888", CALLER, "Nora Quill", "Gus Guest",
                  "Vera Voice", "Jane Smith", RW_KEY]
    assert [pii for pii in seeded_pii if pii in output] == []  # … and nothing personal or secret anywhere
    assert "[email]" in output and "[phone]" in output


def test_every_log_line_of_a_request_carries_its_request_id_and_company_and_the_last_one_its_outcome(
        workspace, json_logs, dynamo_faults):
    # A lost race makes the create log a line midway ("lost a race … re-reading")
    dynamo_faults.fail("TransactWriteItems", "TransactionCanceledException", times=1,
                       reasons=["ConditionalCheckFailed", "None", "None"])

    create(request_id="req-1234")

    logged = [line for line in lines(json_logs) if line.get("request_id") == "req-1234"]
    assert len(logged) >= 2 and all(line["correlation_id"] == "req-1234" for line in logged)
    assert all(line["company_id"] == COMPANY_ID for line in logged)
    done = logged[-1]
    assert (done["message"], done["status"], done["route"]) == ("request done", 201, "POST /v1/scheduling-bookings")
    assert done["service"] == "scheduling" and done["duration_ms"] > 0


def test_a_request_refused_before_authentication_logs_no_company_and_no_stale_context(workspace, json_logs):
    create(request_id="req-first")
    invoke("get_booking", api_event("GET", "/v1/scheduling-bookings/{id}", f"/v1/scheduling-bookings/{booking_id(0)}",
                                    key="tp_live_wrongkey123", path_parameters={"id": booking_id(0)},
                                    request_id="req-second"))

    [done] = [line for line in lines(json_logs) if line.get("request_id") == "req-second"]
    assert done["status"] == 401 and "company_id" not in done
    assert "tp_live_wrongkey123" not in json_logs.getvalue()


@pytest.fixture
def emf(monkeypatch, capsys):
    """EMF metric lines written during the test, as {metric name: [values]}."""
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    capsys.readouterr()

    def read() -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        for line in capsys.readouterr().out.splitlines():
            if line.startswith("{") and '"_aws"' in line:
                document = json.loads(line)
                for metric in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                    value = document[metric["Name"]]
                    found.setdefault(metric["Name"], []).extend(value if isinstance(value, list) else [value])
        return found

    return read


def test_bookings_created_and_slot_answers_are_counted(workspace, emf):
    assert create()["statusCode"] == 201
    assert create()["statusCode"] == 409  # the same time again: SLOT_UNAVAILABLE

    metrics = emf()
    assert metrics["BookingsCreated"] == [1.0]
    assert metrics["SlotUnavailable"] == [1.0]


def test_a_booking_transaction_that_loses_a_race_counts_a_slot_conflict(workspace, emf, dynamo_faults):
    dynamo_faults.fail("TransactWriteItems", "TransactionCanceledException", times=1,
                       reasons=["None", "ConditionalCheckFailed", "None"])

    assert create()["statusCode"] == 201  # re-read and committed on the next try

    metrics = emf()
    assert (metrics["SlotConflicts"], metrics["BookingsCreated"]) == ([1.0], [1.0])


def test_the_jobs_report_the_side_effect_backlog_and_how_late_the_oldest_reminder_is(workspace, emf,
                                                                                     monkeypatch):
    with_a_reminder_an_hour_before()
    OUTBOX.fail_next("calendar.insert")
    created = json.loads(create()["body"])["data"]["booking"]
    stored = wiring.bookings().get(COMPANY_ID, created["id"])
    reminder_due = stored.starts_at - timedelta(minutes=60)
    retry_at = datetime.now(UTC) + timedelta(minutes=3)
    emf()

    # When the jobs run 90 seconds after what they find due was due
    monkeypatch.setattr(observability, "now", lambda: retry_at + timedelta(seconds=90))
    invoke("job_retry_side_effects", scheduled(retry_at.isoformat()))
    monkeypatch.setattr(observability, "now", lambda: reminder_due + timedelta(seconds=90))
    invoke("job_send_reminders", scheduled(reminder_due.isoformat()))

    metrics = emf()
    # … every alarm of the template on our namespace watches a metric these runs wrote
    alarms = [r["Properties"] for r in load_template()["Resources"].values()
              if r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"].get("Namespace") == "Scheduling"]
    assert len(alarms) == 2 and all(a["MetricName"] in metrics for a in alarms)
    assert metrics["SideEffectRetries"] == [1.0]
    # The insert failed inline, so its retry was due 1 minute after booking: 3 min + 90 s - 1 min late.
    assert 210 <= metrics["SideEffectOldestDueSeconds"][0] < 220
    assert (metrics["RemindersDue"], metrics["ReminderLagSeconds"]) == ([1.0], [90.0])


def test_nothing_is_written_to_stdout_when_metrics_are_disabled(workspace, capsys, monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    capsys.readouterr()

    create()

    assert '"_aws"' not in capsys.readouterr().out
