"""Migrations that move study data keep every second of it."""

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

from credits.models import LessonProgress, StudyClock, WatchSession
from tests.helpers import at, lessons_of

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("credits", "0004_session_notes_lesson_facts")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_linking_sessions_to_progress_and_clock_keeps_what_was_studied(learner, video_course):
    first, second = lessons_of(video_course)[:2]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate([BEFORE])
        Session = old.get_model("credits", "WatchSession")
        Progress = old.get_model("credits", "LessonProgress")
        Daily = old.get_model("credits", "DailyStudy")
        Progress.objects.create(
            learner_id=learner.pk,
            lesson_id=first.pk,
            watched=[[0.0, 120.0]],
            watched_seconds=120,
            credited_seconds=120,
            position=120,
            updated_at=at(120),
        )
        for n, lesson in enumerate([first, first, second]):
            Session.objects.create(
                learner_id=learner.pk,
                lesson_id=lesson.pk,
                started_at=at(1000 * n),
                last_report_at=at(1000 * n + 60),
                last_seq=3,
                credited_seconds=60,
                duration=600,
            )
        Daily.objects.create(learner_id=learner.pk, day=dt.date(2026, 11, 29), credited_seconds=900)
        Daily.objects.create(learner_id=learner.pk, day=dt.date(2026, 11, 30), credited_seconds=300)
    finally:
        migrate(latest)

    sessions = list(WatchSession.objects.select_related("progress", "clock"))
    assert len(sessions) == 3
    clock = StudyClock.objects.get(learner=learner)
    assert {s.clock_id for s in sessions} == {clock.pk}
    assert (clock.day, clock.day_seconds) == (dt.date(2026, 11, 30), 300)
    for session in sessions:
        assert (session.progress.learner_id, session.progress.lesson_id) == (
            learner.pk,
            session.lesson_id,
        )
    kept = LessonProgress.objects.get(learner=learner, lesson=first)
    assert (kept.watched, kept.credited_seconds) == ([[0.0, 120.0]], 120)
    assert LessonProgress.objects.get(learner=learner, lesson=second).watched == []
    assert LessonProgress.objects.count() == 2


def test_attention_checks_become_the_learners_and_recent_page_views_keep_their_enrolment(
    learner, video_course
):
    from django.utils import timezone

    from courses.models import Enrolment
    from credits.models import AttentionCheck

    first, second = lessons_of(video_course)[:2]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    now = timezone.now()
    try:
        old = migrate([("credits", "0009_ledger_truncate_and_balance_guarded")])
        Session = old.get_model("credits", "WatchSession")
        Progress = old.get_model("credits", "LessonProgress")
        Clock = old.get_model("credits", "StudyClock")
        Check = old.get_model("credits", "AttentionCheck")
        clock = Clock.objects.create(learner_id=learner.pk)
        sessions = []
        for lesson, last in [(first, now), (second, now - dt.timedelta(days=3))]:
            progress = Progress.objects.create(
                learner_id=learner.pk, lesson_id=lesson.pk, updated_at=last
            )
            sessions.append(
                Session.objects.create(
                    learner_id=learner.pk,
                    lesson_id=lesson.pk,
                    progress=progress,
                    clock=clock,
                    started_at=last,
                    last_report_at=last,
                    duration=600,
                    attention_blocked=lesson == first,
                )
            )
        for n, passed in enumerate([True, False]):
            Check.objects.create(
                session=sessions[0],
                number=40 + n,
                issued_at=now - dt.timedelta(minutes=10 - n),
                due_at=now - dt.timedelta(minutes=9 - n),
                passed=passed,
            )
    finally:
        migrate(latest)

    assert set(AttentionCheck.objects.values_list("learner_id", flat=True)) == {learner.pk}
    assert StudyClock.objects.get(learner=learner).attention_blocked  # the latest was missed
    enrolment = Enrolment.objects.get(learner=learner, left_at__isnull=True)
    recent, old_view = (WatchSession.objects.get(lesson=lesson) for lesson in (first, second))
    assert recent.enrolment_id == enrolment.pk
    assert old_view.enrolment_id is None  # long idle: a reload opens a page view that earns
