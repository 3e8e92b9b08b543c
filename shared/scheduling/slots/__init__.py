"""The pure slot engine: rules, working hours and busy time in; bookable slots out.

    compute_slots / find_slot / bookable_range / pick_round_robin_host   engine.py
    explain_unavailable / nearest_slots / alternative_slots / slot_at    explain.py
    SlotRules, WeeklyWindow, DateOverride, HostAvailability, HostCalendar, Slot   inputs.py
    TimeRange and the range operations (merge, subtract, intersect, clip)          ranges.py
    local hours → UTC spans, by day                                                windows.py

No I/O, no clock, no environment: `now` is always an argument.
"""

from scheduling.slots.engine import bookable_range, compute_slots, find_slot, pick_round_robin_host
from scheduling.slots.explain import alternative_slots, explain_unavailable, nearest_slots, slot_at
from scheduling.slots.inputs import (
    DateOverride,
    HostAvailability,
    HostCalendar,
    Slot,
    SlotRules,
    WeeklyWindow,
)
from scheduling.slots.ranges import TimeRange

__all__ = [
    "DateOverride",
    "HostAvailability",
    "HostCalendar",
    "Slot",
    "SlotRules",
    "TimeRange",
    "WeeklyWindow",
    "alternative_slots",
    "bookable_range",
    "compute_slots",
    "explain_unavailable",
    "find_slot",
    "nearest_slots",
    "pick_round_robin_host",
    "slot_at",
]
