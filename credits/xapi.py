"""Learning records as xAPI statements: the ADL video profile for watching, cmi5 for completion.

The server sets the actor and every statement id (UUID v5 from our own row ids), so the same
record always exports as the same statement and nothing a browser sent is passed through.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db.models import Q

from courses.models import CoursePage, LessonPage
from lms.accounts.models import User

from .models import LedgerEntry, LessonProgress, ProgressReport, WatchSession

NAMESPACE = uuid.UUID("6f0f3c4e-2a4b-5c1e-9d57-0b9a1e5f4a10")
VIDEO = "https://w3id.org/xapi/video"
VERBS = {
    "played": "https://w3id.org/xapi/video/verbs/played",
    "paused": "https://w3id.org/xapi/video/verbs/paused",
    "seeked": "https://w3id.org/xapi/video/verbs/seeked",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}
EVENT_VERB = {"pause": "paused", "seeked": "seeked", "ended": "paused", "pagehide": "paused"}
EXT = VIDEO + "/extensions/"
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"


def iso_duration(seconds: float) -> str:
    seconds = max(0.0, round(seconds, 2))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{int(hours)}H{int(minutes)}M{secs:.2f}S"


def _segments(intervals: Iterable) -> str:
    return "[,]".join(f"{start:.3f}[.]{end:.3f}" for start, end in intervals)


def _actor(learner, base_url: str) -> dict:
    return {
        "objectType": "Agent",
        "name": learner.real_name or str(learner.pk),
        "account": {"homePage": base_url.rstrip("/"), "name": str(learner.pk)},
    }


def _activity(lesson, base_url: str, kind: str) -> dict:
    return {
        "objectType": "Activity",
        "id": f"{base_url.rstrip('/')}{lesson.get_url() or f'/lessons/{lesson.pk}/'}",
        "definition": {
            "type": kind,
            "name": {"zh-CN": lesson.title},
        },
    }


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def statements_for_learner(
    *, learner: User, base_url: str, lesson_ids: Iterable[int] | None = None
) -> list[dict]:
    """Every watch report and every completed lesson of one learner, oldest first; only of
    the given lessons when ``lesson_ids`` is given (a course's export)."""
    actor = _actor(learner, base_url)
    statements: list[dict] = []
    progress_rows = LessonProgress.objects.filter(learner=learner).select_related("lesson")
    reports = (
        ProgressReport.objects.filter(session__learner=learner)
        .select_related("session__lesson")
        .order_by("received_at", "id")
    )
    completions = LedgerEntry.objects.filter(learner=learner, kind="lesson").select_related(
        "lesson"
    )
    if lesson_ids is not None:
        progress_rows = progress_rows.filter(lesson_id__in=lesson_ids)
        reports = reports.filter(session__lesson_id__in=lesson_ids)
        completions = completions.filter(lesson_id__in=lesson_ids)
    durations = {p.lesson_id: p for p in progress_rows}
    for report in reports:
        lesson = report.session.lesson
        verb = EVENT_VERB.get(report.event, "played")
        progress = durations.get(lesson.pk)
        length = None
        if progress and progress.watched_seconds and report.intervals:
            length = max(end for _start, end in report.intervals)
        statements.append(
            {
                "id": str(uuid.uuid5(NAMESPACE, f"report:{report.pk}")),
                "actor": actor,
                "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
                "object": _activity(
                    lesson, base_url, "https://w3id.org/xapi/video/activity-type/video"
                ),
                "result": {
                    "extensions": {
                        EXT + "time": round(report.session.position, 3),
                        EXT + "played-segments": _segments(report.intervals),
                        EXT + "progress": round(
                            min(1.0, progress.watched_seconds / length)
                            if progress and length
                            else 0.0,
                            3,
                        ),
                    }
                },
                "context": {
                    "registration": str(uuid.uuid5(NAMESPACE, f"session:{report.session_id}")),
                    "contextActivities": {"category": [{"id": VIDEO}]},
                    "extensions": {
                        EXT + "session-id": str(report.session_id),
                        EXT + "length": round(length or 0.0, 3),
                    },
                },
                "timestamp": _stamp(report.received_at),
            }
        )
    for entry in completions:
        lesson = entry.lesson
        studied = (
            durations[lesson.pk].credited_seconds if lesson.pk in durations else entry.minutes * 60
        )
        statements.append(
            {
                "id": str(uuid.uuid5(NAMESPACE, f"ledger:{entry.pk}")),
                "actor": actor,
                "verb": {"id": VERBS["completed"], "display": {"en-US": "completed"}},
                "object": _activity(lesson, base_url, "http://adlnet.gov/expapi/activities/lesson"),
                "result": {"completion": True, "duration": iso_duration(studied)},
                "context": {
                    "registration": str(
                        uuid.uuid5(NAMESPACE, f"learner-lesson:{learner.pk}:{lesson.pk}")
                    ),
                    "contextActivities": {"category": [{"id": CMI5}, {"id": MOVEON}]},
                    "extensions": {
                        "https://w3id.org/xapi/cmi5/context/extensions/sessionid": str(
                            uuid.uuid5(NAMESPACE, f"ledger-session:{entry.pk}")
                        ),
                    },
                },
                "timestamp": _stamp(entry.created_at),
            }
        )
    statements.sort(key=lambda s: s["timestamp"])
    return statements


def statements_for_course(*, course: CoursePage, base_url: str) -> list[dict]:
    """The learning records of everyone who studied a course's lessons."""
    lesson_ids = list(LessonPage.objects.child_of(course).values_list("pk", flat=True))
    watched = WatchSession.objects.filter(lesson_id__in=lesson_ids).values("learner_id")
    banked = LedgerEntry.objects.filter(lesson_id__in=lesson_ids).values("learner_id")
    learners = User.objects.filter(Q(pk__in=watched) | Q(pk__in=banked))
    statements: list[dict] = []
    for learner in learners.order_by("pk"):
        statements.extend(
            statements_for_learner(learner=learner, base_url=base_url, lesson_ids=lesson_ids)
        )
    statements.sort(key=lambda s: s["timestamp"])
    return statements
