"""A course's xAPI export holds that course's records and no other's, and only the course's own
school may export it: seen from the side of the other school."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from courses import services as course_services
from courses.models import Occupation
from tests.factories import InstructorFactory, UserFactory
from tests.helpers import complete_lessons, lessons_of, make_course, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_schools(db):
    """Course A of school A and course B of school B, one learner enrolled in both, who has
    completed every lesson of each."""
    catalogue = course_services.catalogue_get_or_create()
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    courses = {}
    for key, name in (("a", "城东职业技能培训学校"), ("b", "城西职业技能培训学校")):
        school = make_school(catalogue, name=name)
        courses[key] = make_course(
            school,
            occupation,
            title=f"{name} 快递员",
            lessons=2,
            weekdays="0123456",
            first=timezone.localdate() - dt.timedelta(days=7),
            session_time=dt.time(0, 0),
        )
    learner = UserFactory()
    for course in courses.values():
        course_services.enrolment_join(learner=learner, course=course)
        complete_lessons(learner, course)
    return courses, learner


def url(course) -> str:
    return f"/api/xapi/courses/{course.pk}/statements"


def instructor_of(course):
    return InstructorFactory(organisation=course.get_parent().specific.organisation)


def test_school_b_exporting_course_b_never_sees_course_a(client, two_schools):
    courses, _learner = two_schools
    client.force_login(instructor_of(courses["b"]))
    statements = client.get(url(courses["b"])).json()
    objects = {s["object"]["id"] for s in statements}
    course_b = {
        f"http://testserver/xapi/lessons/{lesson.pk}" for lesson in lessons_of(courses["b"])
    }
    course_a = {
        f"http://testserver/xapi/lessons/{lesson.pk}" for lesson in lessons_of(courses["a"])
    }
    assert objects == course_b  # both of B's completions, and nothing of A's
    assert not objects & course_a


def test_school_b_cannot_export_course_a(client, two_schools):
    courses, _learner = two_schools
    client.force_login(instructor_of(courses["b"]))
    response = client.get(url(courses["a"]))
    assert response.status_code == 403
    assert "statements" not in response.content.decode()
    assert lessons_of(courses["a"])[0].title not in response.content.decode()


def test_a_learner_cannot_export_a_course_even_their_own(client, two_schools):
    courses, learner = two_schools
    client.force_login(learner)
    assert client.get(url(courses["a"])).status_code == 403


def test_a_course_export_reads_the_same_few_times_however_many_learners(client, two_schools):
    courses, _learner = two_schools
    client.force_login(instructor_of(courses["b"]))
    client.get(url(courses["b"]))  # accounts made, sessions warm
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url(courses["b"])).json()) == 2
    for _ in range(3):
        other = UserFactory()
        course_services.enrolment_join(learner=other, course=courses["b"])
        complete_lessons(other, courses["b"])
    client.get(url(courses["b"]))
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(url(courses["b"])).json()) == 8
    assert len(four.captured_queries) == len(one.captured_queries)
