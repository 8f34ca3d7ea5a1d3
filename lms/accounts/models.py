from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.search import index


class Organisation(index.Indexed, models.Model):
    """A training school, an employer (express company, station) or an evaluation body."""

    class Kind(models.TextChoices):
        TRAINING_SCHOOL = "training_school", _("Training school")
        EMPLOYER = "employer", _("Employer")
        EVALUATION = "evaluation", _("Evaluation organisation")
        HR_OFFICE = "hr_office", _("Human resources office")
        COMMUNITY_CENTRE = "community_centre", _("Community centre")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("belongs to"),
        help_text=_("A station belongs to its express company."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, default=""
    )
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True, default="")
    city = models.CharField(
        _("city"),
        max_length=50,
        blank=True,
        default="",
        help_text=_("An HR office sees the schools, classes and learners of its own city."),
    )
    district = models.CharField(_("district"), max_length=50, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Everyone who signs in. Learners sign in by phone; staff may also use email."""

    class Role(models.TextChoices):
        LEARNER = "learner", _("Learner")
        INSTRUCTOR = "instructor", _("Instructor")
        REVIEWER = "reviewer", _("Reviewer")
        HR_OFFICER = "hr_officer", _("HR office officer")
        ORGANISER = "organiser", _("Community organiser")
        ADMIN = "admin", _("Administrator")

    class LearnerGroup(models.TextChoices):
        COURIER = "courier", _("Courier")
        DELIVERY_RIDER = "delivery_rider", _("Delivery rider")
        RURAL_MIGRANT = "rural_migrant", _("Rural migrant worker")
        GIG_WORKER = "gig_worker", _("Gig worker")
        JOB_SEEKER = "job_seeker", _("Job seeker")
        POVERTY_MONITORING = "poverty_monitoring", _("Poverty-monitoring household")
        UNEMPLOYED = "unemployed", _("Registered unemployed")
        OTHER = "other", _("Other")

    phone = models.CharField(
        _("mobile phone"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("In international form, e.g. +8613800138000."),
    )
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    real_name = models.CharField(_("real name"), max_length=100, blank=True, default="")
    learner_group = models.CharField(
        _("learner group"),
        max_length=32,
        choices=LearnerGroup.choices,
        default=LearnerGroup.OTHER,
    )
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer or station"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employees",
        limit_choices_to={"kind": Organisation.Kind.EMPLOYER},
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.LEARNER)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        help_text=_("The school or evaluation organisation an instructor or reviewer acts for."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    is_school_lead = models.BooleanField(
        _("school lead"),
        default=False,
        help_text=_("Approves the school's courses for publication."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["instructor", "reviewer", "hr_officer", "organiser"])
                | Q(organisation__isnull=False),
                name="staff_role_needs_organisation",
                violation_error_message=_(
                    "Instructors, reviewers, HR officers and organisers belong to an organisation."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.real_name or self.phone or self.email or self.username

    def get_full_name(self) -> str:
        """The name the admin greets and lists people by (Wagtail asks for it): the real
        name, rather than an internal user name such as ``user0``."""
        return self.real_name or super().get_full_name()

    @property
    def is_instructor(self) -> bool:
        return self.role == self.Role.INSTRUCTOR

    @property
    def is_reviewer(self) -> bool:
        return self.role == self.Role.REVIEWER

    @property
    def is_hr_officer(self) -> bool:
        return self.role == self.Role.HR_OFFICER

    @property
    def is_organiser(self) -> bool:
        return self.role == self.Role.ORGANISER


class RealNameIdentity(models.Model):
    """What a learner who wants a subsidy declares: real name, resident ID number and groups.

    The ID number is kept only as ciphertext (a key from settings), a keyed digest (so one ID
    number backs one account) and a masked form for display. It is read back in clear only
    for the claim file of the HR office entitled to it (``lms.accounts.identity``).
    """

    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="identity", verbose_name=_("user")
    )
    real_name = models.CharField(_("real name"), max_length=100)
    id_number_ciphertext = models.TextField(editable=False)
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    birth_date = models.DateField(_("date of birth"), editable=False)
    declared_at = models.DateTimeField(_("declared at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("real-name identity")
        verbose_name_plural = _("real-name identities")

    def __str__(self) -> str:
        return f"{self.real_name} {self.id_number_masked}"


class GroupMembership(models.Model):
    """A learner group a person declared they belong to (one row per group)."""

    identity = models.ForeignKey(RealNameIdentity, on_delete=models.CASCADE, related_name="groups")
    group = models.CharField(_("learner group"), max_length=32, choices=User.LearnerGroup.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["identity", "group"], name="one_membership_per_group")
        ]
        indexes = [models.Index(fields=["group", "identity"])]
        verbose_name = _("learner group membership")
        verbose_name_plural = _("learner group memberships")

    def __str__(self) -> str:
        return self.get_group_display()
