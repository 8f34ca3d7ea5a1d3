"""Writes for study time: watch sessions and the progress reports they send.

The client never says how long it studied. It says which media intervals played; the server
clips them, merges them with what was already watched, and credits new seconds no faster than
its own clock allows, never twice for the same wall-clock minutes, within the daily cap.
Every second refused is recorded with its reason. A lesson whose recording has been watched
enough is banked in the ledger (``credits.ledger.services.ledger_credit_lesson``).
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment, LessonPage
from courses.selectors import lesson_view
from credits.ledger.services import ledger_credit_lesson
from lms.accounts.models import User

from . import attention, report_sql
from . import intervals as iv
from .crediting import ReportFacts, decide
from .errors import ReportRefused
from .models import (
    LessonProgress,
    ProgressReport,
    RefusalReason,
    RefusedTime,
    StudyClock,
    WatchSession,
)
from .selectors import lesson_banked, lesson_media_duration


@dataclass
class ReportResult:
    credited: float = 0.0
    refused: dict[str, float] = field(default_factory=dict)
    completed: bool = False
    replay: bool = False
    attention: dict | None = None
    watched: float = 0.0
    duration: float = 0.0
    banked: dict | None = None  # what this report banked for the lesson, as ``lesson_banked``


def _within(seconds: float | None, duration: float) -> float | None:
    """A media position the browser gave, if it lies within the recording."""
    return seconds if seconds is not None and 0 <= seconds <= duration else None


@transaction.atomic
def study_session_start(
    *, learner: User, lesson: LessonPage, user_agent: str = "", now: dt.datetime | None = None
) -> tuple[WatchSession, LessonProgress]:
    """Open a watch session for one page view, if the learner may study this lesson now.

    What the page must show of attention checks at once is ``attention.attention_request``'s.
    """
    now = now or timezone.now()
    if (
        not lesson_view(lesson=lesson, user=learner)["may_study"]
        or learner.role != User.Role.LEARNER
    ):
        raise ReportRefused(403, "not_open", _("This lesson is not open to you."))
    duration = lesson_media_duration(lesson=lesson)
    if duration is None:
        raise ReportRefused(400, "no_recording", _("This lesson has no recording to track."))
    course = lesson.get_parent().specific
    clock, _created = StudyClock.objects.get_or_create(learner=learner)
    progress, _created = LessonProgress.objects.get_or_create(
        learner=learner, lesson=lesson, defaults={"updated_at": now}
    )
    session = WatchSession.objects.create(
        id=uuid.uuid4(),
        learner=learner,
        lesson=lesson,
        progress=progress,
        clock=clock,
        enrolment=Enrolment.objects.filter(
            learner=learner, course_id=course.pk, left_at__isnull=True
        ).first(),
        started_at=now,
        last_report_at=now,
        user_agent=user_agent[:300],
        duration=duration,
        max_rate=float(course.max_playback_rate),
        attention_checks=course.attention_checks,
    )
    return session, progress


@transaction.atomic
def study_report(
    *,
    learner: User,
    session_id: uuid.UUID,
    seq: int,
    lesson_id: int,
    played: list[tuple[float, float]],
    position: float | None = None,
    seek_from: float | None = None,
    event: str = "progress",
    now: dt.datetime | None = None,
    rng: attention.Rng | None = None,
) -> ReportResult:
    """Take one progress report and credit what it honestly can.

    The session, the learner's progress on its lesson, the learner's clock and whether the
    session's enrolment still holds are read, and locked, in one query, so a learner's reports
    are taken one at a time whatever tab or device they come from. What the lesson and course
    said was noted on the session at its start. The arithmetic is ``crediting.decide``'s.
    """
    now = now or timezone.now()
    rng = rng or attention.Rng()
    state = report_sql.report_state(session_id=session_id, learner_id=learner.pk)
    if state is None:
        raise ReportRefused(403, "unknown_session", _("This watch session is not yours."))
    session, progress, clock, enrolled = state
    if session.lesson_id != lesson_id:
        raise ReportRefused(400, "wrong_lesson", _("This watch session belongs to another lesson."))
    duration = session.duration
    result = ReportResult(duration=duration, watched=progress.watched_seconds)
    claimed = iv.normalise(played)
    clipped = iv.clip(claimed, duration)
    outside = iv.total(claimed) - iv.total(clipped)
    wall = max(0.0, (now - session.last_report_at).total_seconds())

    if seq <= session.last_seq:
        # Received before, or overtaken by a later report of the same page view, which holds
        # all of it: video.played only grows. (The unique (session, seq) constraint backs this.)
        decision = decide(
            ReportFacts(
                new_seconds=iv.total(clipped),
                outside_seconds=outside,
                duration=duration,
                rate=session.max_rate,
                idle_limit=settings.STUDY_IDLE_LIMIT_SECONDS,
                own_gap=wall,
                gap=wall,
                wall=wall,
                day_room=0.0,
                replay=True,
            )
        )
        for reason, seconds in decision.refused.items():
            RefusedTime.objects.create(session=session, reason=reason, seconds=seconds, at=now)
        result.replay = True
        result.refused = decision.refused
        return result

    progress.watched = iv.from_stored(progress.watched)
    new = iv.subtract(clipped, progress.watched)
    new_seconds = iv.total(new)

    clock_changed = attention.note_missed(clock, now)
    blocked_reason = None
    if not enrolled:
        blocked_reason = RefusalReason.NOT_ENROLLED
    elif clock.attention_blocked:
        blocked_reason = RefusalReason.ATTENTION_CHECK_FAILED
    rate = session.max_rate
    # A report counts from the previous one's arrival. Network delay varies, so arrivals can
    # be closer together than the playing was: where the learner's clock stopped only a little
    # before that arrival, the report counts from the clock instead, so an honest player's
    # last seconds are not refused again and again. Never from before the session began, and
    # never from before the clock: credit never outruns wall time.
    own_start = session.last_report_at
    grace = dt.timedelta(seconds=settings.STUDY_LATENCY_GRACE_SECONDS)
    if clock.credited_until and own_start - grace <= clock.credited_until < own_start:
        own_start = max(session.started_at, clock.credited_until)
    window_start = max(own_start, clock.credited_until or own_start)
    today = timezone.localdate(now)
    spent = clock.day_seconds if clock.day == today else 0.0
    cap = settings.STUDY_DAILY_CAP_CLASS_HOURS * settings.STUDY_MINUTES_PER_CLASS_HOUR * 60
    decision = decide(
        ReportFacts(
            new_seconds=new_seconds,
            outside_seconds=outside,
            duration=duration,
            rate=rate,
            idle_limit=settings.STUDY_IDLE_LIMIT_SECONDS,
            own_gap=max(0.0, (now - own_start).total_seconds()),
            gap=max(0.0, (now - window_start).total_seconds()),
            wall=max(wall, (now - own_start).total_seconds()),
            day_room=max(0.0, cap - spent),
            blocked_reason=blocked_reason,
        )
    )
    credit = decision.credit
    result.refused = decision.refused
    if blocked_reason == RefusalReason.ATTENTION_CHECK_FAILED:
        # Time under a missed check is spent: no later report may count it.
        clock.credited_until = max(clock.credited_until or now, now)
        clock_changed = True
    if credit > 0:
        clock.day, clock.day_seconds = today, spent + credit

    taken, _rest = iv.take(new, credit)
    report = ProgressReport(
        session=session,
        seq=seq,
        received_at=now,
        event=event[:16],
        intervals=clipped,
        new_seconds=new_seconds,
        credited_seconds=credit,
        position=_within(position, duration),
        seek_from=_within(seek_from, duration) if event == "seeked" else None,
    )
    writes = [report_sql.insert_report(report)]
    refusals = [
        report_sql.insert_refusal(
            RefusedTime(session=session, reason=reason, seconds=seconds, at=now), report=report
        )
        for reason, seconds in result.refused.items()
    ]
    if taken:
        progress.watched = iv.union(progress.watched, taken)  # stored as JSON arrays
        progress.watched_seconds = iv.total(progress.watched)
        progress.credited_seconds += credit
    if report.position is not None:
        progress.position = position
        session.position = position
    progress.updated_at = now
    session.credited_seconds += credit
    session.refused_seconds += decision.refused_time
    session.last_report_at = now
    session.last_seq = seq
    if credit > 0:
        clock.credited_until = max(
            clock.credited_until or window_start, window_start + dt.timedelta(seconds=credit / rate)
        )
        clock_changed = True
        if session.attention_checks:
            attention.count_study(
                clock=clock, credited=credit, session_id=session.pk, now=now, rng=rng
            )
    if event != "pagehide" and attention.may_offer(clock, now):
        attention.issue(clock=clock, session_id=session.pk, now=now, rng=rng)
        clock_changed = True

    threshold = settings.STUDY_COMPLETION_THRESHOLD * duration
    if progress.completed_at is None and duration and progress.watched_seconds >= threshold:
        progress.completed_at = now
        entry = ledger_credit_lesson(
            learner=learner,
            lesson=session.lesson,
            studied_seconds=progress.credited_seconds,
            now=now,
        )
        result.completed = entry is not None
        if entry is not None:
            result.banked = lesson_banked(
                minutes=entry.minutes,
                credit_minutes=session.lesson.credit_minutes,
                studied_seconds=progress.credited_seconds,
            )
    writes.append(
        report_sql.update(
            progress,
            [
                "watched",
                "watched_seconds",
                "credited_seconds",
                "position",
                "updated_at",
                "completed_at",
            ],
        )
    )
    if clock_changed:
        clock_fields = ["credited_until", "day", "day_seconds", *attention.ATTENTION_FIELDS]
        writes.append(report_sql.update(clock, clock_fields))
    session_fields = ["position", "credited_seconds", "refused_seconds", "last_report_at"]
    writes.append(report_sql.update(session, [*session_fields, "last_seq"]))
    report_sql.execute_together(writes, then=refusals)
    result.attention = attention.state(clock, now)
    result.credited = credit
    result.watched = progress.watched_seconds
    return result
