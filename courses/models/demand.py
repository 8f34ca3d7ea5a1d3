"""The subsidised-training catalogue an HR office publishes for a programme year."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalogue import Level, Occupation


class ProgrammeYear(models.Model):
    """One year of one HR office's subsidised-training programme. Learners see the catalogue
    of the year that is published and covers today; every year keeps its own entries."""

    hr_office = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("HR office"),
        on_delete=models.PROTECT,
        related_name="programme_years",
        limit_choices_to={"kind": "hr_office"},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "hr_office__name"]
        constraints = [
            models.UniqueConstraint(fields=["hr_office", "year"], name="one_programme_per_year"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="programme_year_ends_after_it_starts",
            ),
        ]
        verbose_name = _("programme year")
        verbose_name_plural = _("programme years")

    def __str__(self) -> str:
        """The title, with the year before it unless the title already says it."""
        if str(self.year) in self.title:
            return self.title
        return f"{self.year} {self.title}"


class CatalogueEntry(models.Model):
    """An occupation (at a level, or at every level) on one sub-list of a year's catalogue,
    with the subsidy paid per class hour and the most one person may receive for it."""

    class SubList(models.TextChoices):
        URGENT_SHORTAGE = "urgent_shortage", _("Urgently needed")
        GENERAL = "general", _("General")
        MANUFACTURING = "manufacturing", _("Manufacturing")
        SPECIAL_ABILITY = "special_ability", _("Special vocational ability")

    programme_year = models.ForeignKey(
        ProgrammeYear, on_delete=models.CASCADE, related_name="entries"
    )
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="catalogue_entries"
    )
    level = models.CharField(
        _("level"),
        max_length=2,
        choices=Level.choices,
        blank=True,
        default="",
        help_text=_("Empty: every level of the occupation."),
    )
    sub_list = models.CharField(_("sub-list"), max_length=32, choices=SubList.choices)
    green = models.BooleanField(_("green (L)"), default=False)
    digital = models.BooleanField(_("digital (S)"), default=False)
    subsidy_per_class_hour = models.DecimalField(
        _("subsidy per class hour (yuan)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cap_per_person = models.DecimalField(
        _("cap per person (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["programme_year", "sub_list", "occupation__code", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_year", "occupation", "level"],
                name="one_catalogue_entry_per_occupation_and_level",
            ),
            models.CheckConstraint(
                condition=Q(subsidy_per_class_hour__gte=0) & Q(cap_per_person__gte=0),
                name="catalogue_amounts_not_negative",
            ),
        ]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")

    def __str__(self) -> str:
        level = f" L{self.level}" if self.level else ""
        return f"{self.programme_year.year} {self.occupation.code}{level}"

    @property
    def subsidy_text(self) -> str:
        """The subsidy per class hour in yuan as people write it: 10, 12.5 (never 10.00)."""
        return format(self.subsidy_per_class_hour.normalize(), "f")

    @property
    def cap_text(self) -> str:
        return format(self.cap_per_person.normalize(), "f")
