"""Answer-once for Retell retries, on the DynamoDB store: concurrent attempts cannot both act."""

from __future__ import annotations

import pytest
from voice_fixtures import COMPANY_ID, NOW

from scheduling.repositories.voice import voice_repository
from scheduling.voice.answers import VoiceAnswer
from scheduling.voice.envelope import VoiceRequest
from scheduling.voice.retries import STILL_WORKING, answer_once, fingerprint

REQUEST = VoiceRequest(args={"slot": "2026-04-27 09:00", "name": "Sarah"}, call={"call_id": "call_9"})


def test_while_the_first_attempt_works_a_concurrent_retry_does_nothing_and_says_so(aws):
    store = voice_repository()
    key = fingerprint("call_9", "book", REQUEST.args)
    assert store.claim_call(COMPANY_ID, key, "first-attempt", int(NOW.timestamp()), 60)
    acted = []
    answer = answer_once(COMPANY_ID, REQUEST, "book", NOW, lambda: acted.append(1) or VoiceAnswer("Booked!"),
                         wait_seconds=0, sleep=lambda s: None)
    assert (answer.text, acted) == (STILL_WORKING, [])
    # The first attempt finishes: from now on every retry hears its answer.
    store.complete_call(COMPANY_ID, key, "first-attempt", "Booked! first", 200, int(NOW.timestamp()))
    again = answer_once(COMPANY_ID, REQUEST, "book", NOW, lambda: acted.append(1) or VoiceAnswer("Booked!"))
    assert (again.text, acted) == ("Booked! first", [])


def test_a_retry_waiting_for_the_first_attempt_gets_its_answer_when_it_lands(aws):
    store = voice_repository()
    key = fingerprint("call_9", "book", REQUEST.args)
    store.claim_call(COMPANY_ID, key, "first-attempt", int(NOW.timestamp()), 60)

    def first_attempt_finishes(_seconds):
        store.complete_call(COMPANY_ID, key, "first-attempt", "Booked! first", 200, int(NOW.timestamp()))

    answer = answer_once(COMPANY_ID, REQUEST, "book", NOW, lambda: VoiceAnswer("second"), sleep=first_attempt_finishes)
    assert answer.text == "Booked! first"


def test_an_attempt_that_crashed_leaves_nothing_behind_so_the_retry_really_tries(aws):
    def crash():
        raise RuntimeError("lost the connection")

    with pytest.raises(RuntimeError):
        answer_once(COMPANY_ID, REQUEST, "book", NOW, crash)
    assert answer_once(COMPANY_ID, REQUEST, "book", NOW, lambda: VoiceAnswer("Booked! now")).text == "Booked! now"


def test_a_temporary_failure_is_not_repeated_to_the_retry(aws):
    answer_once(COMPANY_ID, REQUEST, "book", NOW, lambda: VoiceAnswer("**BOOKING FAILED: busy**", remember=False))
    assert answer_once(COMPANY_ID, REQUEST, "book", NOW, lambda: VoiceAnswer("Booked! now")).text == "Booked! now"


def test_a_claim_whose_holder_died_is_taken_over_after_its_lease(aws):
    store = voice_repository()
    key = fingerprint("call_9", "book", REQUEST.args)
    store.claim_call(COMPANY_ID, key, "dead-attempt", int(NOW.timestamp()) - 120, 60)
    assert answer_once(COMPANY_ID, REQUEST, "book", NOW, lambda: VoiceAnswer("Booked! now")).text == "Booked! now"


def test_other_args_or_another_tool_are_other_questions():
    base = fingerprint("call_9", "book", {"slot": "2026-04-27 09:00"})
    assert base == fingerprint("call_9", "book", {"slot": "2026-04-27 09:00"})
    assert base != fingerprint("call_9", "book", {"slot": "2026-04-27 09:30"})
    assert base != fingerprint("call_9", "cancel-booking", {"slot": "2026-04-27 09:00"})
    assert base != fingerprint("call_10", "book", {"slot": "2026-04-27 09:00"})
