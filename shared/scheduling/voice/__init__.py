"""Retell voice tools: parse what the agent sends, render what it should say (contract §5).

    envelope.py     flat body or Retell's {call, name, args}; unfilled {{…}} variables refused
    signature.py    X-Retell-Signature (v=<ms>,d=<hex>) HMAC-SHA256 check, 5-minute skew
    preferences.py  preferred_day / preferred_time → local date range and time filter
    phones.py       E.164 or the company's local format → E.164
    texts.py        every literal text and layout the agent reads out
    answers.py      domain errors → failure texts (one mapping, like api/ maps them to JSON)

Nothing here touches storage or the clock; the flows live in `scheduling.services.voice_*`.
"""
