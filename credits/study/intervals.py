"""Arithmetic on media intervals (seconds into a recording). Pure functions, no database.

An interval list is kept normalised: sorted, non-overlapping, non-touching, each start < end.
"""

from collections.abc import Iterable

Interval = tuple[float, float]


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    spans = sorted((float(s), float(e)) for s, e in intervals if e > s)
    merged: list[Interval] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _is_normal(intervals) -> bool:
    """Already a normalised list of float tuples (what normalise returns), checked without
    copying: a learner's stored watch history usually is, and can be long."""
    if not isinstance(intervals, list):
        return False
    previous_end = None
    for span in intervals:
        if type(span) is not tuple or len(span) != 2:
            return False
        start, end = span
        if type(start) is not float or type(end) is not float or not start < end:
            return False
        if previous_end is not None and not previous_end < start:
            return False
        previous_end = end
    return True


def from_stored(stored: list) -> list[Interval]:
    """A stored watch history (JSON arrays) as intervals, turned into tuples in place so a long
    history is never held twice; normalised if it somehow was not."""
    for index, (start, end) in enumerate(stored):
        stored[index] = (float(start), float(end))
    return _normal(stored)


def _normal(intervals) -> list[Interval]:
    return intervals if _is_normal(intervals) else normalise(intervals)


def clip(intervals: Iterable[Interval], duration: float) -> list[Interval]:
    """Keep only what lies within [0, duration]."""
    return normalise((max(0.0, s), min(duration, e)) for s, e in intervals)


def total(intervals: Iterable[Interval]) -> float:
    return sum(e - s for s, e in intervals)


def union(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """Both merged, keeping the tuples of spans that no other span touches."""
    a, b = _normal(a), _normal(b)
    merged: list[Interval] = []
    i = j = 0
    while i < len(a) or j < len(b):
        if j >= len(b) or (i < len(a) and a[i][0] <= b[j][0]):
            span, i = a[i], i + 1
        else:
            span, j = b[j], j + 1
        if merged and span[0] <= merged[-1][1]:
            if span[1] > merged[-1][1]:
                merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def subtract(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """What of `a` is not covered by `b`."""
    result: list[Interval] = []
    cuts = _normal(b)
    for start, end in _normal(a):
        cursor = start
        for cut_start, cut_end in cuts:
            if cut_end <= cursor or cut_start >= end:
                continue
            if cut_start > cursor:
                result.append((cursor, cut_start))
            cursor = max(cursor, cut_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def take(intervals: Iterable[Interval], seconds: float) -> tuple[list[Interval], list[Interval]]:
    """Split off the first `seconds` of media time: (taken, left over), in media order."""
    taken: list[Interval] = []
    rest: list[Interval] = []
    budget = max(0.0, seconds)
    for start, end in normalise(intervals):
        length = end - start
        if budget >= length:
            taken.append((start, end))
            budget -= length
        elif budget > 0:
            taken.append((start, start + budget))
            rest.append((start + budget, end))
            budget = 0.0
        else:
            rest.append((start, end))
    return taken, rest
