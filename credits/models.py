"""Study time and the class-hour ledger.

Watch sessions and progress reports are the evidence; the ledger is what a learner has banked.
Ledger rows are never updated or deleted: a correction is a new, compensating entry, and each
learner's entries form a hash chain that `manage.py verify_ledger` checks.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .ledger import CURRENT_HASH_VERSION


class RefusalReason(models.TextChoices):
    FASTER_THAN_REAL_TIME = "FASTER_THAN_REAL_TIME", _("Faster than real time")
    PARALLEL_SESSION = "PARALLEL_SESSION", _("Watched in another tab or device at the same time")
    IDLE_GAP = "IDLE_GAP", _("After a long pause without activity")
    DAILY_CAP = "DAILY_CAP", _("Beyond the daily limit")
    ATTENTION_CHECK_FAILED = "ATTENTION_CHECK_FAILED", _("After a missed attention check")
    OUT_OF_RANGE = "OUT_OF_RANGE", _("Claimed beyond what could have played")
    REPLAY = "REPLAY", _("A report already received")
    NOT_ENROLLED = "NOT_ENROLLED", _("After leaving the course")


class WatchSession(models.Model):
    """One page view of a lesson on one device. The browser names it; the server owns it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="watch_sessions"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.PROTECT, related_name="watch_sessions"
    )
    started_at = models.DateTimeField()
    last_report_at = models.DateTimeField()
    last_seq = models.IntegerField(default=-1)
    user_agent = models.CharField(max_length=300, blank=True, default="")
    credited_seconds = models.FloatField(default=0)
    refused_seconds = models.FloatField(default=0)
    position = models.FloatField(default=0)
    # The enrolment this page view was opened under: once it is left, the page view earns
    # nothing more (read with the session, in the report's one query).
    enrolment = models.ForeignKey(
        "courses.Enrolment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="watch_sessions",
    )
    # What the lesson and its course said when the session began, so that each report needs
    # no page or video lookups: the recording's length, the fastest rate that counts, and
    # whether the course asks attention checks.
    duration = models.FloatField(default=0)
    max_rate = models.FloatField(default=1)
    attention_checks = models.BooleanField(default=False)
    # The rows a report reads and locks with the session, in the same query: what this
    # learner watched of this lesson, and the learner's clock.
    progress = models.ForeignKey(
        "LessonProgress", on_delete=models.PROTECT, related_name="sessions"
    )
    clock = models.ForeignKey("StudyClock", on_delete=models.PROTECT, related_name="sessions")

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["learner", "lesson"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(credited_seconds__gte=0), name="session_credit_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.lesson_id} · {self.started_at:%Y-%m-%d %H:%M}"


class ProgressReport(models.Model):
    """A batch of played intervals as received, with what it earned. A sequence number at or
    below the session's last is a replay; the unique constraint on (session, seq) backs that."""

    # No index of its own: the unique (session, seq) index serves lookups by session.
    session = models.ForeignKey(
        WatchSession, on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    seq = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    event = models.CharField(max_length=16)
    intervals = models.JSONField(default=list)
    new_seconds = models.FloatField(default=0)
    credited_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="report_seen_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} #{self.seq}"


class RefusedTime(models.Model):
    """Seconds that did not count, and why: the evidence a reviewer reads."""

    session = models.ForeignKey(WatchSession, on_delete=models.PROTECT, related_name="refusals")
    report = models.ForeignKey(
        ProgressReport, on_delete=models.PROTECT, null=True, blank=True, related_name="refusals"
    )
    reason = models.CharField(max_length=32, choices=RefusalReason.choices)
    seconds = models.FloatField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        constraints = [
            models.CheckConstraint(condition=Q(seconds__gte=0), name="refused_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.seconds:.0f}s"


class LessonProgress(models.Model):
    """What of a lesson's recording a learner has watched, across every cycle and device."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.PROTECT, related_name="progress"
    )
    watched = models.JSONField(default=list)
    watched_seconds = models.FloatField(default=0)
    credited_seconds = models.FloatField(default=0)
    position = models.FloatField(default=0)
    updated_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="one_progress_per_lesson"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.lesson_id}: {self.watched_seconds:.0f}s"


class StudyClock(models.Model):
    """Per learner: the wall-clock time already spent crediting, so two tabs or two phones
    never earn twice for the same minutes. Its row is also the learner's lock."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="study_clock"
    )
    credited_until = models.DateTimeField(null=True, blank=True)
    # Seconds credited on the learner's current local day, for the daily cap: kept here so a
    # report touches one row per learner.
    day = models.DateField(null=True, blank=True)
    day_seconds = models.FloatField(default=0)
    # Attention checks are the learner's, not a page view's: a missed check bars credit in
    # every tab, device and lesson until a new one is passed, and the schedule runs on across
    # page views and lessons, so short lessons get checks too.
    attention_blocked = models.BooleanField(default=False)
    attention_check = models.ForeignKey(
        "AttentionCheck", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # With a check pending, its deadline; with none pending while barred, the earliest moment
    # a new one is offered (a pause after a wrong answer, so guessing costs time).
    attention_due_at = models.DateTimeField(null=True, blank=True)
    # Seconds of credited study (in courses that ask checks) still to go before the next check.
    attention_after = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.learner}: {self.credited_until}"


class AttentionCheck(models.Model):
    """One check put to a learner, kept with its answer or its miss as evidence.

    The number to type is drawn into an image shown in the lesson page's dialog; it never
    travels as a field of the API's replies.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attention_checks"
    )
    session = models.ForeignKey(
        WatchSession, on_delete=models.PROTECT, related_name="attention_checks_made"
    )
    number = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField()
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["issued_at"]
        indexes = [models.Index(fields=["learner", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.session_id} {self.number} {self.passed}"


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson completed")
        CLASSROOM = "classroom", _("Classroom attendance")
        ASSESSMENT = "assessment", _("Assessment passed")
        TRANSFER = "transfer", _("Transfer in")
        ADJUSTMENT = "adjustment", _("Adjustment")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    minutes = models.IntegerField()
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendance = models.ForeignKey(
        "courses.Attendance", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(max_length=100, blank=True, default="")
    reason = models.CharField(max_length=300, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # 1: plain SHA-256 (entries from before the ledger key); 2: HMAC-SHA256 (credits.ledger).
    hash_version = models.PositiveSmallIntegerField(default=CURRENT_HASH_VERSION)

    class Meta:
        ordering = ["learner", "seq"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.UniqueConstraint(fields=["learner", "seq"], name="ledger_seq_unique"),
            models.UniqueConstraint(
                fields=["learner", "lesson"],
                condition=Q(kind="lesson"),
                name="lesson_credited_once",
            ),
            models.UniqueConstraint(
                fields=["attendance"],
                condition=Q(kind="classroom"),
                name="attendance_credited_once",
            ),
            models.UniqueConstraint(
                fields=["learner", "reference"],
                condition=Q(kind="assessment"),
                name="assessment_credited_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="adjustment") | Q(minutes__gte=0),
                name="only_adjustments_debit",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["adjustment", "transfer"])
                | (~Q(reason="") & Q(actor__isnull=False)),
                name="adjustment_has_actor_and_reason",
            ),
            models.CheckConstraint(condition=Q(seq__gte=1), name="ledger_seq_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} #{self.seq} {self.kind} {self.minutes:+d} min"


class LearnerBalance(models.Model):
    """Running totals per learner, updated in the same transaction as each entry."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="balance"
    )
    total_minutes = models.IntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(entries__gte=0), name="entries_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.learner}: {self.total_minutes} min"


# --- Certification.


class CertificationProgramme(models.Model):
    """What a certificate requires, and who issues it."""

    class Assessment(models.TextChoices):
        COURSE_QUIZ = "course_quiz", _("Pass every quiz of the required courses")
        EXAM = "exam", _("An exam result recorded by the reviewer")

    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True, default="")
    issuer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("issuing organisation"),
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": "evaluation"},
    )
    occupation = models.ForeignKey(
        "courses.Occupation",
        verbose_name=_("occupation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    level = models.CharField(_("level"), max_length=2, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    class_hours_required = models.DecimalField(
        _("class hours required in total"), max_digits=6, decimal_places=1
    )
    occupation_class_hours = models.DecimalField(
        _("of which for this occupation"),
        max_digits=6,
        decimal_places=1,
        default=0,
        help_text=_("Class hours that must come from courses of the programme's occupation."),
    )
    required_courses = models.ManyToManyField(
        "courses.CoursePage", verbose_name=_("required courses"), blank=True, related_name="+"
    )
    window_months = models.PositiveSmallIntegerField(
        _("hours count from the last (months)"), default=24
    )
    assessment = models.CharField(
        _("assessment"), max_length=16, choices=Assessment.choices, default=Assessment.COURSE_QUIZ
    )
    exam_pass_mark = models.PositiveSmallIntegerField(_("exam pass mark (%)"), default=60)
    minutes_per_class_hour = models.PositiveSmallIntegerField(
        _("minutes per class hour"), default=45
    )
    daily_cap_class_hours = models.PositiveSmallIntegerField(
        _("daily cap (class hours)"), default=8
    )
    validity_years = models.PositiveSmallIntegerField(
        _("certificate valid for (years)"), null=True, blank=True
    )
    active = models.BooleanField(_("open for applications"), default=True)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("certification programme")
        verbose_name_plural = _("certification programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(class_hours_required__gt=0), name="programme_requires_hours"
            ),
            models.CheckConstraint(
                condition=Q(occupation_class_hours__lte=models.F("class_hours_required")),
                name="occupation_hours_within_total",
            ),
            models.CheckConstraint(
                condition=Q(minutes_per_class_hour__gt=0), name="class_hour_has_minutes"
            ),
        ]

    def __str__(self) -> str:
        return self.name_zh


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        MORE_INFO = "more_info", _("More information asked")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    OPEN = (Status.SUBMITTED, Status.MORE_INFO)

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    programme = models.ForeignKey(
        CertificationProgramme, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True, default="")
    learner_note = models.TextField(blank=True, default="")
    exam_score = models.PositiveSmallIntegerField(null=True, blank=True)
    # The frozen snapshot: what was counted when the learner applied.
    snapshot = models.JSONField(default=dict)
    counted_minutes = models.IntegerField(default=0)
    chain_head_hash = models.CharField(max_length=64)
    chain_head_seq = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "programme"],
                condition=Q(status__in=["submitted", "more_info"]),
                name="one_open_application_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(exam_score__isnull=True) | Q(exam_score__lte=100),
                name="exam_score_is_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.programme} · {self.status}"


class ReviewEvent(models.Model):
    """The audit log: every reviewer action on an application, never edited."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Opened the application")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        MORE_INFO = "more_info", _("Asked for more information")
        EXAM_RECORDED = "exam_recorded", _("Recorded an exam result")
        RESUBMITTED = "resubmitted", _("Learner answered")
        REVOKED = "revoked", _("Revoked the certificate")
        EXPORTED = "exported", _("Exported a roster")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    reason = models.TextField(blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.application_id}"


class Certificate(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="certificate"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    programme = models.ForeignKey(
        CertificationProgramme, on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(max_length=32, unique=True)
    public_id = models.CharField(max_length=32, unique=True)
    status_index = models.PositiveIntegerField(unique=True)
    minutes = models.PositiveIntegerField()
    activity_start = models.DateField(null=True, blank=True)
    activity_end = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    credential = models.JSONField(default=dict)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True, default="")
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class VerificationLog(models.Model):
    """Each time anyone checks a certificate: when, and how (no personal data of the checker)."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="verifications"
    )
    at = models.DateTimeField()
    via = models.CharField(max_length=16)
    user_agent = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.at:%Y-%m-%d %H:%M}"
