"""Half-open UTC time ranges and the small operations the slot engine is built from."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import attrgetter, itemgetter


@dataclass(frozen=True, slots=True, order=True)
class TimeRange:
    """[start, end) with both ends timezone-aware; kept in UTC inside the engine."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("TimeRange needs timezone-aware datetimes")
        if self.end < self.start:
            raise ValueError(f"TimeRange ends before it starts: {self.start} > {self.end}")

    @classmethod
    def utc(cls, start: datetime, end: datetime) -> TimeRange:
        return cls(start.astimezone(UTC), end.astimezone(UTC))

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: TimeRange) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: TimeRange) -> bool:
        return self.start <= other.start and other.end <= self.end

    def widen(self, before: timedelta, after: timedelta) -> TimeRange:
        return TimeRange(self.start - before, self.end + after)


# ── operations ─────────────────────────────────────────────────────────────────────────────
# The engine's hot path works on plain (start, end) tuples ("spans") so that a 1,000-range
# calendar is not copied into 1,000 new objects per request; the TimeRange versions below wrap
# the same functions for everyone else.

Span = tuple[datetime, datetime]
_ZERO = timedelta(0)


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sorted, disjoint spans covering the same instants; overlapping or touching ones are joined,
    empty ones dropped."""
    return _merge_sorted(sorted(spans, key=itemgetter(0)))


def merge_widened(ranges: Iterable[TimeRange], before: timedelta = _ZERO, after: timedelta = _ZERO) -> list[Span]:
    """`ranges` each widened to [start − before, end + after), merged into sorted disjoint spans.

    Empty ranges are dropped before widening: they hold no time, so they block nothing.
    Reads the ranges in place (no intermediate span per range): this is the engine's hottest loop.
    """
    ordered = iter(sorted(ranges, key=attrgetter("start")))  # by start only: cheaper than by range
    for first in ordered:
        if first.start < first.end:
            break
    else:
        return []
    widen = bool(before or after)  # widening every range by the same amounts keeps them sorted
    current_start, current_end = (first.start - before, first.end + after) if widen else (first.start, first.end)
    merged: list[Span] = []
    for r in ordered:
        start, end = r.start, r.end
        if end <= start:
            continue
        if widen:
            start, end = start - before, end + after
        if start <= current_end:
            if end > current_end:
                current_end = end
        else:
            merged.append((current_start, current_end))
            current_start, current_end = start, end
    merged.append((current_start, current_end))
    return merged


def _merge_sorted(spans: Iterable[Span]) -> list[Span]:
    """Merge spans already sorted by start (one pass; the current span is kept in locals)."""
    remaining = iter(spans)
    for current_start, current_end in remaining:
        if current_start < current_end:
            break
    else:
        return []
    merged: list[Span] = []
    for start, end in remaining:
        if end <= start:
            continue
        if start <= current_end:
            if end > current_end:
                current_end = end
        else:
            merged.append((current_start, current_end))
            current_start, current_end = start, end
    merged.append((current_start, current_end))
    return merged


def subtract_spans(base: Span, cuts: Sequence[Span], cut_ends: Sequence[datetime] | None = None) -> list[Span]:
    """`base` minus `cuts` (sorted and disjoint, as from `merge_spans`), as disjoint spans.

    Pass `cut_ends = [end for _, end in cuts]` when subtracting the same cuts from many bases:
    the first relevant cut is then found by bisection instead of a scan.
    """
    start, end = base
    ends = cut_ends if cut_ends is not None else [cut_end for _, cut_end in cuts]
    pieces: list[Span] = []
    for index in range(bisect_right(ends, start), len(cuts)):
        cut_start, cut_end = cuts[index]
        if cut_start >= end:
            break
        if cut_start > start:
            pieces.append((start, cut_start))
        start = cut_end
    if start < end:
        pieces.append((start, end))
    return pieces


def intersect_spans(first: Sequence[Span], second: Sequence[Span]) -> list[Span]:
    """Instants in both; each input sorted and disjoint."""
    result: list[Span] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start < end:
            result.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return result


def clip_span(span: Span, bounds: Span) -> Span | None:
    """The part of `span` inside `bounds`, or None when they do not overlap."""
    start, end = max(span[0], bounds[0]), min(span[1], bounds[1])
    return (start, end) if start < end else None


def merge(ranges: Iterable[TimeRange]) -> list[TimeRange]:
    return [TimeRange(start, end) for start, end in merge_widened(ranges)]


def subtract(base: TimeRange, cuts: Iterable[TimeRange]) -> list[TimeRange]:
    merged = merge_spans((r.start, r.end) for r in cuts)
    return [TimeRange(start, end) for start, end in subtract_spans((base.start, base.end), merged)]


def intersect(first: Iterable[TimeRange], second: Iterable[TimeRange]) -> list[TimeRange]:
    both = intersect_spans(merge_spans((r.start, r.end) for r in first), merge_spans((r.start, r.end) for r in second))
    return [TimeRange(start, end) for start, end in both]


def clip(ranges: Iterable[TimeRange], bounds: TimeRange) -> list[TimeRange]:
    """Each range cut to `bounds`; ranges outside it are left out."""
    clipped = (clip_span((r.start, r.end), (bounds.start, bounds.end)) for r in ranges)
    return [TimeRange(*span) for span in clipped if span]
