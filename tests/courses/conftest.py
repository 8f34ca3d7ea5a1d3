import datetime as dt

import pytest

from courses import services
from courses.models import CoursePage, LessonPage, Occupation
from lms.accounts.models import Organisation
from tests.factories import InstructorFactory, OrganisationFactory


@pytest.fixture
def catalogue(db):
    return services.catalogue_get_or_create()


@pytest.fixture
def occupation(db):
    return Occupation.objects.create(
        code="4-02-07-08", name_zh="快递员", name_en="Courier", urgent_shortage=True, digital=True
    )


def make_school(catalogue, name="城东职业技能培训学校"):
    org = OrganisationFactory(name=name, kind=Organisation.Kind.TRAINING_SCHOOL)
    return services.school_setup(organisation=org, catalogue=catalogue)


@pytest.fixture
def school(catalogue):
    return make_school(catalogue)


def make_course(
    school,
    occupation,
    *,
    title="快递员（初级）职业技能提升",
    lessons=8,
    weekdays="024",
    first=dt.date(2026, 11, 2),
    publish=True,
    session_time=dt.time(20, 30),
):
    course = CoursePage(
        title=title,
        occupation=occupation,
        level="5",
        learning_outcomes="安全派件\n客户沟通",
        workload_class_hours=8,
        assessment_type="quiz",
        participation_form="blended",
        schedule_weekdays=weekdays,
        first_cycle_starts=first,
        session_time=session_time,
        live=False,
    )
    school.add_child(instance=course)
    for n in range(1, lessons + 1):
        lesson = LessonPage(title=f"第{n}课", duration_minutes=15, credit_minutes=45)
        course.add_child(instance=lesson)
        if publish:
            lesson.save_revision().publish()
    if publish:  # last, as an instructor would: its publish lays out the cycles
        course.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def course(school, occupation):
    return make_course(school, occupation)


def lessons_of(course):
    return list(LessonPage.objects.child_of(course).order_by("path"))


@pytest.fixture
def instructor(school):
    user = InstructorFactory(organisation=school.organisation)
    services.instructor_sync_groups(user=user)
    return user
