"""Calendar arithmetic for cycles: pure functions, no database."""

import datetime as dt
from collections.abc import Iterator


def parse_weekdays(text: str) -> frozenset[int]:
    """'024' -> {0, 2, 4}: Monday is 0, as in Python's date.weekday()."""
    return frozenset(int(ch) for ch in text if ch.isdigit() and int(ch) < 7)


def session_dates(start: dt.date, weekdays: frozenset[int], count: int) -> list[dt.date]:
    """The first `count` dates on or after `start` that fall on one of `weekdays`."""
    if not weekdays or count <= 0:
        return []
    dates: list[dt.date] = []
    day = start
    while len(dates) < count:
        if day.weekday() in weekdays:
            dates.append(day)
        day += dt.timedelta(days=1)
    return dates


def cycles_from(
    start: dt.date, weekdays: frozenset[int], lessons: int, gap_days: int
) -> Iterator[list[dt.date]]:
    """Endless cycles, each a list of session dates, each starting after the last one ends."""
    while True:
        dates = session_dates(start, weekdays, lessons)
        if not dates:
            return
        yield dates
        start = dates[-1] + dt.timedelta(days=1 + gap_days)
