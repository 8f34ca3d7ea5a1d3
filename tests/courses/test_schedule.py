import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from courses.schedule import cycles_from, parse_weekdays, session_dates


def test_mon_wed_fri_from_a_monday():
    dates = session_dates(dt.date(2026, 11, 2), parse_weekdays("024"), 4)
    assert dates == [
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 4),
        dt.date(2026, 11, 6),
        dt.date(2026, 11, 9),
    ]


def test_start_between_session_days_begins_at_the_next_one():
    assert session_dates(dt.date(2026, 11, 3), parse_weekdays("024"), 1) == [dt.date(2026, 11, 4)]


def test_no_weekdays_means_no_sessions():
    assert session_dates(dt.date(2026, 11, 3), parse_weekdays(""), 3) == []
    assert list(cycles_from(dt.date(2026, 11, 3), frozenset(), 3, 0)) == []


@given(
    start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 1, 1)),
    weekdays=st.sets(st.integers(0, 6), min_size=1).map(frozenset),
    lessons=st.integers(1, 20),
    gap=st.integers(0, 14),
)
def test_cycles_follow_each_other_on_the_schedule(start, weekdays, lessons, gap):
    iterator = cycles_from(start, weekdays, lessons, gap)
    cycles = [next(iterator) for _ in range(3)]
    for dates in cycles:
        assert len(dates) == lessons
        assert all(d.weekday() in weekdays for d in dates)
        assert dates == sorted(set(dates))
    for earlier, later in zip(cycles, cycles[1:], strict=False):
        assert later[0] > earlier[-1] + dt.timedelta(days=gap)
        assert (later[0] - earlier[-1]).days <= gap + 7
