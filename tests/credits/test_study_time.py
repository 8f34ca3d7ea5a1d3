"""Effective study time: what honest viewing earns, and what every cheat does not."""

import datetime as dt

from django.utils import timezone

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from credits.models import LedgerEntry, LessonProgress, ProgressReport, RefusedTime
from credits.study import services
from tests.factories import UserFactory
from tests.helpers import T0, at

pytestmark = pytest.mark.django_db


def start(learner, lesson, t=0, agent="phone"):
    session, _ = services.study_session_start(
        learner=learner, lesson=lesson, now=at(t), user_agent=agent
    )
    return session


def report(learner, session, seq, played, t, **kw):
    return services.study_report(
        learner=learner,
        session_id=session.pk,
        seq=seq,
        lesson_id=session.lesson_id,
        played=played,
        now=at(t),
        **kw,
    )


def refused(session, reason):
    return sum(
        RefusedTime.objects.filter(session=session, reason=reason).values_list("seconds", flat=True)
    )


def test_honest_viewing_is_credited_second_for_second(learner, lesson):
    s = start(learner, lesson)
    assert report(learner, s, 1, [(0, 30)], 30).credited == pytest.approx(30)
    assert report(learner, s, 2, [(0, 60)], 60).credited == pytest.approx(30)
    assert LessonProgress.objects.get(learner=learner).credited_seconds == pytest.approx(60)


def test_network_delay_that_varies_refuses_nothing_from_an_honest_player(learner, lesson):
    # Each report leaves the phone 30 s after the last; they arrive 0.2 to 4 s late, by turns.
    s = start(learner, lesson)
    delays = [4.0, 0.2, 3.5, 0.3, 2.0, 0.2]
    for seq, delay in enumerate(delays, start=1):
        report(learner, s, seq, [(0, 30 * seq)], 30 * seq + delay)
    assert LessonProgress.objects.get(learner=learner).credited_seconds == pytest.approx(180)
    assert not RefusedTime.objects.filter(session=s).exists()


def test_the_delay_allowance_never_credits_more_than_wall_time(learner, lesson):
    # A script posting every second, each report claiming 11 s more than the last.
    s = start(learner, lesson)
    for seq in range(1, 41):
        report(learner, s, seq, [(0, 11 * seq)], seq)
    credited = LessonProgress.objects.get(learner=learner).credited_seconds
    assert credited <= 40 + 1e-6
    assert refused(s, "FASTER_THAN_REAL_TIME") > 0


def test_replayed_report_credits_nothing(learner, lesson):
    s = start(learner, lesson)
    report(learner, s, 1, [(0, 30)], 30)
    again = report(learner, s, 1, [(0, 30)], 90)
    assert again.replay and again.credited == 0
    assert refused(s, "REPLAY") == pytest.approx(30)


def test_a_report_overtaken_by_a_later_one_credits_nothing(learner, lesson):
    # A queued report that arrives after its successor: video.played only grows, so the later
    # report already held everything in it.
    s = start(learner, lesson)
    assert report(learner, s, 3, [(0, 30)], 30).credited == pytest.approx(30)
    late = report(learner, s, 2, [(0, 20)], 31)
    assert late.replay and late.credited == 0
    assert late.watched == pytest.approx(30)
    # Refused time is bounded by what could have played since the previous report (1 s).
    assert refused(s, "REPLAY") == pytest.approx(1)
    assert refused(s, "OUT_OF_RANGE") == 0  # an honest late report is no implausible claim
    assert list(ProgressReport.objects.filter(session=s).values_list("seq", flat=True)) == [3]


def test_claiming_more_media_than_wall_time_credits_only_wall_time(learner, lesson):
    s = start(learner, lesson)
    result = report(learner, s, 1, [(0, 600)], 20)
    assert result.credited == pytest.approx(20)
    # Refused time stays what could have played in 20 s; the rest is one implausible claim.
    assert refused(s, "FASTER_THAN_REAL_TIME") == pytest.approx(20)
    assert refused(s, "OUT_OF_RANGE") == pytest.approx(560)
    assert not LedgerEntry.objects.exists()


def test_script_posting_whole_lesson_in_fast_reports_banks_nothing(learner, lesson):
    s = start(learner, lesson)
    for seq in range(1, 21):
        report(learner, s, seq, [(0, 30 * seq)], seq * 0.5)  # 30 s of media every half second
    assert LessonProgress.objects.get(learner=learner).credited_seconds <= 10.0 + 1e-6
    assert not LedgerEntry.objects.exists()


def test_two_tabs_at_once_earn_once(learner, lesson):
    a, b = start(learner, lesson, agent="tab A"), start(learner, lesson, agent="tab B")
    assert report(learner, a, 1, [(0, 30)], 30).credited == pytest.approx(30)
    other = report(learner, b, 1, [(100, 130)], 30)
    assert other.credited == 0
    assert refused(b, "PARALLEL_SESSION") == pytest.approx(30)


def test_two_devices_on_two_lessons_still_share_one_clock(learner, video_course):
    from tests.helpers import lessons_of

    first, second = lessons_of(video_course)[:2]
    phone, tablet = start(learner, first, agent="phone"), start(learner, second, agent="tablet")
    report(learner, phone, 1, [(0, 60)], 60)
    report(learner, tablet, 1, [(0, 60)], 60)
    total = sum(p.credited_seconds for p in LessonProgress.objects.filter(learner=learner))
    assert total == pytest.approx(60)
    assert refused(tablet, "PARALLEL_SESSION") == pytest.approx(60)


def test_intervals_beyond_the_recording_are_refused_as_out_of_range(learner, lesson):
    s = start(learner, lesson)
    report(learner, s, 1, [(-50, 0), (590, 700)], 200)
    assert refused(s, "OUT_OF_RANGE") == pytest.approx(150)
    assert LessonProgress.objects.get(learner=learner).watched == [[590.0, 600.0]]


def test_after_a_long_idle_gap_only_the_idle_limit_counts(learner, lesson):
    s = start(learner, lesson)
    report(learner, s, 1, [(0, 30)], 30)
    result = report(learner, s, 2, [(0, 600)], 30 + 2000)
    assert result.credited == pytest.approx(300)
    assert refused(s, "IDLE_GAP") == pytest.approx(270)


def test_daily_cap_stops_crediting(learner, lesson, settings):
    settings.STUDY_MINUTES_PER_CLASS_HOUR = 1
    settings.STUDY_DAILY_CAP_CLASS_HOURS = 1  # 60 s a day
    s = start(learner, lesson)
    report(learner, s, 1, [(0, 50)], 50)
    result = report(learner, s, 2, [(0, 100)], 100)
    assert result.credited == pytest.approx(10)
    assert refused(s, "DAILY_CAP") == pytest.approx(40)


def test_daily_cap_starts_again_on_the_next_local_day(learner, lesson, settings):
    settings.STUDY_MINUTES_PER_CLASS_HOUR = 1
    settings.STUDY_DAILY_CAP_CLASS_HOURS = 1  # 60 s a day
    late = (timezone.make_aware(dt.datetime(2026, 11, 30, 23, 58)) - T0).total_seconds()
    s = start(learner, lesson, t=late)
    assert report(learner, s, 1, [(0, 60)], late + 60).credited == pytest.approx(60)
    assert report(learner, s, 2, [(0, 90)], late + 90).credited == 0  # 23:59:30, capped
    # Past midnight (local time), the same session earns again.
    assert report(learner, s, 3, [(0, 120)], late + 150).credited == pytest.approx(60)
    assert refused(s, "DAILY_CAP") == pytest.approx(30)


def test_another_learners_session_is_refused_and_changes_nothing(learner, lesson, video_course):
    from courses.services import enrolment_join

    s = start(learner, lesson)
    thief = UserFactory()
    enrolment_join(learner=thief, course=video_course)
    with pytest.raises(services.ReportRefused) as refused_:
        report(thief, s, 1, [(0, 30)], 30)
    assert refused_.value.status == 403
    assert not LessonProgress.objects.filter(learner=thief).exists()
    assert LessonProgress.objects.get(learner=learner).watched == []
    assert not ProgressReport.objects.exists()


def test_lesson_not_enrolled_in_cannot_be_tracked(lesson):
    with pytest.raises(services.ReportRefused):
        start(UserFactory(), lesson)


def test_completing_a_lesson_banks_once_the_smaller_of_credit_and_study(learner, lesson):
    s = start(learner, lesson)
    t, completed_at = 0, []
    for seq in range(1, 21):
        t += 30
        if report(learner, s, seq, [(0, min(t, 600))], t).completed:
            completed_at.append(t)
    assert completed_at == [570]  # 95 % of 600 s, once
    entry = LedgerEntry.objects.get(learner=learner, kind="lesson")
    assert entry.minutes == 9  # 570 s studied by completion, less than the 45 min credit
    second = start(learner, lesson, t=t + 10)
    report(learner, second, 1, [(0, 600)], t + 700)
    assert LedgerEntry.objects.filter(learner=learner).count() == 1
    from courses.models import LessonCompletion

    assert LessonCompletion.objects.filter(
        learner=learner, lesson=lesson, source="watched"
    ).exists()


def test_completion_from_two_devices_at_the_same_moment_is_credited_once(learner, lesson):
    a, b = start(learner, lesson, agent="phone"), start(learner, lesson, agent="tablet")
    report(learner, a, 1, [(0, 290)], 290)
    report(learner, b, 1, [(290, 580)], 580)
    report(learner, a, 2, [(0, 600)], 900)
    report(learner, b, 2, [(0, 600)], 900)
    assert LedgerEntry.objects.filter(learner=learner, kind="lesson").count() == 1


class Fixed:
    """Checks as soon as anything is credited, always numbered 451."""

    def uniform(self, low, high):
        return 1.0

    def number(self):
        return 451


def with_checks(course):
    course.attention_checks = True
    course.save_revision().publish()


def test_a_check_falls_due_and_a_missed_one_stops_credit_until_the_next_is_passed(
    learner, lesson, video_course
):
    from credits.study import attention

    with_checks(video_course)
    s = start(learner, lesson)
    first = report(learner, s, 1, [(0, 30)], 30, rng=Fixed())
    assert first.credited == pytest.approx(30)
    assert first.attention == {
        "id": first.attention["id"],
        "due_in": 60,
        "blocked": False,
        "retry_in": 0,
    }
    assert "number" not in first.attention
    late = report(learner, s, 2, [(0, 120)], 120, rng=Fixed())  # due at 90: missed
    assert late.credited == 0
    assert refused(s, "ATTENTION_CHECK_FAILED") == pytest.approx(90)
    assert late.attention["blocked"] and late.attention["id"] != first.attention["id"]
    passed, after = attention.attention_answer(
        learner=learner, check_id=late.attention["id"], number=451, now=at(125)
    )
    assert passed and after is None
    resumed = report(learner, s, 3, [(0, 150)], 150, rng=Fixed())
    assert resumed.credited == pytest.approx(30)


def test_wrong_answer_fails_the_check_and_the_next_comes_only_after_a_pause(
    learner, lesson, video_course, settings
):
    from credits.study import attention

    settings.STUDY_ATTENTION_RETRY_SECONDS = 20
    with_checks(video_course)
    s = start(learner, lesson)
    check = report(learner, s, 1, [(0, 30)], 30, rng=Fixed()).attention
    passed, after = attention.attention_answer(
        learner=learner, check_id=check["id"], number=452, now=at(35)
    )
    assert not passed
    assert after == {"id": None, "due_in": 0, "blocked": True, "retry_in": 20}
    # Answering the same check again changes nothing.
    assert (
        attention.attention_answer(learner=learner, check_id=check["id"], number=451, now=at(36))[0]
        is False
    )
    barred = report(learner, s, 2, [(0, 45)], 45, rng=Fixed())
    assert barred.credited == 0 and barred.attention["id"] is None
    assert attention.attention_request(learner=learner, session_id=s.pk, now=at(50))["id"] is None
    fresh = attention.attention_request(learner=learner, session_id=s.pk, now=at(56), rng=Fixed())
    assert fresh["id"] and fresh["blocked"]


def test_checks_are_scheduled_per_learner_across_short_lessons(learner, video_course, settings):
    """Lessons of 60 s, a check every 150 s of study: the third lesson brings one."""
    from tests.helpers import lessons_of

    class Mean:
        def uniform(self, low, high):
            return (low + high) / 2

        def number(self):
            return 300

    settings.STUDY_ATTENTION_MEAN_SECONDS = 150
    with_checks(video_course)
    asked = []
    for n, lesson in enumerate(lessons_of(video_course)):
        t0 = 1000 * n
        s = start(learner, lesson, t=t0)
        result = report(learner, s, 1, [(0, 60)], t0 + 60, rng=Mean())
        asked.append(bool(result.attention))
        if result.attention:
            from credits.study import attention

            attention.attention_answer(
                learner=learner, check_id=result.attention["id"], number=300, now=at(t0 + 65)
            )
    assert asked == [False, False, True]


@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    reports=st.lists(
        st.tuples(
            st.floats(0, 120),  # seconds after the previous report
            st.lists(st.tuples(st.floats(-50, 700), st.floats(-50, 700)), max_size=4),
            st.integers(0, 1),  # which of two tabs reports
        ),
        min_size=1,
        max_size=12,
    )
)
def test_whatever_is_reported_credit_never_outruns_the_clock_or_the_recording(
    learner, lesson, reports
):
    from credits.models import StudyClock, WatchSession

    RefusedTime.objects.all().delete()
    ProgressReport.objects.all().delete()
    WatchSession.objects.all().delete()
    LessonProgress.objects.filter(learner=learner).delete()
    StudyClock.objects.all().delete()
    base = (T0 - dt.timedelta(days=1) - at(0)).total_seconds()
    tabs = [start(learner, lesson, t=base, agent="A"), start(learner, lesson, t=base, agent="B")]
    t = base
    for seq, (wait, played, tab) in enumerate(reports, start=1):
        t += wait
        report(learner, tabs[tab], seq, [(min(a, b), max(a, b)) for a, b in played], t)
    progress = LessonProgress.objects.get(learner=learner)
    assert progress.credited_seconds <= (t - base) + 1e-6
    assert progress.credited_seconds <= 600 + 1e-6
    assert progress.credited_seconds == pytest.approx(progress.watched_seconds)
