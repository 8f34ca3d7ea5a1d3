"""A courier asks a question under a lesson on a phone and, once the instructor has
answered, finds the answer there."""

import datetime as dt

from django.utils import timezone

import pytest

from courses import questions, services
from courses.models import LessonQuestion, Occupation
from tests.factories import InstructorFactory, UserFactory
from tests.helpers import PHONE, lessons_of, log_in, make_course, make_school, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learner_asks_under_a_lesson_and_sees_the_instructors_answer(live_server, phone):
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    school = make_school(services.catalogue_get_or_create())
    course = make_course(
        school,
        occupation,
        lessons=1,
        weekdays="0123456",
        first=timezone.localdate(),
        session_time=dt.time(0, 0),
    )
    lesson = lessons_of(course)[0]
    learner = UserFactory(real_name="张小明")
    services.enrolment_join(learner=learner, course=course)
    teacher = InstructorFactory(real_name="李老师", organisation=school.organisation)
    log_in(phone.context, live_server, learner)

    phone.goto(live_server.url + lesson.url)
    phone.get_by_role("button", name="发送问题").click()  # empty: the browser asks for text
    assert not LessonQuestion.objects.exists()
    phone.get_by_label("向老师提问本课内容").fill("雨天派件，快件被淋湿了怎么办？")
    phone.get_by_role("button", name="发送问题").click()
    phone.wait_for_load_state()
    assert "问题已发出" in phone.content()
    mine = phone.locator("#questions li.qa-own")
    assert "雨天派件，快件被淋湿了怎么办？" in mine.inner_text()
    assert "等待解答" in mine.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "questions-01-asked")

    questions.question_answer(
        question=LessonQuestion.objects.get(learner=learner),
        instructor=teacher,
        text="先联系收件人说明情况，\n再拍照上报站点。",
    )

    phone.reload()
    mine = phone.locator("#questions li.qa-own")
    assert "已解答" in mine.inner_text()
    answer = mine.locator(".qa-answer")
    assert "李老师 解答" in answer.inner_text()
    assert "再拍照上报站点。" in answer.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "questions-02-answered")
