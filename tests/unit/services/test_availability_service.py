"""The availability service on moto: what a snapshot reads, and the slots, reasons, nearest times
and host choices it gives. A fixed workspace and an explicit `now` make every expectation literal.

The week of Monday 3 June 2030 in Sydney (AEST, +10:00, no daylight saving):
    Ann  company hours Mon-Fri 09:00-12:00; Friday 7 June blocked; booked Tue 10:00-10:30
         (Quick Chat) and Thu 10:00-11:00 (Deep Dive, buffers 15/15); calendar busy Wed 09:30-10:00
    Ben  own hours Mon and Tue 10:00-12:00
    Uma  own hours Saturdays 15:00-17:30 UTC (Sydney's night of the April fall-back)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.errors import DomainError
from scheduling.services import availability as av
from scheduling.slots.ranges import TimeRange

SYDNEY = ZoneInfo("Australia/Sydney")
COMPANY = "c0ffee00-0000-4000-8000-000000000001"
ANN, BEN, UMA = (f"a0000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))
QUICK, DEEP, TEAM, NIGHT = (f"e0000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3, 4))
NOW = datetime(2030, 6, 3, 8, 0, tzinfo=SYDNEY)  # Monday 08:00
READ_KEY = "tp_test_coastal_read"


def at(day: int, hh: int, mm: int = 0) -> datetime:
    """An instant in the week of 3 June 2030, Sydney wall clock (day 3 = Monday 3 June)."""
    return datetime(2030, 6, day, hh, mm, tzinfo=SYDNEY)


def hhmm(slots) -> list[str]:
    return [s.start.astimezone(SYDNEY).strftime("%a %H:%M") for s in slots]


def seed() -> dict:
    weekdays = [{"day": d, "start": "09:00", "end": "12:00"} for d in range(1, 6)]
    return {"companies": [{
        "id": COMPANY, "slug": "coastal", "name": "Coastal Clinic", "timezone": "Australia/Sydney",
        "api_keys": [{"key": READ_KEY, "scopes": ["company:read"]}],
        "availability": {"timezone": "Australia/Sydney", "weekly_hours": weekdays,
                         "date_overrides": [{"date": "2030-06-07", "type": "blocked"}]},
        "users": [
            {"id": ANN, "name": "Ann", "email": "ann@coastal.example"},
            {"id": BEN, "name": "Ben", "email": "ben@coastal.example",
             "availability": {"timezone": "Australia/Sydney", "weekly_hours": [
                 {"day": 1, "start": "10:00", "end": "12:00"}, {"day": 2, "start": "10:00", "end": "12:00"}]}},
            {"id": UMA, "name": "Uma", "email": "uma@coastal.example",
             "availability": {"timezone": "UTC", "weekly_hours": [{"day": 6, "start": "15:00", "end": "17:30"}]}},
        ],
        "event_types": [
            {"id": QUICK, "slug": "quick-chat", "name": "Quick Chat", "default_duration_minutes": 30,
             "booking_assigned_user_ids": [ANN]},
            {"id": DEEP, "slug": "deep-dive", "name": "Deep Dive", "default_duration_minutes": 60,
             "slot_interval_minutes": 30, "buffer_before_minutes": 15, "buffer_after_minutes": 15,
             "min_notice_hours": 2, "max_advance_days": 7, "booking_assigned_user_ids": [ANN, BEN]},
            {"id": TEAM, "slug": "team-review", "name": "Team Review", "default_duration_minutes": 60,
             "scheduling_type": "collective", "booking_assigned_user_ids": [ANN, BEN]},
            {"id": NIGHT, "slug": "night-owl", "name": "Night Owl", "default_duration_minutes": 30,
             "booking_assigned_user_ids": [UMA]},
        ],
        "bookings": [
            {"event_type_id": QUICK, "host_user_ids": [ANN], "starts_at": at(4, 10).isoformat(),
             "booker_name": "Tess", "booker_email": "tess@example.com"},
            {"event_type_id": DEEP, "host_user_ids": [ANN], "starts_at": at(6, 10).isoformat(),
             "booker_name": "Theo", "booker_email": "theo@example.com"},
        ],
    }]}


_seeded_calendar: list[object] = []


@pytest.fixture
def coastal(_local_aws_session):
    """The workspace above. These tests only read, so it is seeded once and kept until another
    test resets moto (which also replaces the calendar adapter): seeding costs ~0.3 s a time."""
    from scheduling.api import app as api_app
    from scheduling.seed import apply_seed, plan_seed
    from tools import local_aws

    if _seeded_calendar[-1:] == [wiring.calendar()] and wiring.companies().get(COMPANY) is not None:
        OUTBOX.clear()
        return
    local_aws.reset()
    api_app.reset_authenticator()
    apply_seed(plan_seed(seed(), NOW), wiring.companies(), wiring.bookings())
    wiring.calendar().add_busy("ann@coastal.example", [TimeRange.utc(at(5, 9, 30), at(5, 10))])
    _seeded_calendar.append(wiring.calendar())


def config():
    return wiring.companies().load_config(COMPANY)


def event_type(event_type_id: str):
    return wiring.companies().get_event_type(COMPANY, event_type_id)


def snapshot(event_type_id: str, first: int = 3, last: int = 7, now: datetime = NOW) -> av.AvailabilitySnapshot:
    window = TimeRange.utc(at(first, 0), at(last, 0) + timedelta(days=1))
    return av.load_snapshot(config(), event_type(event_type_id), window, now)


# ── slots ──────────────────────────────────────────────────────────────────────────────────


def test_a_host_is_offered_every_free_half_hour_around_a_booking_and_calendar_busy_time(coastal):
    quick = snapshot(QUICK)
    assert hhmm(av.slots(quick, TimeRange.utc(at(4, 0), at(6, 0)))) == [
        "Tue 09:00", "Tue 09:30", "Tue 10:30", "Tue 11:00", "Tue 11:30",  # 10:00 is booked
        "Wed 09:00", "Wed 10:00", "Wed 10:30", "Wed 11:00", "Wed 11:30",  # 09:30 is busy in Google
    ]


def test_the_buffers_of_an_existing_booking_keep_the_times_next_to_it_free(coastal):
    # Ann's Thursday Deep Dive is 10:00-11:00 with 15 minutes either side: 09:45-11:15 is taken.
    quick = snapshot(QUICK)
    assert hhmm(av.slots(quick, TimeRange.utc(at(6, 0), at(7, 0)))) == ["Thu 09:00", "Thu 11:30"]


def test_round_robin_offers_a_time_when_any_host_is_free_and_names_the_free_hosts(coastal):
    deep = snapshot(DEEP)
    tuesday = av.slots(deep, TimeRange.utc(at(4, 0), at(5, 0)))
    assert [(s.start.astimezone(SYDNEY).strftime("%H:%M"), s.host_ids) for s in tuesday] == [
        ("10:00", (BEN,)), ("10:30", (BEN,)), ("11:00", (ANN, BEN)),
    ]


def test_collective_offers_only_times_when_every_host_is_free(coastal):
    monday_and_tuesday = av.slots(snapshot(TEAM), TimeRange.utc(at(3, 0), at(5, 0)))
    assert hhmm(monday_and_tuesday) == ["Mon 10:00", "Mon 11:00", "Tue 11:00"]
    assert {s.host_ids for s in monday_and_tuesday} == {(ANN, BEN)}


# ── what a snapshot reads ────────────────────────────────────────────────────────────────────


def test_a_snapshot_reads_one_ledger_query_per_host_and_asks_the_calendar_once(coastal, monkeypatch):
    deep = event_type(DEEP)
    calls: list[str] = []
    events = wiring.table().meta.client.meta.events
    events.register("before-call.dynamodb", count := lambda model, **_: calls.append(model.name))
    calendar = wiring.calendar()
    asked: list[list[tuple[str, str]]] = []
    original = calendar.busy
    monkeypatch.setattr(calendar, "busy", lambda refs, window: asked.append(list(refs)) or original(refs, window))
    try:
        av.load_snapshot(config(), deep, TimeRange.utc(at(3, 0), at(10, 0)), NOW)
    finally:
        events.unregister("before-call.dynamodb", count)

    # the configuration (company, users, default hours, event types), then one ledger query each for Ann and Ben
    assert calls == ["Query", "Query", "Query"]
    assert asked == [[("google", "ann@coastal.example"), ("google", "ben@coastal.example")]]


def test_the_snapshot_keeps_the_ledger_days_a_booking_must_be_guarded_by(coastal):
    quick = snapshot(QUICK)
    tuesday_utc = date(2030, 6, 4)  # Tue 10:00 AEST is 00:00 UTC the same date
    guard = av.ledger_guard(quick, [ANN], TimeRange.utc(at(4, 10, 30), at(4, 11)))
    assert [(g.user_id, g.day, g.version, sorted(r.start for r in g.ranges.values())) for g in guard] == [
        (ANN, tuesday_utc, 1, [at(4, 10).astimezone(UTC)]),
    ]


def test_a_calendar_outage_fails_closed_with_calendar_unavailable_and_the_next_request_recovers(coastal):
    OUTBOX.fail_next("calendar.busy")
    with pytest.raises(DomainError) as failure:
        snapshot(QUICK)
    assert (failure.value.code, failure.value.status) == ("CALENDAR_UNAVAILABLE", 503)
    assert failure.value.details["provider"] == "google_calendar"
    assert hhmm(av.slots(snapshot(QUICK), TimeRange.utc(at(4, 0), at(4, 10))))[:1] == ["Tue 09:00"]


# ── why not ─────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("event_type_id", "asked", "reason"), [
    (QUICK, at(4, 9, 30), None),
    (QUICK, at(3, 7), "in_the_past"),
    (DEEP, at(3, 9), "too_soon"),  # 2 hours' notice from Monday 08:00
    (DEEP, at(11, 10), "beyond_horizon"),  # 7 days ahead at most: Monday 10 June
    (QUICK, at(4, 13), "outside_hours"),
    (DEEP, at(4, 11, 30), "outside_hours"),  # 11:30-12:30 runs past both hosts' noon
    (QUICK, at(7, 9), "date_blocked"),
    (QUICK, at(4, 9, 15), "not_on_grid"),
    (QUICK, at(5, 9, 30), "busy"),
    (QUICK, at(4, 10), "booked"),
    (QUICK, at(6, 9, 30), "booked"),  # inside the buffer of Thursday's Deep Dive
    (TEAM, at(4, 10), "booked"),  # collective: Ann (first host) is booked, Ben is free
])
def test_explain_gives_the_contract_reason_a_time_is_not_a_slot(coastal, event_type_id, asked, reason):
    assert av.explain(snapshot(event_type_id, 3, 11), asked) == reason


def test_a_local_time_skipped_by_daylight_saving_is_explained_as_nonexistent(coastal):
    spring_forward = av.requested_time(date(2030, 10, 6), time(2, 30), SYDNEY)
    assert spring_forward.nonexistent
    assert spring_forward.instant == datetime(2030, 10, 5, 16, 0, tzinfo=UTC)  # 03:00 AEDT, the jump
    assert av.explain(snapshot(QUICK), spring_forward) == "nonexistent_local_time"


def test_a_repeated_local_time_means_its_first_occurrence():
    fall_back = av.requested_time(date(2030, 4, 7), time(2, 30), SYDNEY)
    assert (fall_back.instant, fall_back.nonexistent) == (datetime(2030, 4, 6, 15, 30, tzinfo=UTC), False)


def test_explain_agrees_with_the_slot_list_at_every_quarter_hour(coastal):
    for event_type_id in (QUICK, DEEP, TEAM):
        snap = snapshot(event_type_id)
        offered = {s.start for s in av.slots(snap)}
        instant = at(3, 0).astimezone(UTC)
        while instant < at(8, 0):
            assert (av.explain(snap, instant) is None) == (instant in offered), (event_type_id, instant)
            instant += timedelta(minutes=15)


# ── nearest and alternatives ────────────────────────────────────────────────────────────────


def test_nearest_gives_the_closest_free_times_strictly_before_and_after(coastal):
    quick = snapshot(QUICK)
    assert hhmm(av.nearest(quick, at(4, 10))) == ["Tue 09:30", "Tue 10:30"]
    assert hhmm(av.nearest(quick, at(4, 9, 30))) == ["Tue 09:00", "Tue 10:30"]


def test_nothing_is_nearest_before_the_start_of_the_booking_window(coastal):
    before, after = av.nearest(snapshot(QUICK), at(3, 7))
    assert before is None
    assert hhmm([after]) == ["Mon 09:00"]


def test_alternatives_are_the_five_free_times_closest_to_the_asked_one_in_time_order(coastal):
    assert hhmm(av.alternatives(snapshot(QUICK), at(4, 10))) == [
        "Tue 09:00", "Tue 09:30", "Tue 10:30", "Tue 11:00", "Tue 11:30",
    ]


def test_a_listing_in_a_zone_falling_back_leaves_out_the_second_pass_of_the_repeated_hour(coastal):
    # Uma works 15:00-17:30 UTC on Saturday 6 April 2030: in Sydney 02:00 AEDT, 02:30 AEDT, then the
    # clocks go back and 02:00 and 02:30 come again (AEST), then 03:00 AEST.
    night = av.load_snapshot(config(), event_type(NIGHT), TimeRange.utc(
        datetime(2030, 4, 6, tzinfo=UTC), datetime(2030, 4, 7, tzinfo=UTC)),
        datetime(2030, 4, 1, tzinfo=UTC))
    assert len(av.slots(night)) == 5
    named = av.nameable(av.slots(night), SYDNEY)
    assert [s.start.astimezone(SYDNEY).isoformat() for s in named] == [
        "2030-04-07T02:00:00+11:00", "2030-04-07T02:30:00+11:00", "2030-04-07T03:00:00+10:00",
    ]


# ── round robin ─────────────────────────────────────────────────────────────────────────────


def test_round_robin_gives_the_slot_to_the_free_host_with_fewest_bookings_that_week(coastal):
    deep = snapshot(DEEP, 3, 11)
    tuesday_eleven = av.slot_at(deep, at(4, 11).astimezone(UTC))
    assert tuesday_eleven.host_ids == (ANN, BEN)
    assert av.weekly_booking_counts(deep, tuesday_eleven.start) == {ANN: 2, BEN: 0}
    assert av.pick_host(deep, tuesday_eleven) == BEN
    assert av.booking_hosts(deep, tuesday_eleven) == [BEN]


def test_round_robin_breaks_a_tie_by_the_event_types_host_order(coastal):
    # Monday 10 June: a new week, nobody has bookings yet.
    deep = snapshot(DEEP, 3, 11)
    next_monday = av.slot_at(deep, at(10, 10).astimezone(UTC))
    assert av.weekly_booking_counts(deep, next_monday.start) == {ANN: 0, BEN: 0}
    assert av.pick_host(deep, next_monday) == ANN


def test_a_collective_booking_goes_to_every_host(coastal):
    team = snapshot(TEAM)
    assert av.booking_hosts(team, av.slot_at(team, at(4, 11).astimezone(UTC))) == [ANN, BEN]


# ── the endpoints, in-process ───────────────────────────────────────────────────────────────


def test_when_google_calendar_is_down_both_endpoints_answer_503_calendar_unavailable(coastal):
    import json

    from tools.local_server import LocalContext
    from tools.sam_template import handler_module

    for function, path, body in (
        ("check_availability", "/v1/scheduling-bookings/check-availability",
         {"event_type_slug": "quick-chat", "date": "2030-06-04", "time": "09:00"}),
        ("list_available_slots", "/v1/scheduling-bookings/available-slots", {"event_type_slug": "quick-chat"}),
    ):
        OUTBOX.fail_next("calendar.busy")
        event = {
            "resource": path, "path": path, "httpMethod": "POST",
            "headers": {"Authorization": f"Bearer {READ_KEY}", "Content-Type": "application/json"},
            "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "pathParameters": None, "stageVariables": None, "isBase64Encoded": False, "body": json.dumps(body),
            "requestContext": {"requestId": "r-1", "stage": "live", "resourcePath": path, "httpMethod": "POST",
                               "path": "/live" + path, "identity": {"sourceIp": "127.0.0.1"}},
        }
        result = handler_module(function).lambda_handler(event, LocalContext())
        envelope = json.loads(result["body"])["error"]
        assert (result["statusCode"], envelope["code"]) == (503, "CALENDAR_UNAVAILABLE"), function
        assert envelope["fix"]


def test_both_endpoints_document_their_bodies_answers_and_errors_in_openapi():
    import json

    from scheduling.api.app import build_app
    from scheduling.api.routes import available_slots, check_availability

    spec = json.loads(build_app(check_availability.router, available_slots.router).get_openapi_json_schema())
    for path, fields in (("/scheduling-bookings/check-availability", "CheckAvailabilityData"),
                         ("/scheduling-bookings/available-slots", "AvailableSlotsData")):
        operation = spec["paths"][path]["post"]
        assert {"200", "400", "401", "403", "404", "503"} <= set(operation["responses"]), path
        assert operation["requestBody"]["content"]["application/json"]["schema"]
        assert fields in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["CheckAvailabilityData"]["properties"]) == {
        "available", "slot", "reason", "nearest_before", "nearest_after", "hint"}
