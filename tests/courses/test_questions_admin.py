"""The instructor's side of questions in the Wagtail admin: the queue, answering and hiding,
and everyone else kept out."""

import datetime as dt
import json
import re

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from courses import questions, services
from courses.models import LessonAnswer, LessonQuestion
from lms.accounts.models import User
from tests.factories import InstructorFactory, UserFactory
from tests.helpers import lessons_of, make_course, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(school, occupation):
    course = make_course(
        school,
        occupation,
        lessons=1,
        weekdays="0123456",
        first=timezone.localdate(),
        session_time=dt.time(0, 0),
    )
    return lessons_of(course)[0]


@pytest.fixture
def learner(lesson):
    user = UserFactory(real_name="张小明")
    services.enrolment_join(learner=user, course=lesson.get_parent().specific)
    return user


@pytest.fixture
def question(learner, lesson):
    return questions.question_ask(learner=learner, lesson=lesson, text="电动车没电了怎么办？")


@pytest.fixture
def stranger(catalogue, occupation):
    school = make_school(catalogue, "城西学校")
    make_course(school, occupation, title="别校课程", lessons=1)
    user = InstructorFactory(organisation=school.organisation)
    services.instructor_sync_groups(user=user)
    return user


def admin_menu(client) -> str:
    """The admin's sidebar as text: Wagtail sends it as JSON inside the page."""
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', page, re.S).group(1)
    return json.dumps(json.loads(props), ensure_ascii=False)


def detail(question):
    return reverse("courses_question", args=[question.pk])


def test_queue_lists_waiting_questions_and_the_menu_counts_them(client, instructor, question):
    client.force_login(instructor)
    page = client.get(reverse("courses_question_queue")).content.decode()
    assert "电动车没电了怎么办？" in page and "张小明" in page
    assert detail(question) in page
    assert "学员提问（1）" in admin_menu(client)
    questions.question_answer(question=question, instructor=instructor, text="推到换电柜。")
    menu = admin_menu(client)
    assert "学员提问" in menu and "学员提问（" not in menu


def test_instructor_answers_from_the_question_page(client, instructor, question):
    client.force_login(instructor)
    assert client.get(detail(question)).status_code == 200

    response = client.post(detail(question), {"action": "answer", "text": "推到最近的换电柜。"})

    assert response.status_code == 302
    assert response.url == reverse("courses_question_queue")
    assert LessonAnswer.objects.filter(question=question, instructor=instructor).exists()
    page = client.get(response.url).content.decode()
    assert "电动车没电了怎么办？" not in page
    assert "解答已发布" in page


@pytest.mark.parametrize("text", ["", "<b>粗体</b>", "答" * 2001])
def test_bad_answer_in_the_admin_shows_why_and_changes_nothing(client, instructor, question, text):
    client.force_login(instructor)
    response = client.post(detail(question), {"action": "answer", "text": text})
    assert response.status_code == 200
    assert "error-message" in response.content.decode()
    assert not LessonAnswer.objects.exists()


def test_instructor_hides_a_question_and_an_answer_with_a_reason(client, instructor, question):
    client.force_login(instructor)
    answer = questions.question_answer(question=question, instructor=instructor, text="答错了")

    response = client.post(
        detail(question),
        {"action": "hide-answer", "answer": answer.pk, "hide-answer-reason": "答复有误"},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.hidden and answer.hidden_reason == "答复有误"

    client.post(detail(question), {"action": "hide", "hide-reason": ""})
    question.refresh_from_db()
    assert not question.hidden  # a reason is needed
    client.post(detail(question), {"action": "hide", "hide-reason": "与课程无关"})
    question.refresh_from_db()
    assert question.hidden and question.hidden_by == instructor
    page = client.get(detail(question)).content.decode()
    assert "与课程无关" in page and "答复有误" in page  # kept, and shown to instructors


def test_instructor_of_another_school_is_kept_out(client, stranger, question):
    client.force_login(stranger)
    assert "电动车没电了怎么办？" not in (
        client.get(reverse("courses_question_queue")).content.decode()
    )
    assert client.get(detail(question)).status_code in (302, 403)
    client.post(detail(question), {"action": "answer", "text": "别校的答复"})
    client.post(detail(question), {"action": "hide", "hide-reason": "越权"})
    assert not LessonAnswer.objects.exists()
    question.refresh_from_db()
    assert not question.hidden
    assert "学员提问（" not in admin_menu(client)  # their own queue is empty


def test_instructor_cannot_hide_an_answer_of_another_question(
    client, instructor, question, learner, lesson
):
    other = questions.question_ask(learner=learner, lesson=lesson, text="另一个问题")
    answer = questions.question_answer(question=other, instructor=instructor, text="答复")
    client.force_login(instructor)
    response = client.post(
        detail(question),
        {"action": "hide-answer", "answer": answer.pk, "hide-answer-reason": "换个问题"},
    )
    assert response.status_code == 404
    answer.refresh_from_db()
    assert not answer.hidden


@pytest.mark.parametrize("role", ["learner", "reviewer", "anonymous"])
def test_learners_reviewers_and_visitors_cannot_open_or_post_to_the_queue(client, question, role):
    if role == "learner":
        client.force_login(question.learner)
    elif role == "reviewer":
        client.force_login(
            UserFactory(role=User.Role.REVIEWER, organisation=InstructorFactory().organisation)
        )
    for url in (reverse("courses_question_queue"), detail(question)):
        response = client.get(url)
        assert response.status_code in (302, 403)
    client.post(detail(question), {"action": "answer", "text": "我来答"})
    client.post(detail(question), {"action": "hide", "hide-reason": "我来藏"})
    assert not LessonAnswer.objects.exists()
    question.refresh_from_db()
    assert not question.hidden


def test_instructor_without_courses_has_no_queue(client, catalogue):
    school = make_school(catalogue, "没有课程的学校")
    user = InstructorFactory(organisation=school.organisation)
    services.instructor_sync_groups(user=user)
    client.force_login(user)
    assert client.get(reverse("courses_question_queue")).status_code in (302, 403)


def test_unknown_question_is_not_found(client, instructor):
    client.force_login(instructor)
    assert client.get(reverse("courses_question", args=[999999])).status_code == 404


def test_demo_instructor_finds_one_question_waiting_and_one_answered():
    call_command("load_demo", "--without-videos", verbosity=0)
    call_command("load_demo", "--without-videos", verbosity=0)
    teacher = User.objects.get(email="teacher@nightschool.example")
    queue = questions.questions_unanswered_for(instructor=teacher)
    assert len(queue) == 1
    assert LessonQuestion.objects.count() == 2
    assert LessonAnswer.objects.count() == 1
    learner = User.objects.get(phone="+8613800138000")
    view = questions.lesson_questions(lesson=queue[0].question.lesson, user=learner)
    assert [q.answered for q in view.items] == [False, True]
