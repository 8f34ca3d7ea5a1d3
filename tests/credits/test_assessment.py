"""A passed assessment banks its class-hour credit once, through the quiz a learner submits."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest

from courses import services as course_services
from courses.models import Occupation
from credits.ledger.selectors import ledger_problems
from credits.models import LearnerBalance, LedgerEntry
from tests.factories import LessonQuizFactory, UserFactory
from tests.helpers import lessons_of, make_course, make_school

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"question": "红灯时", "choices": ["停", "走"], "correct": 1},
    {"question": "夜间骑行", "choices": ["开灯", "不开灯"], "correct": 1},
]


@pytest.fixture
def final_exam(db):
    """An end-of-course assessment worth 90 minutes, open tonight."""
    school = make_school(course_services.catalogue_get_or_create())
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    course = make_course(
        school,
        occupation,
        lessons=1,
        first=timezone.localdate(),
        weekdays="0123456",
        session_time=dt.time(0, 0),
    )
    lesson = lessons_of(course)[0]
    lesson.quizzes = [
        LessonQuizFactory.build(
            title="结业考核", pass_mark=100, questions=QUESTIONS, credit_minutes=90
        )
    ]
    lesson.save_revision().publish()
    return lesson


@pytest.fixture
def learner_in(final_exam):
    learner = UserFactory()
    course_services.enrolment_join(learner=learner, course=final_exam.get_parent().specific)
    return learner


def submit(client, lesson, answers):
    url = reverse("quiz", args=[lesson.pk, lesson.quizzes.get().key])
    return client.post(url, answers, follow=True)


def assessment_minutes(learner) -> int:
    entries = LedgerEntry.objects.filter(learner=learner, kind=LedgerEntry.Kind.ASSESSMENT)
    return sum(entries.values_list("minutes", flat=True))


def test_passing_banks_the_credit_once_however_often_it_is_passed(client, final_exam, learner_in):
    client.force_login(learner_in)
    page = submit(client, final_exam, {"q0": "1", "q1": "1"}).content.decode()
    assert "已计入 90 分钟学时" in page and assessment_minutes(learner_in) == 90
    page = submit(client, final_exam, {"q0": "1", "q1": "1"}).content.decode()
    assert "通过，得分 100%" in page and "已计入" not in page  # passed again: nothing more
    assert assessment_minutes(learner_in) == 90
    entry = LedgerEntry.objects.get(learner=learner_in, kind=LedgerEntry.Kind.ASSESSMENT)
    assert entry.lesson_id == final_exam.pk
    assert LearnerBalance.objects.get(learner=learner_in).total_minutes == 90
    assert ledger_problems()[1] == []
    hours = client.get(reverse("credits:my_hours")).content.decode()
    assert final_exam.title in hours


def test_failing_banks_nothing(client, final_exam, learner_in):
    client.force_login(learner_in)
    submit(client, final_exam, {"q0": "1", "q1": "2"})
    assert assessment_minutes(learner_in) == 0
    assert not LearnerBalance.objects.filter(learner=learner_in, total_minutes__gt=0).exists()


def test_a_quiz_without_credit_banks_nothing(client, final_exam, learner_in):
    quiz = final_exam.quizzes.get()
    quiz.title, quiz.pass_mark, quiz.credit_minutes = "小测验", 50, 0
    final_exam.quizzes = [quiz]
    final_exam.save_revision().publish()
    client.force_login(learner_in)
    submit(client, final_exam, {"q0": "1", "q1": "1"})
    assert not LedgerEntry.objects.filter(learner=learner_in).exists()


def test_someone_not_enrolled_cannot_bank_the_assessment(client, final_exam):
    outsider = UserFactory()
    client.force_login(outsider)
    response = client.post(
        reverse("quiz", args=[final_exam.pk, final_exam.quizzes.get().key]),
        {"q0": "1", "q1": "1"},
    )
    assert response.status_code == 403
    assert not LedgerEntry.objects.filter(learner=outsider).exists()
