"""Reads for study-time accounting."""

import math

from courses.lesson_facts import lesson_video_duration
from courses.models import LessonPage
from credits.ledger.models import LedgerEntry
from lms.accounts.models import User

from .models import LessonProgress


def lesson_media_duration(*, lesson: LessonPage) -> float | None:
    """The length of the lesson's recording as the server measured it, never as a browser says."""
    return lesson_video_duration(lesson=lesson)


def lesson_banked(*, minutes: int, credit_minutes: int, studied_seconds: float) -> dict:
    """What a lesson's ledger entry banked and why: the smaller of the lesson's credit and the
    minutes really studied, so the page can say which of the two it was."""
    studied = math.floor(studied_seconds / 60)
    return {
        "minutes": minutes,
        "studied_minutes": studied,
        "credit_minutes": credit_minutes,
        "capped_by_credit": studied > credit_minutes,
    }


def lesson_banked_before(
    *, learner: User, lesson: LessonPage, progress: LessonProgress
) -> dict | None:
    """The lesson's ledger entry for this learner as ``lesson_banked``, or None if not banked."""
    entry = (
        LedgerEntry.objects.filter(learner=learner, lesson=lesson, kind=LedgerEntry.Kind.LESSON)
        .only("minutes")
        .first()
    )
    if entry is None:
        return None
    return lesson_banked(
        minutes=entry.minutes,
        credit_minutes=lesson.credit_minutes,
        studied_seconds=progress.credited_seconds,
    )
