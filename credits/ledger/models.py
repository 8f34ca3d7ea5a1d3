"""The class-hour ledger: what a learner has banked.

Ledger rows are never updated or deleted: a correction is a new, compensating entry, and each
learner's entries form a hash chain that `manage.py verify_ledger` checks.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .chain import CURRENT_HASH_VERSION


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
    # 1: plain SHA-256 (entries from before the ledger key); 2: HMAC-SHA256 (credits.ledger.chain).
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
