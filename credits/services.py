"""Writes for study time and the ledger.

The client never says how long it studied. It says which media intervals played; the server
clips them, merges them with what was already watched, and credits new seconds no faster than
its own clock allows, never twice for the same wall-clock minutes, within the daily cap.
Every second refused is recorded with its reason.
"""

import datetime as dt
import math
import secrets
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Attendance, Enrolment, LessonPage, QuizAttempt
from courses.selectors import lesson_quiz, lesson_view
from courses.services import lesson_complete
from lms.accounts.models import User

from . import attention, report_sql
from . import intervals as iv
from .crediting import ReportFacts, decide
from .errors import ReportRefused
from .ledger import GENESIS, entry_content, entry_hash
from .models import (
    LearnerBalance,
    LedgerEntry,
    LessonProgress,
    ProgressReport,
    RefusalReason,
    RefusedTime,
    StudyClock,
    WatchSession,
)
from .selectors import lesson_media_duration

__all__ = ["ReportRefused"]  # raised by these services; the API catches it from here


@dataclass
class ReportResult:
    credited: float = 0.0
    refused: dict[str, float] = field(default_factory=dict)
    completed: bool = False
    replay: bool = False
    attention: dict | None = None
    watched: float = 0.0
    duration: float = 0.0


# --- The ledger.


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


def _credit_lesson(*, learner: User, lesson: LessonPage, progress: LessonProgress, now) -> bool:
    """Bank a completed lesson once: the smaller of its credit and the time really studied."""
    minutes = min(lesson.credit_minutes, math.floor(progress.credited_seconds / 60))
    entry = _append_once(
        learner=learner, kind=LedgerEntry.Kind.LESSON, minutes=minutes, lesson=lesson, now=now
    )
    if entry is None:
        return False
    lesson_complete(learner=learner, lesson=lesson, source="watched", now=now)
    return True


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


# --- Study sessions and progress reports.


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
    if position is not None and 0 <= position <= duration:
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
        result.completed = _credit_lesson(
            learner=learner, lesson=session.lesson, progress=progress, now=now
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


def attendance_bank_closed(*, learner: User | None = None, now: dt.datetime | None = None) -> int:
    """Close attendances whose session has ended and bank every closed one not yet banked.

    Safe to run as often as wanted: each attendance is credited once, ever.
    """
    from courses.services import attendance_close_ended

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


# --- Certification: applying, reviewing, issuing, revoking.


def reviewer_may_review(*, reviewer: User, application) -> bool:
    """A reviewer of the issuing organisation, never for their own application."""
    return bool(
        reviewer.is_active
        and reviewer.role == User.Role.REVIEWER
        and reviewer.organisation_id is not None
        and reviewer.organisation_id == application.programme.issuer_id
        and application.learner_id != reviewer.pk
    )


@transaction.atomic
def application_submit(*, learner: User, programme, note: str = "", now: dt.datetime | None = None):
    """Apply, freezing what was counted: the entries, their totals and the chain's head."""
    from .eligibility import programme_eligibility
    from .models import Application

    now = now or timezone.now()
    attendance_bank_closed(learner=learner, now=now)  # a class that has ended counts
    balance, _created = LearnerBalance.objects.get_or_create(learner=learner)
    balance = LearnerBalance.objects.select_for_update().get(pk=balance.pk)
    if not programme.active:
        raise ValidationError(_("This programme is not taking applications."))
    eligibility = programme_eligibility(learner=learner, programme=programme, now=now)
    if eligibility.certificate is not None:
        raise ValidationError(_("You already hold this certificate."))
    if eligibility.open_application is not None:
        raise ValidationError(_("Your application is already with the reviewers."))
    if not eligibility.eligible:
        raise ValidationError(
            _("Not yet eligible. Still missing: %(missing)s")
            % {"missing": "；".join(eligibility.missing)}
        )
    snapshot = {
        "entries": [
            {
                "id": e.pk,
                "seq": e.seq,
                "kind": e.kind,
                "minutes": e.minutes,
                "lesson": e.lesson_id,
                "attendance": e.attendance_id,
                "created_at": e.created_at.isoformat(),
                "hash": e.hash,
            }
            for e in eligibility.entries
        ],
        "requirements": [{"label": str(r.label), "met": r.met} for r in eligibility.requirements],
        "counted_minutes": eligibility.counted_minutes,
        "required_minutes": eligibility.required_minutes,
        "minutes_per_class_hour": programme.minutes_per_class_hour,
    }
    application = Application.objects.create(
        learner=learner,
        programme=programme,
        submitted_at=now,
        snapshot=snapshot,
        counted_minutes=eligibility.counted_minutes,
        chain_head_hash=balance.head_hash,
        chain_head_seq=balance.entries,
        learner_note=note.strip()[:2000],
    )
    return application


def _log(*, application, actor: User, action: str, reason: str = "", now=None, **detail):
    from .models import ReviewEvent

    return ReviewEvent.objects.create(
        application=application,
        actor=actor,
        action=action,
        reason=reason,
        detail=detail,
        at=now or timezone.now(),
    )


def _locked_open_application(application_id: int):
    from .models import Application

    application = (
        Application.objects.select_for_update().select_related("programme").get(pk=application_id)
    )
    if application.status not in Application.OPEN:
        raise ValidationError(_("This application has already been decided."))
    return application


def _require_scope(reviewer: User, application) -> None:
    if not reviewer_may_review(reviewer=reviewer, application=application):
        raise PermissionError(_("This application is not yours to review."))


@transaction.atomic
def application_record_exam(*, reviewer: User, application_id: int, score: int, reason: str):
    application = _locked_open_application(application_id)
    _require_scope(reviewer, application)
    if not 0 <= score <= 100:
        raise ValidationError(_("An exam score is between 0 and 100."))
    application.exam_score = score
    application.save(update_fields=["exam_score"])
    _log(
        application=application, actor=reviewer, action="exam_recorded", reason=reason, score=score
    )
    return application


@transaction.atomic
def application_decide(
    *,
    reviewer: User,
    application_id: int,
    action: str,
    reason: str,
    now: dt.datetime | None = None,
    base_url: str = "",
):
    """Approve, reject or ask for more; each with a reason, each in the audit log.

    An approval checks that the entries frozen at application are still in the learner's
    chain, unchanged, before it issues the certificate.
    """
    from .models import Application, CertificationProgramme

    now = now or timezone.now()
    application = _locked_open_application(application_id)
    _require_scope(reviewer, application)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give a reason for the decision."))
    if action == "more_info":
        application.status = Application.Status.MORE_INFO
        application.decision_reason = reason
        application.save(update_fields=["status", "decision_reason"])
        _log(application=application, actor=reviewer, action="more_info", reason=reason, now=now)
        return application
    if action == "reject":
        application.status = Application.Status.REJECTED
    elif action == "approve":
        programme = application.programme
        if programme.assessment == CertificationProgramme.Assessment.EXAM and (
            application.exam_score is None or application.exam_score < programme.exam_pass_mark
        ):
            raise ValidationError(
                _("Record a passing exam result (at least %(mark)s%%) before approving.")
                % {"mark": programme.exam_pass_mark}
            )
        _check_snapshot_still_holds(application)
        application.status = Application.Status.APPROVED
    else:
        raise ValidationError(_("Unknown decision."))
    application.decided_at = now
    application.decided_by = reviewer
    application.decision_reason = reason
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    _log(
        application=application,
        actor=reviewer,
        action="approved" if action == "approve" else "rejected",
        reason=reason,
        now=now,
    )
    if application.status == Application.Status.APPROVED:
        certificate_issue(application=application, now=now, base_url=base_url)
    return application


def _check_snapshot_still_holds(application) -> None:
    from .ledger import check_chain

    entries = LedgerEntry.objects.filter(learner=application.learner).order_by("seq", "id")
    balance = LearnerBalance.objects.filter(learner=application.learner).first()
    if check_chain(application.learner_id, entries, balance):
        raise ValidationError(_("The learner's ledger does not verify; approval is blocked."))
    frozen = {row["id"]: row["hash"] for row in application.snapshot.get("entries", [])}
    current = dict(LedgerEntry.objects.filter(pk__in=frozen).values_list("pk", "hash"))
    if current != frozen:
        raise ValidationError(
            _("Entries counted at application have changed; approval is blocked.")
        )


@transaction.atomic
def application_respond(*, learner: User, application_id: int, note: str):
    from .models import Application

    application = Application.objects.select_for_update().get(pk=application_id, learner=learner)
    if application.status != Application.Status.MORE_INFO:
        raise ValidationError(_("Nothing was asked of you on this application."))
    if not note.strip():
        raise ValidationError(_("Write your answer for the reviewer."))
    application.status = Application.Status.SUBMITTED
    application.learner_note = note.strip()[:2000]
    application.save(update_fields=["status", "learner_note"])
    _log(application=application, actor=learner, action="resubmitted", reason=note.strip()[:2000])
    return application


@transaction.atomic
def certificate_issue(*, application, now: dt.datetime | None = None, base_url: str = ""):
    """A numbered certificate with an unguessable public id and its own status-list index."""
    from .models import Certificate

    now = now or timezone.now()
    entries = application.snapshot.get("entries", [])
    days = sorted(e["created_at"][:10] for e in entries)
    programme = application.programme
    certificate = Certificate.objects.create(
        application=application,
        learner=application.learner,
        programme=programme,
        number=f"pending-{secrets.token_hex(8)}",
        public_id=secrets.token_urlsafe(16),
        status_index=0,
        minutes=max(application.counted_minutes, 0),
        issued_at=now,
        valid_until=(
            now.replace(year=now.year + programme.validity_years)
            if programme.validity_years
            else None
        ),
        activity_start=dt.date.fromisoformat(days[0]) if days else None,
        activity_end=dt.date.fromisoformat(days[-1]) if days else None,
    )
    certificate.number = f"NS-{now:%Y}-{certificate.pk:06d}"
    certificate.status_index = certificate.pk
    from .certificates import certificate_sign

    certificate.credential = certificate_sign(certificate=certificate)
    certificate.save(update_fields=["number", "status_index", "credential"])
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User, certificate_id: int, reason: str, now=None):
    from .models import Certificate

    certificate = (
        Certificate.objects.select_for_update()
        .select_related("programme", "application")
        .get(pk=certificate_id)
    )
    allowed = actor.is_superuser or (
        actor.role == User.Role.REVIEWER
        and actor.organisation_id == certificate.programme.issuer_id
    )
    if not allowed or not actor.is_active:
        raise PermissionError(_("Only the issuing organisation revokes its certificates."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for revoking."))
    if certificate.revoked_at is None:
        certificate.revoked_at = now or timezone.now()
        certificate.revoked_reason = reason.strip()
        certificate.revoked_by = actor
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        _log(
            application=certificate.application,
            actor=actor,
            action="revoked",
            reason=reason.strip(),
            now=certificate.revoked_at,
        )
    return certificate


def review_log_viewed(*, reviewer: User, application) -> None:
    _log(application=application, actor=reviewer, action="viewed")


def review_log_export(*, reviewer: User, rows: int, fmt: str) -> None:
    _log(application=None, actor=reviewer, action="exported", rows=rows, format=fmt)
