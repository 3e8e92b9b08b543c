"""Retell retries a tool call it gave up waiting for (2 minutes, twice): answer it once.

The same `call_id` + tool + args is one question. The first attempt claims it with a conditional
put (so two concurrent attempts cannot both act), does the work, and stores its answer for a day;
every later attempt gets that first answer back without booking, cancelling or moving anything.
An attempt that crashes or fails for a passing reason (a 5xx) stores nothing, so the next attempt can try for real;
a claim whose holder died is taken over once its lease (longer than the Lambda timeout) ends.
Requests without a `call_id` (flat bodies) are simply answered.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from scheduling.voice.answers import VoiceAnswer
from scheduling.voice.envelope import VoiceRequest

LEASE_SECONDS = 60  # the functions time out after 15 s
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.25

STILL_WORKING = (
    "STILL WORKING: this exact request is already being processed for this call, and nothing new was done. "
    "Wait a few seconds, then send the same request again to hear the result."
)


def fingerprint(call_id: str, tool: str, args: dict[str, Any]) -> str:
    canonical = json.dumps([call_id, tool, args], sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def answer_once(
    company_id: str,
    request: VoiceRequest,
    tool: str,
    now: datetime,
    act: Callable[[], VoiceAnswer],
    *,
    store: Any = None,
    wait_seconds: float = WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> VoiceAnswer:
    """`act()`'s answer, or the answer an earlier attempt of the same call already gave."""
    if request.call_id is None:
        return act()
    if store is None:
        from scheduling.repositories.voice import voice_repository

        store = voice_repository()
    key = fingerprint(request.call_id, tool, request.args)
    token = uuid.uuid4().hex
    waited = 0.0
    while True:
        now_epoch = int((now + timedelta(seconds=waited)).timestamp())
        if store.claim_call(company_id, key, token, now_epoch, LEASE_SECONDS):
            return _act_and_store(store, company_id, key, token, now_epoch, act)
        earlier = store.get_call(company_id, key)
        if earlier and earlier.get("status") == "done":
            return VoiceAnswer(str(earlier["answer_text"]), int(earlier.get("answer_status") or 200))
        if waited >= wait_seconds:
            return VoiceAnswer(STILL_WORKING)
        sleep(POLL_SECONDS)
        waited += POLL_SECONDS


def _act_and_store(store: Any, company_id: str, key: str, token: str, now_epoch: int,
                   act: Callable[[], VoiceAnswer]) -> VoiceAnswer:
    try:
        answer = act()
    except BaseException:
        store.release_call(company_id, key, token)
        raise
    if not answer.remember or answer.status >= 500:
        store.release_call(company_id, key, token)
    else:
        store.complete_call(company_id, key, token, answer.text, answer.status, now_epoch)
    return answer
