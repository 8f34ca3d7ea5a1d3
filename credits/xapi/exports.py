"""A learner's and a course's learning records as xAPI statements.

The server sets the actor and every id: the learner is a pseudonymous account of the platform
(``XapiAccount``), activity ids and our own IRIs stand under the configured base URL, and each
statement's id is a UUID v5 of what it describes, so a record exported again is the same
statement and a learning record store keeps it once. What goes into each statement is said in
``video`` (watching, the ADL video profile) and ``records`` (the ledger and quizzes); the
statements are documented in docs/xapi.md.
"""

from collections import defaultdict

from django.db.models import Q

from wagtail.models import Page

from courses.models import CoursePage, LessonPage, LessonQuiz, QuizAttempt
from lms.accounts.models import User

from ..ledger.models import LedgerEntry
from ..study.models import ProgressReport, WatchSession
from . import vocabulary as xv
from .models import XapiAccount
from .records import ledger_statements
from .video import video_statements


def statements_for_learner(*, learner: User) -> list[dict]:
    """Everything one learner did and banked, oldest first."""
    return _statements(learner_ids=[learner.pk], lesson_ids=None)


def statements_for_course(*, course: CoursePage) -> list[dict]:
    """The records of a course's lessons, of everyone who studied them, and nothing of any
    other course (nor a learner's transfers and adjustments, which belong to no course)."""
    lesson_ids = list(LessonPage.objects.child_of(course).values_list("pk", flat=True))
    learner_ids = (
        User.objects.filter(
            Q(pk__in=WatchSession.objects.filter(lesson_id__in=lesson_ids).values("learner_id"))
            | Q(pk__in=LedgerEntry.objects.filter(lesson_id__in=lesson_ids).values("learner_id"))
            | Q(pk__in=QuizAttempt.objects.filter(lesson_id__in=lesson_ids).values("learner_id"))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _statements(learner_ids=list(learner_ids), lesson_ids=lesson_ids)


def account_names(*, learner_ids: list[int]) -> dict[int, str]:
    """Each learner's pseudonymous account name, made the first time it is asked for."""
    names = dict(
        XapiAccount.objects.filter(learner_id__in=learner_ids).values_list("learner_id", "name")
    )
    missing = [pk for pk in learner_ids if pk not in names]
    if missing:
        XapiAccount.objects.bulk_create(
            [XapiAccount(learner_id=pk) for pk in missing], ignore_conflicts=True
        )
        names.update(
            XapiAccount.objects.filter(learner_id__in=missing).values_list("learner_id", "name")
        )
    return {pk: str(name) for pk, name in names.items()}


def _statements(*, learner_ids: list[int], lesson_ids: list[int] | None) -> list[dict]:
    if not learner_ids:
        return []
    reports = ProgressReport.objects.filter(session__learner_id__in=learner_ids)
    entries = LedgerEntry.objects.filter(learner_id__in=learner_ids)
    attempts = QuizAttempt.objects.filter(learner_id__in=learner_ids)
    if lesson_ids is not None:
        reports = reports.filter(session__lesson_id__in=lesson_ids)
        entries = entries.filter(lesson_id__in=lesson_ids)
        attempts = attempts.filter(lesson_id__in=lesson_ids)
    # In the order the accounting took them: a learner's reports on a lesson one at a time.
    reports = list(
        reports.select_related("session").order_by(
            "session__learner_id", "session__lesson_id", "id"
        )
    )
    entries = list(entries.select_related("attendance__session").order_by("learner_id", "seq"))
    attempts = list(attempts.order_by("learner_id", "submitted_at", "id"))

    names = account_names(learner_ids=learner_ids)
    real_names = dict(User.objects.filter(pk__in=learner_ids).values_list("pk", "real_name"))
    actors = {
        pk: xv.actor(account_name=names[pk], real_name=real_names.get(pk, "")) for pk in learner_ids
    }
    keys = {(r.session.learner_id, r.session.lesson_id) for r in reports}
    keys |= {(e.learner_id, e.lesson_id) for e in entries if e.lesson_id is not None}
    keys |= {(a.learner_id, a.lesson_id) for a in attempts}
    registrations = {
        (learner, lesson): xv.statement_id("registration", names[learner], lesson)
        for learner, lesson in keys
    }
    lessons = lesson_facts(lesson_ids={lesson for _learner, lesson in keys})

    statements = video_statements(
        reports=reports, actors=actors, registrations=registrations, lessons=lessons
    )
    statements += ledger_statements(
        entries=entries,
        attempts=attempts,
        actors=actors,
        registrations=registrations,
        lessons=lessons,
        studied=_studied(reports, entries),
    )
    statements.sort(key=lambda s: (s["timestamp"], s["id"]))
    return statements


def lesson_facts(*, lesson_ids: set[int]) -> dict[int, dict]:
    """Per lesson: its activity, its course's, its title and its quizzes' titles."""
    lessons = list(LessonPage.objects.filter(pk__in=lesson_ids))
    parents = {
        page.path: page
        for page in Page.objects.filter(
            path__in={lesson.path[: -lesson.steplen] for lesson in lessons}
        )
    }
    quizzes = defaultdict(dict)
    for lesson_id, key, title in LessonQuiz.objects.filter(lesson_id__in=lesson_ids).values_list(
        "lesson_id", "key", "title"
    ):
        quizzes[lesson_id][key] = title
    facts = {}
    for lesson in lessons:
        course = parents.get(lesson.path[: -lesson.steplen])
        parts = lesson.get_url_parts()
        page_url = xv.base_url() + parts[2] if parts else None
        facts[lesson.pk] = {
            "id": lesson.pk,
            "title": lesson.title,
            "activity": xv.activity(
                xv.ours(f"lessons/{lesson.pk}"), xv.LESSON_TYPE, lesson.title, page_url
            ),
            "course": xv.activity(
                xv.ours(f"courses/{course.pk if course else 0}"),
                xv.COURSE_TYPE,
                course.title if course else "",
            ),
            "quizzes": quizzes[lesson.pk],
        }
    return facts


def _studied(reports: list, entries: list) -> dict[int, float]:
    """For each banked lesson, the effective study seconds the accounting had measured when it
    banked it (its reports up to that moment); a lesson banked without watching has none."""
    credited = defaultdict(list)  # (learner, lesson) -> [(received_at, seconds so far)]
    for report in reports:
        key = (report.session.learner_id, report.session.lesson_id)
        so_far = credited[key][-1][1] if credited[key] else 0.0
        credited[key].append((report.received_at, so_far + report.credited_seconds))
    studied = {}
    for entry in entries:
        if entry.kind != LedgerEntry.Kind.LESSON:
            continue
        before = [
            s
            for at, s in credited.get((entry.learner_id, entry.lesson_id), [])
            if at <= entry.created_at
        ]
        if before:
            studied[entry.pk] = before[-1]
    return studied
