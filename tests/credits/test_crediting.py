"""The report arithmetic on plain values: invariants that hold whatever a report claims."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credits.study.crediting import ReportFacts, decide

seconds = st.floats(0, 5000, allow_nan=False)


@st.composite
def facts(draw):
    own_gap = draw(seconds)
    return ReportFacts(
        new_seconds=draw(st.floats(0, 3600)),
        outside_seconds=draw(st.floats(0, 2e7)),
        duration=draw(st.floats(1, 3600)),
        rate=draw(st.sampled_from([1.0, 1.25, 1.5, 2.0])),
        idle_limit=draw(st.floats(1, 900)),
        own_gap=own_gap,
        gap=draw(st.floats(0, own_gap)) if own_gap else 0.0,
        wall=own_gap,
        day_room=draw(st.floats(0, 30000)),
        blocked_reason=draw(
            st.sampled_from([None, None, "NOT_ENROLLED", "ATTENTION_CHECK_FAILED"])
        ),
        replay=draw(st.booleans()),
    )


@given(facts())
def test_credit_never_outruns_the_clock_the_idle_window_or_the_cap(f):
    d = decide(f)
    assert d.credit >= 0
    assert d.credit <= min(f.gap, f.idle_limit) * f.rate + 1e-6
    assert d.credit <= f.day_room + 1e-6
    assert d.credit <= f.new_seconds + 1e-6
    if f.replay or f.blocked_reason:
        assert d.credit == 0


@given(facts())
def test_refused_time_is_bounded_by_what_could_have_played(f):
    d = decide(f)
    assert all(s > 0 for s in d.refused.values())
    assert d.refused_time <= min(f.duration, f.wall * f.rate) + 1e-6
    assert d.refused.get("OUT_OF_RANGE", 0) <= f.duration + 1e-6


@given(facts())
def test_an_honest_claim_is_credited_whole_and_nothing_is_refused(f):
    fits = min(f.gap, f.idle_limit) * f.rate
    honest = (
        not f.replay
        and not f.blocked_reason
        and f.outside_seconds == 0
        and f.new_seconds <= min(fits, f.day_room)
    )
    if honest:
        d = decide(f)
        assert d.credit == pytest.approx(f.new_seconds)
        assert d.refused == {}


@given(facts())
def test_a_barred_report_refuses_with_the_bar_as_reason(f):
    d = decide(f)
    if f.blocked_reason and not f.replay:
        assert set(d.refused) <= {f.blocked_reason, "OUT_OF_RANGE"}
    if f.replay:
        assert set(d.refused) <= {"REPLAY", "OUT_OF_RANGE"}


def honest(**changes) -> ReportFacts:
    """30 s played in 30 s, alone, well inside the idle window and the cap."""
    values = {
        "new_seconds": 30,
        "outside_seconds": 0,
        "duration": 600,
        "rate": 1,
        "idle_limit": 300,
        "own_gap": 30,
        "gap": 30,
        "wall": 30,
        "day_room": 1000,
    }
    return ReportFacts(**{**values, **changes})


def test_a_claim_inside_wall_time_and_the_idle_window_is_credited_whole():
    d = decide(honest())
    assert d.credit == 30 and d.refused == {}


def test_a_paused_player_that_played_after_the_idle_limit_is_credited_what_it_played():
    d = decide(honest(new_seconds=80, own_gap=320, gap=320, wall=320))
    assert d.credit == 80 and d.refused == {}


def test_another_tab_using_the_clock_is_named_parallel():
    d = decide(honest(gap=0))
    assert d.credit == 0 and d.refused == {"PARALLEL_SESSION": 30}
