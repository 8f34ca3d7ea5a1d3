"""Study time: the evidence of what a learner watched.

Watch sessions and progress reports are what the browser said and what the server made of it;
refused time is the part that did not count, with its reason, for the reviewer to read.
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
    OUT_OF_RANGE = "OUT_OF_RANGE", _("Claimed beyond what could have played")
    REPLAY = "REPLAY", _("A report already received")
    NOT_ENROLLED = "NOT_ENROLLED", _("After leaving the course")


# What each refusal means, in a sentence a reviewer reads beside the seconds it refused
# (docs/study-time.md gives the same meanings).
REFUSAL_SENTENCES = {
    RefusalReason.FASTER_THAN_REAL_TIME: _(
        "The report claimed more video than could have played in the time since the one before."
    ),
    RefusalReason.PARALLEL_SESSION: _(
        "Another tab or device of the learner had already used these minutes."
    ),
    RefusalReason.IDLE_GAP: _(
        "The pause between two reports was longer than the idle limit; what it claimed from "
        "before that limit does not count."
    ),
    RefusalReason.DAILY_CAP: _("The day's limit of study time had already been reached."),
    RefusalReason.ATTENTION_CHECK_FAILED: _(
        "The learner had missed or failed an attention check and had not yet passed a new one."
    ),
    RefusalReason.OUT_OF_RANGE: _(
        "The report claimed playing outside the recording or beyond what could have played: "
        "evidence of a claim, not time spent."
    ),
    RefusalReason.REPLAY: _(
        "This report had been received before: a retry, or one a later report already held."
    ),
    RefusalReason.NOT_ENROLLED: _("The learner had left the course after opening the lesson."),
}


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
    # Where the media stood when the report was made, and for a seek where it stood before
    # (the xAPI video profile's time, time-from and time-to); null when the browser did not
    # say, or said something outside the recording.
    position = models.FloatField(null=True, blank=True)
    seek_from = models.FloatField(null=True, blank=True)

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
