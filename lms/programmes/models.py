"""Vouchers, class-opening applications and subsidy claims, each with its history."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TrainingVoucher(models.Model):
    """A voucher an HR office issues to one person. Personal: it never changes holder.

    issued → claimed (the learner accepts it) → redeemed (on enrolment) → school claimed
    (the learner completed; the school asks for the face value) → paid or refused. An
    issued or claimed voucher past its expiry becomes expired; the office may revoke one
    that is not yet redeemed. Every change is a ``VoucherEvent``.
    """

    class Kind(models.TextChoices):
        FACE_VALUE = "face_value", _("Face value")
        OFFSET = "offset", _("Offset")
        GENERAL = "general", _("General")
        TARGETED = "targeted", _("Targeted")

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        CLAIMED = "claimed", _("Claimed")
        REDEEMED = "redeemed", _("Redeemed")
        SCHOOL_CLAIMED = "school_claimed", _("Claimed by the school")
        PAID = "paid", _("Paid")
        REFUSED = "refused", _("Refused")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    ACTIVE_STATES = (State.ISSUED, State.CLAIMED)

    number = models.CharField(_("voucher number"), max_length=32, unique=True)
    programme_year = models.ForeignKey(
        "courses.ProgrammeYear", on_delete=models.PROTECT, related_name="vouchers"
    )
    hr_office = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="issued_vouchers"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vouchers"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    face_value = models.DecimalField(
        _("face value (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    target_occupation = models.ForeignKey(
        "courses.Occupation",
        verbose_name=_("target occupation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_group = models.CharField(_("target learner group"), max_length=32, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.ISSUED)
    issued_at = models.DateTimeField(_("issued at"))
    expires_on = models.DateField(_("expires on"))
    enrolment = models.OneToOneField(
        "courses.Enrolment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voucher",
    )
    school = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redeemed_vouchers",
    )

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder"],
                condition=Q(state__in=["issued", "claimed"]),
                name="one_active_voucher_per_person",
                violation_error_message=_("This person already holds an active voucher."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="targeted")
                | Q(target_occupation__isnull=False)
                | ~Q(target_group=""),
                name="targeted_voucher_names_its_target",
            ),
        ]
        indexes = [models.Index(fields=["hr_office", "state"])]
        verbose_name = _("training voucher")
        verbose_name_plural = _("training vouchers")

    def __str__(self) -> str:
        return self.number


class VoucherEvent(models.Model):
    """One change of a voucher's state: who, when, from what to what, and why."""

    voucher = models.ForeignKey(TrainingVoucher, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.voucher}: {self.from_state or '-'} → {self.to_state}"


class ClassApplication(models.Model):
    """A school's application to open a subsidised class: one cycle of one course.

    The cycle counts for subsidy only once the HR office of the school's city approved it.
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    cycle = models.OneToOneField(
        "courses.Cycle", on_delete=models.PROTECT, related_name="class_application"
    )
    school = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="class_applications"
    )
    hr_office = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    catalogue_entry = models.ForeignKey(
        "courses.CatalogueEntry", on_delete=models.PROTECT, related_name="class_applications"
    )
    teaching_plan = models.TextField(_("teaching plan"))
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("instructors")
    )
    venue = models.CharField(_("venue"), max_length=300)
    assessment_plan = models.TextField(_("assessment plan"))
    roster = models.JSONField(_("roster"), default=list, help_text="learner ids at submission")
    state = models.CharField(max_length=16, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["hr_office", "state"])]
        verbose_name = _("class-opening application")
        verbose_name_plural = _("class-opening applications")

    def __str__(self) -> str:
        return str(self.cycle)


class SubsidyClaim(models.Model):
    """The school's claim for one approved class once its cycle has ended."""

    class State(models.TextChoices):
        FILED = "filed", _("Filed")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        PAID = "paid", _("Paid")

    application = models.OneToOneField(
        ClassApplication, on_delete=models.PROTECT, related_name="claim"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.FILED)
    amount_claimed = models.DecimalField(max_digits=12, decimal_places=2)
    amount_approved = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("subsidy claim")
        verbose_name_plural = _("subsidy claims")

    def __str__(self) -> str:
        return str(self.application)


class ClaimLine(models.Model):
    """One learner of a claim: the evidence and the amount asked for them.

    ``subsidised`` marks a line that asks for money. The same person is never subsidised
    twice for one occupation and level: a constraint holds that across every claim that has
    not been refused.
    """

    claim = models.ForeignKey(SubsidyClaim, on_delete=models.CASCADE, related_name="lines")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claim_lines"
    )
    occupation = models.ForeignKey("courses.Occupation", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=2, blank=True)
    minutes = models.PositiveIntegerField()
    class_hours = models.DecimalField(max_digits=8, decimal_places=2)
    lessons_completed = models.PositiveSmallIntegerField()
    lessons_total = models.PositiveSmallIntegerField()
    sessions_attended = models.PositiveSmallIntegerField()
    assessment_passed = models.BooleanField()
    voucher = models.ForeignKey(
        TrainingVoucher, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    subsidised = models.BooleanField()
    withheld_reason = models.CharField(max_length=200, blank=True)
    refused = models.BooleanField(default=False)
    refused_reason = models.CharField(_("reason for refusing"), max_length=300, blank=True)

    class Meta:
        ordering = ["claim", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "occupation", "level"],
                condition=Q(subsidised=True, refused=False),
                name="one_subsidy_per_person_occupation_and_level",
                violation_error_message=_(
                    "This person was already subsidised for this occupation and level."
                ),
            ),
            models.UniqueConstraint(fields=["claim", "learner"], name="one_line_per_learner"),
        ]

    def __str__(self) -> str:
        return f"{self.claim}: {self.learner}"


class PersonTimeRollup(models.Model):
    """Person-times (人次) and subsidy of one HR office, added up ahead of the dashboard.

    One row per (programme year, month, school, occupation, level, demand sub-list, learner
    group). Rows whose ``learner_group`` is ``ALL_GROUPS`` count every enrolment once and carry
    the money; the other rows repeat the counts per declared group (a person in two groups is
    in both), ``NO_GROUP`` for a person who declared none, so totals never come from them.
    ``sub_list`` is empty for a course not on that year's catalogue. Rebuilt as a whole per
    office by ``lms.programmes.statistics.statistics_refresh``; never edited by hand.
    """

    ALL_GROUPS = "*"
    NO_GROUP = "-"

    hr_office = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    programme_year = models.ForeignKey(
        "courses.ProgrammeYear", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text="the first day of the month")
    school = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    district = models.CharField(max_length=50, blank=True)
    occupation = models.ForeignKey(
        "courses.Occupation", null=True, on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(max_length=2, blank=True)
    sub_list = models.CharField(max_length=32, blank=True)
    learner_group = models.CharField(max_length=32)
    trained = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    certified = models.PositiveIntegerField(default=0)
    subsidy_committed = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    subsidy_paid = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "hr_office",
                    "programme_year",
                    "month",
                    "school",
                    "occupation",
                    "level",
                    "sub_list",
                    "learner_group",
                ],
                name="one_rollup_row_per_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["hr_office", "programme_year", "learner_group", "month"],
                name="rollup_office_year_group",
            )
        ]
        verbose_name = _("person-time rollup row")
        verbose_name_plural = _("person-time rollup rows")

    def __str__(self) -> str:
        return f"{self.hr_office_id} {self.month:%Y-%m} {self.learner_group}"


class StatisticsRefresh(models.Model):
    """When an office's rollup was last rebuilt, and how long that took."""

    hr_office = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="statistics_refresh"
    )
    refreshed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("statistics refresh")
        verbose_name_plural = _("statistics refreshes")

    def __str__(self) -> str:
        return f"{self.hr_office} {self.refreshed_at:%Y-%m-%d %H:%M}"
