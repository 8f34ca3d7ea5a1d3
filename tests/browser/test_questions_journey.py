"""A courier asks a question under a lesson on a phone and, once the instructor has
answered, finds the answer there."""

import pytest

from courses import questions
from courses.models import LessonQuestion
from tests.factories import InstructorFactory
from tests.helpers import PHONE, enrolled_in_a_lesson_open_now, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learner_asks_under_a_lesson_and_sees_the_instructors_answer(live_server, phone):
    learner, lesson = enrolled_in_a_lesson_open_now()
    school = lesson.get_parent().get_parent().specific
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
