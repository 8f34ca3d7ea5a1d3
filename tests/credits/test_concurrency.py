"""Many connections report the last seconds of one lesson at the same moment: exactly one
lesson credit, and the chain still verifies. Runs in the PostgreSQL pass, where row locks are
real; SQLite serialises every writer anyway."""

import threading

from django.db import connection, connections

import pytest

from credits.ledger.selectors import ledger_problems
from credits.models import LedgerEntry, LessonProgress
from credits.study import services
from tests.helpers import at

pytestmark = pytest.mark.django_db(transaction=True)

REPORTERS = 12


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-lock concurrency runs in the PostgreSQL pass"
)
def test_many_connections_completing_one_lesson_credit_it_once(learner, lesson):
    # Everything but the last seconds has been watched, honestly, long ago.
    warm, _ = services.study_session_start(learner=learner, lesson=lesson, now=at(0))
    for seq, t in enumerate(range(30, 541, 30), start=1):
        services.study_report(
            learner=learner,
            session_id=warm.pk,
            seq=seq,
            lesson_id=lesson.pk,
            played=[(0, t)],
            now=at(t),
        )
    sessions = [
        services.study_session_start(learner=learner, lesson=lesson, now=at(600))[0]
        for _ in range(REPORTERS)
    ]
    barrier = threading.Barrier(REPORTERS)
    errors: list[BaseException] = []

    def report(session):
        try:
            barrier.wait(timeout=30)
            services.study_report(
                learner=learner,
                session_id=session.pk,
                seq=1,
                lesson_id=lesson.pk,
                played=[(0, 600)],
                now=at(900),
            )
        except BaseException as exc:  # noqa: BLE001 - collected and re-raised below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert LedgerEntry.objects.filter(learner=learner, kind="lesson", lesson=lesson).count() == 1
    progress = LessonProgress.objects.get(learner=learner, lesson=lesson)
    assert progress.watched_seconds == pytest.approx(600)
    assert progress.credited_seconds <= 900 + 1e-6
    checked, problems = ledger_problems()
    assert checked >= 1 and problems == []
