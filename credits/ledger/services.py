"""Writes to the ledger: the only way minutes are banked, and the only way they are corrected.

Every credit goes through ``ledger_append``, which extends the learner's hash chain and moves
the running total in one transaction. Unique constraints on the entries make a repeated
credit (a retried task, a second phone, a passed quiz passed again) fail instead of counting
twice; the ``ledger_credit_*`` services turn that failure into "already banked".
"""

import datetime as dt
import math

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.lesson_facts import lesson_quiz
from courses.models import Attendance, LessonPage, QuizAttempt
from courses.services import attendance_close_ended, lesson_complete
from lms.accounts.models import User

from .chain import GENESIS, entry_content, entry_hash
from .models import LearnerBalance, LedgerEntry


@transaction.atomic
def ledger_append(
    *,
    learner: User,
    kind: str,
    minutes: int,
    lesson: LessonPage | None = None,
    attendance: Attendance | None = None,
    reference: str = "",
    reason: str = "",
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """Append one entry to a learner's chain and move the running total with it.

    The balance row is locked first, so entries of one learner are written one at a time;
    unique constraints make a repeated credit (a retried task, two phones) fail instead of
    counting twice.
    """
    balance, _created = LearnerBalance.objects.get_or_create(learner=learner)
    balance = LearnerBalance.objects.select_for_update().get(pk=balance.pk)
    entry = LedgerEntry(
        learner=learner,
        seq=balance.entries + 1,
        kind=kind,
        minutes=minutes,
        lesson=lesson,
        attendance=attendance,
        reference=reference,
        reason=reason,
        actor=actor,
        created_at=now or timezone.now(),
        prev_hash=balance.head_hash or GENESIS,
    )
    entry.hash = entry_hash(entry_content(entry), entry.prev_hash)
    entry.save(force_insert=True)
    balance.entries = entry.seq
    balance.total_minutes += minutes
    balance.head_hash = entry.hash
    balance.save(update_fields=["entries", "total_minutes", "head_hash"])
    return entry


@transaction.atomic
def ledger_adjust(
    *, learner: User, minutes: int, reason: str, actor: User, transfer: bool = False
) -> LedgerEntry:
    """A correction by an administrator: a compensating entry with who and why, never an edit."""
    if not (actor.is_superuser or actor.role == User.Role.ADMIN):
        raise PermissionError(_("Only administrators adjust a learner's hours."))
    if not reason.strip():
        raise ValueError(_("Give the reason for the adjustment."))
    if transfer and minutes <= 0:
        raise ValueError(_("A transfer in adds minutes."))
    kind = LedgerEntry.Kind.TRANSFER if transfer else LedgerEntry.Kind.ADJUSTMENT
    return ledger_append(
        learner=learner, kind=kind, minutes=minutes, reason=reason.strip(), actor=actor
    )


def _append_once(**entry) -> LedgerEntry | None:
    """``ledger_append``, or None where a unique constraint says this was credited already."""
    try:
        with transaction.atomic():
            return ledger_append(**entry)
    except IntegrityError:
        return None


def ledger_credit_lesson(
    *, learner: User, lesson: LessonPage, studied_seconds: float, now: dt.datetime
) -> LedgerEntry | None:
    """Bank a completed lesson once: the smaller of its credit and the time really studied.

    ``studied_seconds`` is the effective study time the accounting measured for the lesson;
    hours are never banked that were not studied. None when the lesson was banked before.
    """
    minutes = min(lesson.credit_minutes, math.floor(studied_seconds / 60))
    entry = _append_once(
        learner=learner, kind=LedgerEntry.Kind.LESSON, minutes=minutes, lesson=lesson, now=now
    )
    if entry is not None:
        lesson_complete(learner=learner, lesson=lesson, source="watched", now=now)
    return entry


@transaction.atomic
def ledger_credit_attendance(*, attendance: Attendance) -> LedgerEntry | None:
    """Bank a closed classroom attendance: the time actually present, at most the session."""
    if attendance.checked_out_at is None or attendance.status != Attendance.Status.CONFIRMED:
        return None  # the instructor has not confirmed the learner was in the room
    session = attendance.session
    start = max(attendance.checked_in_at, session.starts_at)
    end = min(attendance.checked_out_at, session.ends_at)
    minutes = max(0, math.floor((end - start).total_seconds() / 60))
    if LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CLASSROOM, attendance=attendance).exists():
        return None
    return _append_once(
        learner=attendance.learner,
        kind=LedgerEntry.Kind.CLASSROOM,
        minutes=minutes,
        attendance=attendance,
        lesson=session.lesson,
    )


@transaction.atomic
def ledger_credit_assessment(*, attempt: QuizAttempt) -> LedgerEntry | None:
    """Bank a passed assessment (a quiz with a class-hour credit): once per learner and quiz,
    however often it is passed again. The credit is what the quiz said when it was passed."""
    if not attempt.passed:
        return None
    quiz = lesson_quiz(lesson=attempt.lesson, key=attempt.block_id)
    minutes = quiz.credit_minutes if quiz else 0
    if minutes <= 0:
        return None
    return _append_once(
        learner=attempt.learner,
        kind=LedgerEntry.Kind.ASSESSMENT,
        minutes=minutes,
        lesson=attempt.lesson,
        reference=f"quiz:{attempt.lesson_id}:{attempt.block_id}",
        now=attempt.submitted_at,
    )


def attendance_bank_closed(*, learner: User | None = None, now: dt.datetime | None = None) -> int:
    """Close attendances whose session has ended and bank every closed one not yet banked.

    Safe to run as often as wanted: each attendance is credited once, ever.
    """
    attendance_close_ended(learner=learner, now=now)
    closed = Attendance.objects.filter(
        checked_out_at__isnull=False, status=Attendance.Status.CONFIRMED
    ).exclude(
        pk__in=LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CLASSROOM).values("attendance_id")
    )
    if learner is not None:
        closed = closed.filter(learner=learner)
    banked = 0
    for attendance in closed.select_related("session", "learner"):
        if ledger_credit_attendance(attendance=attendance):
            banked += 1
    return banked
