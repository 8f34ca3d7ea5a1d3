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


class RefusalReason(models.TextChoices):
    FASTER_THAN_REAL_TIME = "FASTER_THAN_REAL_TIME", _("Faster than real time")
    PARALLEL_SESSION = "PARALLEL_SESSION", _("Watched in another tab or device at the same time")
    IDLE_GAP = "IDLE_GAP", _("After a long pause without activity")
    DAILY_CAP = "DAILY_CAP", _("Beyond the daily limit")
    ATTENTION_CHECK_FAILED = "ATTENTION_CHECK_FAILED", _("After a missed attention check")
    OUT_OF_RANGE = "OUT_OF_RANGE", _("Outside the recording")
    REPLAY = "REPLAY", _("A report already received")


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
    attention_blocked = models.BooleanField(default=False)

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
    """A batch of played intervals as received, with what it earned. Replays are refused by
    the unique constraint on (session, seq)."""

    session = models.ForeignKey(WatchSession, on_delete=models.PROTECT, related_name="reports")
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

    def __str__(self) -> str:
        return f"{self.learner}: {self.credited_until}"


class DailyStudy(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="daily_study"
    )
    day = models.DateField()
    credited_seconds = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "day"], name="one_row_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} {self.day}: {self.credited_seconds:.0f}s"


class AttentionCheck(models.Model):
    session = models.ForeignKey(
        WatchSession, on_delete=models.PROTECT, related_name="attention_checks"
    )
    number = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField()
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["issued_at"]

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
