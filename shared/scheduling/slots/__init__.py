"""The pure slot engine: rules, working hours and busy time in; bookable slots out.

    compute_slots / find_slot / bookable_range / pick_round_robin_host   engine.py
    explain_unavailable / nearest_slots / alternative_slots / slot_at    explain.py
    SlotRules, WeeklyWindow, DateOverride, HostAvailability, HostCalendar, Slot   inputs.py
    TimeRange and the range operations (merge, subtract, intersect, clip)          ranges.py
    local hours → UTC spans, by day                                                windows.py

No I/O, no clock, no environment: `now` is always an argument. Import from the modules above:
this package re-exports nothing, so a function that needs only `ranges` does not load the engine.
"""
