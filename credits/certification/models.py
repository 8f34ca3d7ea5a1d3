"""Certification: programmes, the applications to them, their review and certificates.

The tables keep the names they had in the credits app (``credits_*``): the models moved, the
data did not.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


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
        db_table = "credits_certificationprogramme"
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

    @property
    def name(self) -> str:
        """The name in the page's language: English in English when the programme has one."""
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
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
        db_table = "credits_application"
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
        db_table = "credits_reviewevent"
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
        db_table = "credits_certificate"
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
        db_table = "credits_verificationlog"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.at:%Y-%m-%d %H:%M}"
