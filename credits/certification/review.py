"""Reads for reviewers: the queue, and the evidence behind an application.

The evidence page loads everything in a fixed number of queries, whatever the number of
ledger entries, watch sessions or refusals (a test holds it to that with 5,000 entries).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Attendance
from credits.ledger.hours import class_hours
from credits.ledger.models import LedgerEntry
from credits.study.devices import device_name
from credits.study.models import (
    REFUSAL_SENTENCES,
    AttentionCheck,
    RefusalReason,
    RefusedTime,
    WatchSession,
)
from lms.accounts.models import User

from .models import Application, Certificate, CertificationProgramme, ReviewEvent

UNUSUAL_HOURS = range(1, 5)  # 01:00–04:59: studying then is possible but worth a look


def review_queue(
    *,
    reviewer: User,
    programme_id: int | None = None,
    status: str = "",
    older_than_days: int = 0,
) -> QuerySet[Application]:
    """Applications in the reviewer's organisation, oldest first."""
    if reviewer.organisation_id is None:
        return Application.objects.none()
    queue = Application.objects.filter(programme__issuer_id=reviewer.organisation_id).exclude(
        learner=reviewer
    )
    queue = queue.filter(status=status) if status else queue.filter(status__in=Application.OPEN)
    if programme_id:
        queue = queue.filter(programme_id=programme_id)
    if older_than_days:
        queue = queue.filter(submitted_at__lte=timezone.now() - dt.timedelta(days=older_than_days))
    return queue.select_related("learner", "programme").order_by("submitted_at")


def reviewer_programmes(*, reviewer: User) -> QuerySet[CertificationProgramme]:
    return CertificationProgramme.objects.filter(issuer_id=reviewer.organisation_id)


@dataclass
class Evidence:
    application: Application
    entries: list[LedgerEntry]
    sessions_by_lesson: dict[int, list[WatchSession]]
    refusals_by_session: dict[str, dict[str, float]]
    attendance: dict[int, Attendance]
    anomalies: list[str] = field(default_factory=list)
    events: list[ReviewEvent] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    certificate: Certificate | None = None
    attention: dict = field(default_factory=dict)


def application_evidence(*, application: Application, limit: int = 300) -> Evidence:
    """The frozen entries with what earned each, and the anomalies a reviewer should see."""
    learner = application.learner
    ids = [row["id"] for row in application.snapshot.get("entries", [])]
    entries = list(
        LedgerEntry.objects.filter(pk__in=ids)
        .select_related("lesson", "attendance__session", "actor")
        .order_by("seq")[:limit]
    )
    totals_by_kind = dict(
        LedgerEntry.objects.filter(pk__in=ids)
        .values("kind")
        .annotate(m=Sum("minutes"))
        .values_list("kind", "m")
    )
    lesson_ids = {e.lesson_id for e in entries if e.lesson_id}
    sessions_by_lesson, refusals_by_session = watch_evidence(learner=learner, lesson_ids=lesson_ids)
    sessions = [s for group in sessions_by_lesson.values() for s in group]
    sessions.sort(key=lambda s: s.started_at)
    attendance = {
        a.pk: a
        for a in Attendance.objects.filter(learner=learner).select_related("session__lesson")
    }
    anomalies = []
    by_reason = dict(
        RefusedTime.objects.filter(session__learner=learner)
        .exclude(reason__in=(RefusalReason.REPLAY, RefusalReason.OUT_OF_RANGE))
        .values("reason")
        .annotate(s=Sum("seconds"))
        .values_list("reason", "s")
    )
    claims = RefusedTime.objects.filter(
        session__learner=learner, reason=RefusalReason.OUT_OF_RANGE
    ).count()
    if claims:
        anomalies.append(_("%(n)s reports claimed more than could have played") % {"n": claims})
    checks = attention_summary(learner=learner)
    if checks["missed"] or checks["wrong"]:
        anomalies.append(
            _("Attention checks: %(missed)s missed, %(wrong)s answered wrongly, of %(issued)s")
            % checks
        )
    credited = sum(s.credited_seconds for s in sessions)
    refused_total = sum(by_reason.values())
    labels = dict(RefusalReason.choices)
    for reason, seconds in sorted(by_reason.items(), key=lambda kv: -kv[1]):
        if seconds >= 60:
            anomalies.append(
                _("%(reason)s: %(minutes)s min refused")
                % {"reason": labels.get(reason, reason), "minutes": round(seconds / 60)}
            )
    if credited and refused_total > credited:
        anomalies.append(
            _("More time refused (%(refused)s min) than credited (%(credited)s min)")
            % {"refused": round(refused_total / 60), "credited": round(credited / 60)}
        )
    night = [
        s
        for s in sessions
        if s.credited_seconds > 0 and timezone.localtime(s.started_at).hour in UNUSUAL_HOURS
    ]
    if night:
        anomalies.append(
            _("%(n)s watch sessions started between 01:00 and 05:00") % {"n": len(night)}
        )
    caps = (
        RefusedTime.objects.filter(session__learner=learner, reason=RefusalReason.DAILY_CAP)
        .values("at__date")
        .annotate(n=Count("id"))
        .count()
    )
    if caps:
        anomalies.append(_("Daily cap reached on %(n)s days") % {"n": caps})
    for session in sessions:
        session.refused = refusals_by_session.get(str(session.pk), {})
        session.device = device_name(session.user_agent)
        session.credited_words = seconds_words(session.credited_seconds)
        session.refusal_rows = refusal_rows(session.refused)
    for entry in entries:
        entry.sessions = sessions_by_lesson.get(entry.lesson_id, []) if entry.lesson_id else []
    return Evidence(
        application=application,
        entries=entries,
        sessions_by_lesson=sessions_by_lesson,
        refusals_by_session=refusals_by_session,
        attendance=attendance,
        anomalies=anomalies,
        events=list(application.events.select_related("actor")),
        totals={"by_kind": totals_by_kind, "count": len(ids), "shown": len(entries)},
        certificate=Certificate.objects.filter(application=application).first(),
        attention={
            **checks,
            "recent": list(
                AttentionCheck.objects.filter(learner=learner).order_by("-issued_at")[:50]
            ),
        },
    )


def seconds_words(seconds: float) -> str:
    """ "2 min 5 s", "40 s", "0 s": whole seconds, as a reviewer reads them."""
    whole = max(0, round(seconds))
    minutes, rest = divmod(whole, 60)
    if minutes:
        return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": rest}
    return _("%(seconds)s s") % {"seconds": rest}


def refusal_rows(refused: dict[str, float]) -> list[dict]:
    """A session's refused seconds by reason, largest first, each with its reason in words.
    A claim beyond what could have played is shown as a claim, with no time beside it."""
    labels = dict(RefusalReason.choices)
    rows = []
    for code, seconds in sorted(refused.items(), key=lambda kv: -kv[1]):
        claim = code in (RefusalReason.OUT_OF_RANGE, RefusalReason.REPLAY)
        rows.append(
            {
                "code": code,
                "label": labels.get(code, code),
                "sentence": REFUSAL_SENTENCES.get(code, ""),
                "time": "" if claim and seconds < 1 else seconds_words(seconds),
            }
        )
    return rows


def watch_evidence(
    *, learner: User, lesson_ids: Iterable[int]
) -> tuple[dict[int, list[WatchSession]], dict[str, dict[str, float]]]:
    """The learner's watch sessions of these lessons, and the seconds refused in each session
    by reason: the record of how the online hours were studied (two queries)."""
    sessions_by_lesson: dict[int, list[WatchSession]] = defaultdict(list)
    for session in WatchSession.objects.filter(learner=learner, lesson_id__in=lesson_ids).order_by(
        "started_at"
    ):
        sessions_by_lesson[session.lesson_id].append(session)
    refusals_by_session: dict[str, dict[str, float]] = defaultdict(dict)
    for row in (
        RefusedTime.objects.filter(session__learner=learner)
        .values("session_id", "reason")
        .annotate(s=Sum("seconds"))
    ):
        refusals_by_session[str(row["session_id"])][row["reason"]] = row["s"]
    return dict(sessions_by_lesson), dict(refusals_by_session)


def attention_summary(*, learner: User) -> dict:
    """How many checks were put to the learner, and how each ended."""
    late = Q(answered_at__isnull=True) | Q(answered_at__gt=F("due_at"))
    counts = AttentionCheck.objects.filter(learner=learner).aggregate(
        n_issued=Count("id"),
        n_passed=Count("id", filter=Q(passed=True)),
        n_wrong=Count("id", filter=Q(passed=False, answered_at__lte=F("due_at"))),
        n_missed=Count("id", filter=Q(passed=False) & late),
    )
    return {key.removeprefix("n_"): value for key, value in counts.items()}


ROSTER_HEADER = [
    "programme",
    "name",
    "phone",
    "learner group",
    "employer",
    "class hours",
    "minutes",
    "status",
    "applied",
    "certificate",
    "revoked",
]


def roster_rows(*, reviewer: User, programme_id: int | None = None) -> list[list]:
    """Applications and certificates of the reviewer's organisation, one row each."""
    applications = (
        Application.objects.filter(programme__issuer_id=reviewer.organisation_id)
        .filter(Q(programme_id=programme_id) if programme_id else Q())
        .select_related("learner__employer", "programme", "certificate")
        .order_by("programme__name_zh", "submitted_at")
    )
    rows = []
    for a in applications:
        certificate = getattr(a, "certificate", None)
        rows.append(
            [
                a.programme.name_zh,
                a.learner.real_name,
                a.learner.phone or "",
                str(a.learner.get_learner_group_display()),
                a.learner.employer.name if a.learner.employer_id else "",
                class_hours(a.counted_minutes, a.programme.minutes_per_class_hour),
                a.counted_minutes,
                str(a.get_status_display()),
                timezone.localtime(a.submitted_at).strftime("%Y-%m-%d"),
                certificate.number if certificate else "",
                "revoked" if certificate and certificate.revoked_at else "",
            ]
        )
    return rows
