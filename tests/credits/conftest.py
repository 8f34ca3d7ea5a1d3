import datetime as dt

from django.utils import timezone

import pytest

from courses import services as course_services
from courses.models import LessonPage
from tests.factories import UserFactory, VideoAssetFactory
from tests.helpers import lessons_of, make_course, make_school


def give_video(lesson: LessonPage, duration: float) -> LessonPage:
    lesson.video = VideoAssetFactory(title=lesson.title, duration=duration)
    lesson.save_revision().publish()
    return LessonPage.objects.get(pk=lesson.pk)


@pytest.fixture
def video_course(db):
    from courses.models import Occupation

    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    school = make_school(course_services.catalogue_get_or_create())
    # Every day a session at midnight, so each lesson is open from the day it is released.
    course = make_course(
        school,
        occupation,
        lessons=3,
        weekdays="0123456",
        first=dt.date(2026, 11, 1),
        session_time=dt.time(0, 0),
    )
    course_services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 1))
    for lesson in lessons_of(course):
        give_video(lesson, duration=600)
    return course


@pytest.fixture
def lesson(video_course):
    return lessons_of(video_course)[0]


@pytest.fixture
def learner(video_course):
    learner = UserFactory()
    course_services.enrolment_join(
        learner=learner,
        course=video_course,
        now=timezone.make_aware(dt.datetime(2026, 11, 1, 0, 5)),
    )
    return learner
