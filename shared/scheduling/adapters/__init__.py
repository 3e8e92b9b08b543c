"""Adapters to the outside world, each behind a small `typing.Protocol` port in its own module.

| module        | port            | real adapter      | local (recording) adapter |
|---------------|-----------------|-------------------|---------------------------|
| calendar.py   | CalendarPort    | GoogleCalendar (google_calendar.py) | LocalCalendar |
| email.py      | EmailPort       | SesEmail          | LocalEmail                |
| sms.py        | SmsPort         | SnsSms            | LocalSms                  |
| notetaker.py  | NotetakerPort   | HttpNotetaker     | LocalNotetaker            |

Local adapters write to `outbox.OUTBOX` (served at `GET /_local/outbox`). Nothing here imports
boto3 or googleapiclient at module import time: those imports happen inside constructors and
factories, so a Lambda that never sends email never pays for them. This package's `__init__`
re-exports nothing for the same reason: import the module you need.
"""
