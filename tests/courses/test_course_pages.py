"""Course, lesson and catalogue pages, as a learner meets them."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from courses import services
from courses.models import LessonCompletion, Occupation, QuizAttempt
from tests.factories import LessonQuizFactory, UserFactory
from tests.helpers import lessons_of, make_course

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["course", "lesson"])
def test_pages_take_the_same_queries_whatever_the_number_of_lessons(
    client, school, occupation, page
):
    learner = UserFactory()
    client.force_login(learner)
    counts = []
    for n, lessons in enumerate([2, 12]):
        course = make_course(
            school,
            occupation,
            title=f"课程{n}",
            lessons=lessons,
            first=timezone.localdate() - dt.timedelta(days=3),
            weekdays="0123456",
        )
        services.enrolment_join(learner=learner, course=course)
        for lesson in lessons_of(course)[:2]:
            services.lesson_complete(learner=learner, lesson=lesson, source="quiz")
        url = course.url if page == "course" else lessons_of(course)[1].url
        count_queries(client, url)  # warm caches (site root, translations)
        counts.append(count_queries(client, url))
    assert counts[0] == counts[1]


def test_course_page_shows_state_lessons_and_join_button(client, course):
    services.cycles_roll_ahead(course=course)
    client.force_login(UserFactory())
    page = client.get(course.url).content.decode()
    assert "加入课程" in page
    assert "第1课" in page and "第8课" in page


def test_catalogue_filters_by_occupation_and_demand_list(client, school, occupation):
    make_course(school, occupation, title="快递员入门", lessons=1)
    cook = Occupation.objects.create(code="4-03-02-01", name_zh="中式烹调师", green=True)
    make_course(school, cook, title="家常菜", lessons=1)
    catalogue = school.get_parent()

    by_occupation = client.get(catalogue.url, {"occupation": "4-02-07-08"}).content.decode()
    urgent = client.get(catalogue.url, {"demand": "URGENT_SHORTAGE"}).content.decode()
    green = client.get(catalogue.url, {"demand": "GREEN"}).content.decode()

    assert "快递员入门" in by_occupation and "家常菜" not in by_occupation
    assert "快递员入门" in urgent and "家常菜" not in urgent
    assert "家常菜" in green and "快递员入门" not in green


def test_the_catalogue_offers_one_list_filter_in_a_couriers_words(client, school, occupation):
    make_course(school, occupation, title="快递员入门", lessons=1)
    page = client.get(school.get_parent().url).content.decode()
    assert 'name="demand"' not in page and "需求目录" not in page
    assert "<legend>有补贴的课</legend>" in page
    assert page.count('name="subsidised"') == 1


def test_catalogue_search_finds_courses_by_title(client, school, occupation):
    from django.core.management import call_command

    make_course(school, occupation, title="电动车安全骑行", lessons=1)
    make_course(school, occupation, title="客户沟通技巧", lessons=1)
    call_command("update_index", verbosity=0)
    page = client.get(school.get_parent().url, {"q": "安全骑行"}).content.decode()
    assert "电动车安全骑行" in page
    assert "客户沟通技巧" not in page


def test_lesson_is_closed_to_someone_not_enrolled(client, course):
    client.force_login(UserFactory())
    page = client.get(lessons_of(course)[0].url).content.decode()
    assert "加入课程后即可学习本课" in page


def test_quiz_is_graded_on_the_server_and_a_pass_completes_a_text_lesson(
    client, school, occupation
):
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
            title="小测验",
            pass_mark=50,
            questions=[
                {"question": "红灯时", "choices": ["停", "走"], "correct": 1},
                {"question": "夜间骑行", "choices": ["开灯", "不开灯"], "correct": 1},
            ],
        )
    ]
    lesson.save_revision().publish()
    learner = UserFactory()
    services.enrolment_join(learner=learner, course=course)
    client.force_login(learner)
    block_id = lesson.quizzes.get().key
    url = reverse("quiz", args=[lesson.pk, block_id])

    client.post(url, {"q0": "2", "q1": "2"})
    assert not LessonCompletion.objects.filter(learner=learner).exists()
    client.post(url, {"q0": "1"})  # incomplete: refused, nothing recorded
    assert QuizAttempt.objects.filter(learner=learner).count() == 1
    client.post(url, {"q0": "1", "q1": "2"})

    assert QuizAttempt.objects.filter(learner=learner, passed=True, score=50).exists()
    assert LessonCompletion.objects.filter(learner=learner, lesson=lesson, source="quiz").exists()


def test_quiz_of_a_lesson_not_open_to_the_learner_is_refused(client, course):
    learner = UserFactory()
    client.force_login(learner)
    response = client.post(reverse("quiz", args=[lessons_of(course)[0].pk, "x"]), {})
    assert response.status_code == 403


def test_roster_shows_who_is_behind_and_only_to_the_schools_instructors(client, course, instructor):
    from courses.models import Cycle

    services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 1), horizon_days=30)
    ahead, behind = UserFactory(real_name="勤快"), UserFactory(real_name="落后")
    joined = timezone.make_aware(dt.datetime(2026, 11, 2, 12))
    for learner in (ahead, behind):
        services.enrolment_join(learner=learner, course=course, now=joined)
    for lesson in lessons_of(course)[:4]:
        services.lesson_complete(learner=ahead, lesson=lesson, source="quiz")
    cycle = Cycle.objects.get(course=course, number=1)

    client.force_login(instructor)
    page = client.get(reverse("courses:roster", args=[cycle.pk])).content.decode()
    assert page.index("落后") < page.index("勤快")

    client.force_login(behind)
    assert client.get(reverse("courses:roster", args=[cycle.pk])).status_code == 403
