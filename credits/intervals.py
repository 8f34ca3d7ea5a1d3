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


def clip(intervals: Iterable[Interval], duration: float) -> list[Interval]:
    """Keep only what lies within [0, duration]."""
    return normalise((max(0.0, s), min(duration, e)) for s, e in intervals)


def total(intervals: Iterable[Interval]) -> float:
    return sum(e - s for s, e in intervals)


def union(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    return normalise([*a, *b])


def subtract(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """What of `a` is not covered by `b`."""
    result: list[Interval] = []
    cuts = normalise(b)
    for start, end in normalise(a):
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
