from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from scheduling.seed import SeedError, plan_seed
from tests.support.seeds import CONSULT_ID, standard_seed

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _broken(mutate) -> dict:
    seed = copy.deepcopy(standard_seed())
    mutate(seed)
    return seed


def test_a_valid_seed_keeps_given_ids_and_fills_event_type_defaults():
    plan = plan_seed(standard_seed(), NOW)
    consult = next(e for e in plan.companies[0].event_types if e.id == CONSULT_ID)
    assert consult.slot_interval_minutes is None and consult.interval_minutes == 30
    assert consult.max_advance_days == 60 and consult.location == "google_meet"
    assert len(plan.bookings) == 7
    first = plan.bookings[0]
    assert first.event_type_id == CONSULT_ID
    assert (first.ends_at - first.starts_at).total_seconds() == 30 * 60
    assert first.management_token_expires_at == first.ends_at + timedelta(hours=24)


def test_a_seeded_event_type_may_hold_its_voice_offers():
    seed = _broken(lambda s: s["companies"][0]["event_types"][0].update(hold_offered_slot_seconds=120))
    plan = plan_seed(seed, NOW)
    assert plan.companies[0].event_types[0].hold_offered_slot_seconds == 120
    assert all(e.hold_offered_slot_seconds is None for e in plan_seed(standard_seed(), NOW).companies[0].event_types)


def test_a_seeded_booking_may_fix_its_manage_page_token_and_the_others_get_their_own():
    token = "0f3c2a9e-1b7d-4c55-8e21-6a0d9b4f7c13"
    plan = plan_seed(_broken(lambda s: s["companies"][0]["bookings"][0].update(management_token=token)), NOW)
    tokens = [b.management_token for b in plan.bookings]
    assert tokens[0] == token
    assert len(set(tokens)) == len(tokens) and None not in tokens


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s["companies"][0]["event_types"][1].update(default_duration_minutes=0),
         "companies[0].event_types[1].default_duration_minutes"),
        (lambda s: s["companies"][0]["event_types"][0].update(hosts=["nobody@example.com"]),
         "companies[0].event_types[0].hosts[0]"),
        (lambda s: s["companies"][0]["users"][1].update(availability={"timezone": "Mars/Olympus"}),
         "Mars/Olympus"),
        (lambda s: s["companies"][0]["bookings"][2].update(event_type_id="missing"),
         "companies[0].bookings[2].event_type_id"),
        (lambda s: s["companies"][1].pop("name"), "companies[1].name"),
        (lambda s: s["companies"][0]["api_keys"][0].update(scopes=["everything"]),
         "companies[0].api_keys[0].scopes[0]"),
        (lambda s: s["companies"][0]["event_types"][0].update(hold_offered_slot_seconds=901),
         "companies[0].event_types[0].hold_offered_slot_seconds"),
        (lambda s: s["companies"][0]["bookings"][0].update(management_token="guessable"),
         "companies[0].bookings[0].management_token"),
    ],
)
def test_an_invalid_seed_fails_with_the_path_of_the_bad_value(mutate, message):
    with pytest.raises(SeedError) as raised:
        plan_seed(_broken(mutate), NOW)
    assert message in str(raised.value)
