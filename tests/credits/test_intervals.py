from hypothesis import given
from hypothesis import strategies as st

from credits.study import intervals as iv

spans = st.lists(
    st.tuples(st.floats(-100, 1000, allow_nan=False), st.floats(-100, 1000, allow_nan=False)),
    max_size=30,
)


def covered(intervals, point):
    return any(s <= point < e for s, e in intervals)


@given(spans)
def test_normalise_is_sorted_disjoint_and_idempotent(raw):
    result = iv.normalise(raw)
    assert all(s < e for s, e in result)
    assert all(a[1] < b[0] for a, b in zip(result, result[1:], strict=False))
    assert iv.normalise(result) == result


@given(spans, st.floats(0, 900, allow_nan=False))
def test_clip_stays_within_the_recording_and_never_grows(raw, duration):
    clipped = iv.clip(raw, duration)
    assert all(0 <= s < e <= duration for s, e in clipped)
    assert iv.total(clipped) <= iv.total(iv.normalise(raw)) + 1e-9


@given(spans, spans)
def test_subtract_and_union_account_for_every_second(a, b):
    new = iv.subtract(a, b)
    assert iv.total(iv.union(new, b)) == pytest_approx(iv.total(iv.union(a, b)))
    assert iv.total(iv.subtract(new, b)) == pytest_approx(iv.total(new))
    for s, e in new:
        assert not covered(iv.normalise(b), (s + e) / 2)


@given(spans, st.floats(-10, 2000, allow_nan=False))
def test_take_splits_without_loss(raw, seconds):
    taken, rest = iv.take(raw, seconds)
    assert iv.total(taken) == pytest_approx(min(max(seconds, 0), iv.total(iv.normalise(raw))))
    assert iv.total(taken) + iv.total(rest) == pytest_approx(iv.total(iv.normalise(raw)))


def pytest_approx(value):
    import pytest

    return pytest.approx(value, abs=1e-6)


@given(spans, spans)
def test_union_of_normalised_lists_equals_normalising_both(a, b):
    assert iv.union(iv.normalise(a), iv.normalise(b)) == iv.normalise([*a, *b])
    assert iv.union(a, b) == iv.normalise([*a, *b])


@given(spans)
def test_a_stored_history_reads_back_as_the_same_intervals(raw):
    stored = [list(span) for span in iv.normalise(raw)]
    assert iv.from_stored(stored) == iv.normalise(raw)
    assert iv.from_stored([list(span) for span in raw]) == iv.normalise(raw)
