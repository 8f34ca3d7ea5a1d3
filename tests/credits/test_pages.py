"""The learner's hours as pages: what was banked, for what, and what did not count."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest

from courses.models import Attendance, ClassroomSession, Cycle
from courses.services import attendance_check_in, attendance_confirm, enrolment_join
from credits.models import LedgerEntry
from credits.study import services
from tests.factories import InstructorFactory, LessonQuizFactory, UserFactory
from tests.helpers import at, lessons_of

pytestmark = pytest.mark.django_db


def watch_whole_lesson(learner, lesson):
    session, _ = services.study_session_start(learner=learner, lesson=lesson, now=at(0))
    for seq, t in enumerate(range(30, 631, 30), start=1):
        services.study_report(
            learner=learner,
            session_id=session.pk,
            seq=seq,
            lesson_id=lesson.pk,
            played=[(0, min(t, 600))],
            now=at(t),
        )
    services.study_report(
        learner=learner,
        session_id=session.pk,
        seq=99,
        lesson_id=lesson.pk,
        played=[(0, 600)],
        now=at(631),
    )


def test_hours_page_shows_total_history_courses_and_refused_time(
    client, learner, lesson, video_course
):
    watch_whole_lesson(learner, lesson)
    cheat, _ = services.study_session_start(
        learner=learner, lesson=lessons_of(video_course)[1], now=at(700)
    )
    services.study_report(
        learner=learner,
        session_id=cheat.pk,
        seq=1,
        lesson_id=cheat.lesson_id,
        played=[(0, 600)],
        now=at(710),
    )
    client.force_login(learner)
    page = client.get(reverse("credits:my_hours")).content.decode()
    assert "0.2" in page  # 9 minutes of 45 make 0.2 class hours
    assert "+9" in page and lesson.title in page and video_course.title in page
    assert "快于实际播放速度" in page  # refused seconds explained in plain words
    assert "快递员" in page  # by occupation


def test_home_shows_the_hours_banked(client, learner, lesson):
    watch_whole_lesson(learner, lesson)
    client.force_login(learner)
    page = client.get("/").content.decode()
    assert "9 分钟" in page  # the minutes first, in words
    assert "0.2" in page


def test_lesson_page_carries_the_tracker_only_for_an_enrolled_learner(client, learner, lesson):
    client.force_login(learner)
    assert "data-study-tracker" in client.get(lesson.url).content.decode()
    client.force_login(UserFactory())
    assert "data-study-tracker" not in client.get(lesson.url).content.decode()


def class_today(course, *, number, start, minutes) -> ClassroomSession:
    """A classroom session of the course's first lesson, in a cycle of its own today."""
    today = timezone.localdate()
    cycle = Cycle.objects.create(course=course, number=number, starts_on=today, ends_on=today)
    return ClassroomSession.objects.create(
        cycle=cycle,
        lesson=lessons_of(course)[0],
        venue_name="站点",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
    )


def test_checking_out_of_class_banks_the_minutes_present(client, video_course):
    learner = UserFactory()
    enrolment_join(learner=learner, course=video_course)
    start = timezone.now() - dt.timedelta(minutes=40)
    session = class_today(video_course, number=50, start=start, minutes=90)
    attendance, _ = attendance_check_in(learner=learner, session=session, now=start)
    attendance_confirm(attendance=attendance, by=InstructorFactory())  # seen in the room
    client.force_login(learner)
    response = client.post(reverse("courses:check_out", args=[session.pk]), follow=True)
    assert "已计入" in response.content.decode()
    entry = LedgerEntry.objects.get(learner=learner, kind="classroom")
    assert 39 <= entry.minutes <= 41


@pytest.mark.parametrize("page", ["credits:my_hours", "certificates:mine"])
def test_a_class_that_ended_without_check_out_is_banked_at_its_end(client, video_course, page):
    learner = UserFactory()
    enrolment_join(learner=learner, course=video_course)
    start = timezone.now() - dt.timedelta(hours=3)
    session = class_today(video_course, number=51, start=start, minutes=60)
    Attendance.objects.create(
        session=session, learner=learner, checked_in_at=start + dt.timedelta(minutes=15)
    )
    client.force_login(learner)
    client.get(reverse(page))
    assert LedgerEntry.objects.get(learner=learner, kind="classroom").minutes == 45
    client.get(reverse(page))
    assert LedgerEntry.objects.filter(learner=learner).count() == 1


def test_checking_out_before_the_instructor_confirms_banks_nothing_yet(client, video_course):
    learner = UserFactory()
    enrolment_join(learner=learner, course=video_course)
    start = timezone.now() - dt.timedelta(minutes=40)
    session = class_today(video_course, number=52, start=start, minutes=90)
    attendance, _ = attendance_check_in(learner=learner, session=session, now=start)
    client.force_login(learner)
    response = client.post(reverse("courses:check_out", args=[session.pk]), follow=True)
    assert "讲师确认你到场后" in response.content.decode()
    assert not LedgerEntry.objects.filter(learner=learner).exists()
    client.get(reverse("credits:my_hours"))
    assert not LedgerEntry.objects.filter(learner=learner).exists()

    attendance_confirm(attendance=attendance, by=InstructorFactory())
    client.get(reverse("credits:my_hours"))
    assert 39 <= LedgerEntry.objects.get(learner=learner, kind="classroom").minutes <= 41


def test_lesson_page_loads_player_and_tracker_in_its_head_and_asks_quizzes_after_the_body(
    client, learner, lesson
):
    lesson.body = [("text", "<p>夜间骑行要开灯。</p>")]
    lesson.quizzes = [LessonQuizFactory.build(title="本课小测验")]
    lesson.save_revision().publish()
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    head, body = html.split("</head>", 1)
    assert "<script" not in body and "<link" not in body
    for asset in ("media_pipeline/player.css", "media_pipeline/player.js", "credits/tracker.js"):
        assert head.count(asset) == 1, asset
    assert "data-study-tracker" in body
    player, text, quiz = (
        body.index(s) for s in ("data-nightschool-player", "夜间骑行要开灯", "本课小测验")
    )
    assert player < text < quiz
