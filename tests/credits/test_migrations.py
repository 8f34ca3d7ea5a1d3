"""Migrations that move study data keep every second of it."""

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

from credits.models import LessonProgress, StudyClock, WatchSession
from tests.courses.conftest import lessons_of
from tests.credits.conftest import at

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
