"""Questions under lessons: who may ask, answer and hide, what each viewer sees, and what is
refused (from the side of the one refused)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from courses import questions, services
from courses.models import LessonAnswer, LessonQuestion
from courses.text import plain_lines
from tests.factories import InstructorFactory, UserFactory
from tests.helpers import lessons_of, make_course, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_course(school, occupation):
    """Two lessons, one a day from today at midnight: the first is open, the second opens
    tomorrow."""
    return make_course(
        school,
        occupation,
        lessons=2,
        weekdays="0123456",
        first=timezone.localdate(),
        session_time=dt.time(0, 0),
    )


@pytest.fixture
def lesson(open_course):
    return lessons_of(open_course)[0]


def enrolled(course, **facts):
    learner = UserFactory(**facts)
    services.enrolment_join(learner=learner, course=course)
    return learner


@pytest.fixture
def learner(open_course):
    return enrolled(open_course, real_name="张小明")


def ask(learner, lesson, text="分拣时面单看不清怎么办？", **kwargs):
    return questions.question_ask(learner=learner, lesson=lesson, text=text, **kwargs)


def other_school_instructor(catalogue, occupation):
    school = make_school(catalogue, "城西学校")
    make_course(school, occupation, title="别校课程", lessons=1)
    user = InstructorFactory(organisation=school.organisation)
    services.instructor_sync_groups(user=user)
    return user


# --- Asking.


def test_enrolled_learner_asks_and_the_question_waits_in_the_instructors_queue(
    learner, lesson, instructor
):
    question = ask(learner, lesson, "  分拣时\n\n\n面单看不清  怎么办？ ")

    assert question.text == "分拣时\n\n面单看不清 怎么办？"
    assert question.lesson == lesson and question.learner == learner
    queue = questions.questions_unanswered_for(instructor=instructor)
    assert [item.question for item in queue] == [question]
    assert queue[0].course.pk == lesson.get_parent().pk
    assert questions.questions_unanswered_count(instructor=instructor) == 1


def test_learner_asks_from_the_lesson_page_and_sees_their_question_waiting(client, learner, lesson):
    client.force_login(learner)
    page = client.get(lesson.url).content.decode()
    assert 'id="questions"' in page and "csrfmiddlewaretoken" in page

    response = client.post(
        reverse("courses:ask_question", args=[lesson.pk]), {"text": "夜里派件要注意什么？"}
    )

    assert response.status_code == 302 and response.url.endswith("#questions")
    page = client.get(response.url.split("#")[0]).content.decode()
    assert "夜里派件要注意什么？" in page
    assert "等待解答" in page  # waiting for an answer
    assert "问题已发出" in page  # the success message


def test_learner_not_enrolled_cannot_ask(client, lesson):
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        ask(outsider, lesson)
    client.force_login(outsider)
    page = client.get(lesson.url).content.decode()
    assert 'id="questions"' not in page
    response = client.post(reverse("courses:ask_question", args=[lesson.pk]), {"text": "能问吗？"})
    assert response.status_code == 403
    assert not LessonQuestion.objects.exists()


def test_learner_who_left_the_course_cannot_ask(learner, lesson, open_course):
    services.enrolment_leave(learner=learner, course=open_course)
    with pytest.raises(PermissionDenied):
        ask(learner, lesson)
    assert not LessonQuestion.objects.exists()


def test_learner_cannot_ask_under_a_lesson_not_open_to_them_yet(learner, open_course):
    tomorrow = lessons_of(open_course)[1]
    with pytest.raises(PermissionDenied):
        ask(learner, tomorrow)
    assert not LessonQuestion.objects.exists()


def test_instructor_cannot_ask_as_a_learner(instructor, lesson):
    with pytest.raises(PermissionDenied):
        ask(instructor, lesson)
    assert not LessonQuestion.objects.exists()


def test_anonymous_visitor_cannot_ask(client, lesson):
    response = client.post(reverse("courses:ask_question", args=[lesson.pk]), {"text": "你好？"})
    assert response.status_code == 302 and "login" in response.url
    assert not LessonQuestion.objects.exists()
    assert 'id="questions"' not in client.get(lesson.url).content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请先写下您的问题"),
        ("  \n\t \x00 ", "请先写下您的问题"),
        ("问" * (LessonQuestion.MAX_CHARS + 1), "问题请不超过 500 个字"),
        ("<b>急</b>怎么办？", "不能使用 HTML 标签"),
        ('<a href="https://spam.example">点我</a>', "不能使用 HTML 标签"),
        ("<script>alert(1)</script>", "不能使用 HTML 标签"),
    ],
    ids=["empty", "blank", "too-long", "bold", "link", "script"],
)
def test_bad_question_changes_nothing_and_says_why(client, learner, lesson, text, message):
    with pytest.raises(ValidationError):
        ask(learner, lesson, text)
    client.force_login(learner)
    response = client.post(
        reverse("courses:ask_question", args=[lesson.pk]), {"text": text}, follow=True
    )
    assert message in response.content.decode()
    assert not LessonQuestion.objects.exists()


def test_text_with_a_less_than_sign_is_plain_text(learner, lesson):
    question = ask(learner, lesson, "重量 <5 公斤的件怎么包装？")
    assert question.text == "重量 <5 公斤的件怎么包装？"


def test_questions_are_limited_per_learner_per_day(settings, learner, lesson, open_course):
    settings.QA_QUESTIONS_PER_DAY = 2
    now = timezone.now()
    ask(learner, lesson, "第一个问题", now=now - dt.timedelta(hours=25))
    ask(learner, lesson, "第二个问题", now=now - dt.timedelta(hours=2))
    ask(learner, lesson, "第三个问题", now=now)

    with pytest.raises(ValidationError) as refused:
        ask(learner, lesson, "第四个问题", now=now + dt.timedelta(minutes=1))
    assert refused.value.code == "rate_limited"
    assert "每天最多提 2 个问题" in refused.value.messages[0]
    assert LessonQuestion.objects.count() == 3
    # Someone else's questions are counted apart.
    ask(enrolled(open_course), lesson, "第四个问题", now=now)
    # A day after the earlier of the two, there is room again.
    ask(learner, lesson, "第五个问题", now=now + dt.timedelta(hours=22, minutes=1))


def test_the_same_question_twice_under_a_lesson_is_refused(client, learner, lesson, open_course):
    ask(learner, lesson, "下雨天怎么包装？")
    with pytest.raises(ValidationError) as refused:
        ask(learner, lesson, "  下雨天怎么包装？ ")
    assert refused.value.code == "duplicate"
    client.force_login(learner)
    response = client.post(
        reverse("courses:ask_question", args=[lesson.pk]),
        {"text": "下雨天怎么包装？"},
        follow=True,
    )
    assert "您已经在本课问过这个问题" in response.content.decode()
    assert LessonQuestion.objects.count() == 1
    # Another learner may ask the same words; so may this learner under another lesson.
    ask(enrolled(open_course), lesson, "下雨天怎么包装？")
    assert LessonQuestion.objects.count() == 2


def test_the_database_refuses_a_duplicate_and_a_hidden_row_without_a_reason(
    learner, lesson, instructor
):
    question = ask(learner, lesson, "同一个问题")
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonQuestion.objects.create(
            lesson=lesson, learner=learner, text="同一个问题", asked_at=timezone.now()
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonQuestion.objects.filter(pk=question.pk).update(
            hidden_at=timezone.now(), hidden_by=instructor
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonAnswer.objects.create(
            question=question, instructor=instructor, text="", answered_at=timezone.now()
        )


def test_plain_lines_keeps_line_breaks_and_drops_control_characters():
    assert plain_lines("第一步\r\n\r\n\r\n第二步\x00结束\u200b ") == "第一步\n\n第二步 结束"
    assert plain_lines(" \n \n") == ""


# --- Answering.


def test_instructor_answers_and_the_learner_sees_answered_with_the_answer(
    client, learner, lesson, instructor
):
    question = ask(learner, lesson)
    answer = questions.question_answer(
        question=question, instructor=instructor, text="先拍照留底，\n再联系寄件人核对。"
    )

    assert answer.instructor == instructor
    assert questions.questions_unanswered_for(instructor=instructor) == []
    client.force_login(learner)
    page = client.get(lesson.url).content.decode()
    assert "已解答" in page  # answered
    assert "先拍照留底，<br>再联系寄件人核对。" in page
    assert f"{instructor.real_name} 解答" in page


def test_a_question_may_have_several_answers(learner, lesson, instructor, school):
    colleague = InstructorFactory(organisation=school.organisation)
    question = ask(learner, lesson)
    questions.question_answer(question=question, instructor=instructor, text="第一种办法")
    questions.question_answer(question=question, instructor=colleague, text="第二种办法")
    view = questions.lesson_questions(lesson=lesson, user=learner)
    assert [a.text for a in view.items[0].visible_answers] == ["第一种办法", "第二种办法"]


def test_learner_cannot_answer_or_hide(learner, lesson, open_course):
    question = ask(learner, lesson)
    classmate = enrolled(open_course)
    for user in (learner, classmate):
        with pytest.raises(PermissionDenied):
            questions.question_answer(question=question, instructor=user, text="我来答")
        with pytest.raises(PermissionDenied):
            questions.question_hide(question=question, by=user, reason="不喜欢")
    assert not LessonAnswer.objects.exists()
    question.refresh_from_db()
    assert not question.hidden


def test_instructor_of_another_school_cannot_answer_hide_or_see_the_question(
    learner, lesson, instructor, catalogue, occupation
):
    question = ask(learner, lesson)
    answer = questions.question_answer(question=question, instructor=instructor, text="答复")
    stranger = other_school_instructor(catalogue, occupation)

    with pytest.raises(PermissionDenied):
        questions.question_answer(question=question, instructor=stranger, text="别校的答复")
    with pytest.raises(PermissionDenied):
        questions.question_hide(question=question, by=stranger, reason="越权")
    with pytest.raises(PermissionDenied):
        questions.answer_hide(answer=answer, by=stranger, reason="越权")
    ask(learner, lesson, "第二个问题")
    assert questions.questions_unanswered_for(instructor=stranger) == []
    assert questions.questions_unanswered_count(instructor=stranger) == 0
    assert not questions.lesson_questions(lesson=lesson, user=stranger).shown
    assert LessonAnswer.objects.count() == 1
    answer.refresh_from_db()
    question.refresh_from_db()
    assert not answer.hidden and not question.hidden


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty"), ("答" * (LessonAnswer.MAX_CHARS + 1), "too_long"), ("<i>答</i>", "html")],
)
def test_bad_answer_changes_nothing(learner, lesson, instructor, text, code):
    question = ask(learner, lesson)
    with pytest.raises(ValidationError) as refused:
        questions.question_answer(question=question, instructor=instructor, text=text)
    assert refused.value.code == code
    assert not LessonAnswer.objects.exists()


def test_the_same_answer_twice_is_refused(learner, lesson, instructor):
    question = ask(learner, lesson)
    questions.question_answer(question=question, instructor=instructor, text="看站里的规定")
    with pytest.raises(ValidationError):
        questions.question_answer(question=question, instructor=instructor, text="看站里的规定")
    assert LessonAnswer.objects.count() == 1


# --- What each viewer sees.


def test_other_learners_see_a_question_only_once_it_is_answered(
    client, learner, lesson, instructor, open_course
):
    waiting = ask(learner, lesson, "还没人回答的问题")
    answered = ask(learner, lesson, "已经回答的问题")
    questions.question_answer(question=answered, instructor=instructor, text="这是答复")
    classmate = enrolled(open_course)

    client.force_login(classmate)
    page = client.get(lesson.url).content.decode()
    assert answered.text in page and "这是答复" in page
    assert waiting.text not in page
    assert "您的提问" not in page  # not marked as theirs

    teacher_view = questions.lesson_questions(lesson=lesson, user=instructor)
    assert {q.pk for q in teacher_view.items} == {waiting.pk, answered.pk}
    assert teacher_view.teaches and not teacher_view.may_ask


def test_own_waiting_questions_come_first_then_the_newest_answered(
    learner, lesson, instructor, open_course
):
    now = timezone.now()
    classmate = enrolled(open_course)
    old = ask(classmate, lesson, "早的问题", now=now - dt.timedelta(hours=5))
    new = ask(classmate, lesson, "晚的问题", now=now - dt.timedelta(hours=4))
    mine = ask(learner, lesson, "我的问题", now=now - dt.timedelta(hours=3))
    questions.question_answer(
        question=new, instructor=instructor, text="答", now=now - dt.timedelta(hours=2)
    )
    questions.question_answer(
        question=old, instructor=instructor, text="答", now=now - dt.timedelta(hours=1)
    )

    view = questions.lesson_questions(lesson=lesson, user=learner)

    assert [q.pk for q in view.items] == [mine.pk, old.pk, new.pk]
    assert [q.own for q in view.items] == [True, False, False]
    assert [q.answered for q in view.items] == [False, True, True]


def test_lesson_page_takes_the_same_queries_whatever_the_number_of_questions(
    client, lesson, instructor, open_course
):
    learner = enrolled(open_course)
    client.force_login(learner)
    counts = []
    for n in (1, 6):
        while LessonQuestion.objects.filter(lesson=lesson).count() < n:
            asker = enrolled(open_course)
            question = ask(asker, lesson, f"问题 {asker.pk}")
            questions.question_answer(question=question, instructor=instructor, text="答复")
        client.get(lesson.url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(lesson.url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- Hiding.


def test_hidden_question_is_kept_leaves_the_page_and_queue_and_its_asker_sees_why(
    client, learner, lesson, instructor, open_course
):
    question = ask(learner, lesson, "骂人的话")
    questions.question_answer(question=question, instructor=instructor, text="请文明提问")
    questions.question_hide(question=question, by=instructor, reason="不文明用语")

    question.refresh_from_db()
    assert question.hidden and question.hidden_by == instructor
    assert question.hidden_reason == "不文明用语"
    assert questions.questions_unanswered_for(instructor=instructor) == []
    assert questions.lesson_questions(lesson=lesson, user=instructor).items == []
    client.force_login(enrolled(open_course))
    assert "骂人的话" not in client.get(lesson.url).content.decode()
    client.force_login(learner)
    page = client.get(lesson.url).content.decode()
    assert "骂人的话" in page and "不文明用语" in page
    with pytest.raises(ValidationError):
        questions.question_answer(question=question, instructor=instructor, text="再答一次")

    # Hiding again keeps the first reason.
    questions.question_hide(question=question, by=instructor, reason="另一个理由")
    question.refresh_from_db()
    assert question.hidden_reason == "不文明用语"


def test_hiding_the_only_answer_puts_the_question_back_in_the_queue(
    client, learner, lesson, instructor
):
    question = ask(learner, lesson)
    answer = questions.question_answer(question=question, instructor=instructor, text="答错了")
    questions.answer_hide(answer=answer, by=instructor, reason="答复有误")

    assert [i.question for i in questions.questions_unanswered_for(instructor=instructor)] == [
        question
    ]
    client.force_login(learner)
    page = client.get(lesson.url).content.decode()
    assert "答错了" not in page and "等待解答" in page
    assert LessonAnswer.objects.filter(pk=answer.pk, hidden_reason="答复有误").exists()


@pytest.mark.parametrize("reason", ["", "   ", "<b>滚</b>", "理" * 301])
def test_hiding_needs_a_plain_reason(learner, lesson, instructor, reason):
    question = ask(learner, lesson)
    with pytest.raises(ValidationError):
        questions.question_hide(question=question, by=instructor, reason=reason)
    question.refresh_from_db()
    assert not question.hidden
