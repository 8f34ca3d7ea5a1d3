"""Courses cycle; a learner joins mid-cycle and catches missed lessons when they come around."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from courses import services
from courses.models import Cycle, Enrolment, LessonPage, ScheduledLesson
from courses.selectors import current_cycle, learner_tonight
from tests.factories import UserFactory
from tests.helpers import lessons_of

pytestmark = pytest.mark.django_db


def at(day: int, hour=20, minute=0, month=11):
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def test_cycles_lay_out_one_lesson_per_session_mon_wed_fri(course):
    cycles = services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 1), horizon_days=30)
    first, second = cycles[0], cycles[1]
    assert (first.starts_on, first.ends_on) == (dt.date(2026, 11, 2), dt.date(2026, 11, 18))
    assert second.starts_on == dt.date(2026, 11, 20)
    sessions = list(first.sessions.order_by("session_number"))
    assert [s.lesson_id for s in sessions] == [lesson.pk for lesson in lessons_of(course)]
    assert timezone.localtime(sessions[3].starts_at).time() == dt.time(20, 30)


def test_rolling_ahead_twice_changes_nothing(course):
    services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 1))
    before = list(ScheduledLesson.objects.values_list("pk", "starts_at"))
    services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 1))
    assert list(ScheduledLesson.objects.values_list("pk", "starts_at")) == before


def test_a_new_lesson_moves_future_cycles_but_not_the_running_one(course):
    services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 5), horizon_days=40)
    running_before = list(Cycle.objects.get(course=course, number=1).sessions.values_list("pk"))
    extra = LessonPage(title="第9课", duration_minutes=15)
    course.add_child(instance=extra)
    extra.save_revision().publish()

    services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 5), horizon_days=40)

    assert (
        list(Cycle.objects.get(course=course, number=1).sessions.values_list("pk"))
        == running_before
    )
    second = Cycle.objects.get(course=course, number=2)
    assert second.sessions.count() == 9
    assert second.sessions.filter(lesson=extra).exists()


def test_learner_joins_mid_cycle_at_tonights_lesson_and_sees_when_missed_ones_come_back(course):
    learner = UserFactory()
    lessons = lessons_of(course)
    services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 9))

    enrolment = services.enrolment_join(learner=learner, course=course, now=at(9, 19))
    assert enrolment.joined_cycle.number == 1

    evening = learner_tonight(user=learner, now=at(9, 19, 30))
    (progress,) = evening.courses
    assert progress.tonight.lesson == lessons[3]  # Monday 9th: session 4
    first = progress.lessons[0]
    assert not first.open
    assert timezone.localdate(first.next_at) == dt.date(2026, 11, 20)  # next cycle's first night

    # Wednesday's lesson 5 is missed; on Thursday it is open to catch up, and comes around again.
    thursday = learner_tonight(user=learner, now=at(12, 12)).courses[0]
    missed = thursday.lessons[4]
    assert missed.open and not missed.done
    assert timezone.localdate(missed.next_at) == dt.date(2026, 11, 30)
    assert thursday.tonight is None


def test_a_lesson_done_in_one_cycle_stays_done_in_the_next(course):
    learner = UserFactory()
    lessons = lessons_of(course)
    services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 9))
    services.enrolment_join(learner=learner, course=course, now=at(9, 19))
    services.lesson_complete(learner=learner, lesson=lessons[3], source="watched", now=at(9, 21))
    _, again = services.lesson_complete(learner=learner, lesson=lessons[3], source="quiz")
    assert again is False

    later = learner_tonight(user=learner, now=at(25, 12)).courses[0]
    assert later.lessons[3].done
    assert len(later.still_needed) == 7


def test_joining_twice_keeps_one_enrolment_and_leaving_keeps_what_was_done(course):
    learner = UserFactory()
    services.enrolment_join(learner=learner, course=course, now=at(9, 19))
    services.enrolment_join(learner=learner, course=course, now=at(9, 19, 5))
    assert Enrolment.objects.filter(learner=learner, left_at__isnull=True).count() == 1
    services.lesson_complete(learner=learner, lesson=lessons_of(course)[0], source="quiz")
    services.enrolment_leave(learner=learner, course=course, now=at(10, 9))
    services.enrolment_join(learner=learner, course=course, now=at(11, 9))
    assert Enrolment.objects.filter(learner=learner).count() == 2
    assert learner_tonight(user=learner, now=at(11, 10)).courses[0].lessons[0].done


def test_staff_cannot_enrol(course, instructor):
    with pytest.raises(ValidationError):
        services.enrolment_join(learner=instructor, course=course)


def test_between_cycles_the_current_cycle_is_the_next_one(course):
    services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 18))
    assert current_cycle(course=course, now=at(19, 12)).number == 2


def test_a_join_recorded_for_a_day_gone_by_leaves_the_present_cycles_in_place(course):
    """Joins dated in the past (an import, the demo's history) lay out the cycle they need and
    neither delete nor rewrite the cycles laid out for today."""
    services.cycles_roll_ahead(course=course)
    before = sorted(Cycle.objects.filter(course=course).values_list("pk", "starts_on"))
    sessions = sorted(ScheduledLesson.objects.values_list("pk", "starts_at"))
    learner = UserFactory()
    past = timezone.now() - dt.timedelta(days=60)
    services.enrolment_join(learner=learner, course=course, now=past)
    after = sorted(Cycle.objects.filter(course=course).values_list("pk", "starts_on"))
    assert set(before) <= set(after)
    assert set(sessions) <= set(ScheduledLesson.objects.values_list("pk", "starts_at"))
    assert Enrolment.objects.get(learner=learner).joined_cycle_id in dict(after)
