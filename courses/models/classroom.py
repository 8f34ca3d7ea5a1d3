"""Classroom sessions of a cycle, attendance at them, and wrong check-in codes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .pages import LessonPage
from .study import Cycle


class ClassroomSession(models.Model):
    """A lesson of a cycle taught in a room: a station, a community centre."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="classroom_sessions")
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.PROTECT, related_name="classroom_sessions"
    )
    venue = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("venue organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_sessions",
    )
    venue_name = models.CharField(_("venue"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=30)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("classroom session")
        verbose_name_plural = _("classroom sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="classroom_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="classroom_has_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson.title} · {self.venue_name}"


class Attendance(models.Model):
    """A learner in a classroom session.

    A QR check-in is *pending* until the instructor confirms it on the roster (one by one,
    or all who remain listed when the roster is closed). Only a confirmed attendance ever
    gets ``checked_out_at``, and that is what banking reads: an attendance without it
    banks nothing. A learner who leaves before being confirmed has the time kept in
    ``left_at`` until the instructor decides. Rows written other than by a QR check-in (and
    every attendance from before confirmation existed) are confirmed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the instructor")
        CONFIRMED = "confirmed", _("Confirmed present")
        REMOVED = "removed", _("Removed by the instructor")

    session = models.ForeignKey(
        ClassroomSession, on_delete=models.PROTECT, related_name="attendances"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances"
    )
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="attend_once"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=F("checked_in_at")),
                name="checkout_after_checkin",
            ),
            models.CheckConstraint(
                condition=Q(status="confirmed") | Q(checked_out_at__isnull=True),
                name="only_confirmed_attendance_closes",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "confirmed", "removed"]),
                name="attendance_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.session}"


class CheckInCodeMiss(models.Model):
    """A wrong short code typed at check-in: counted to stop guessing."""

    session = models.ForeignKey(ClassroomSession, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["session", "learner", "at"], name="checkin_miss_recent")]

    def __str__(self) -> str:
        return f"{self.learner} · {self.session} · {self.at:%H:%M:%S}"
