"""The occupations courses train for, and the facts a course is described by."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index
from wagtail.snippets.models import register_snippet

OCCUPATION_CODE = RegexValidator(
    r"^\d-\d{2}-\d{2}-\d{2}$", _("Use the national code form, e.g. 4-02-07-08.")
)


class Occupation(index.Indexed, models.Model):
    """An entry of the national occupation catalogue and the demand lists it is on."""

    code = models.CharField(_("code"), max_length=11, unique=True, validators=[OCCUPATION_CODE])
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True, default="")
    urgent_shortage = models.BooleanField(_("urgent shortage list"), default=False)
    general = models.BooleanField(_("general list"), default=False)
    manufacturing = models.BooleanField(_("manufacturing list"), default=False)
    special_ability = models.BooleanField(_("special ability list"), default=False)
    green = models.BooleanField(_("green occupation"), default=False)
    digital = models.BooleanField(_("digital occupation"), default=False)

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("name_zh"), FieldPanel("name_en")]),
        MultiFieldPanel(
            [
                FieldPanel("urgent_shortage"),
                FieldPanel("general"),
                FieldPanel("manufacturing"),
                FieldPanel("special_ability"),
            ],
            heading=_("Demand lists"),
        ),
        FieldRowPanel([FieldPanel("green"), FieldPanel("digital")], heading=_("Flags")),
    ]
    search_fields = [
        index.SearchField("code"),
        index.SearchField("name_zh"),
        index.SearchField("name_en"),
        index.AutocompleteField("name_zh"),
    ]

    # The demand lists by the names used in policy papers, mapped to their fields.
    DEMAND_LISTS = {
        "URGENT_SHORTAGE": "urgent_shortage",
        "GENERAL": "general",
        "MANUFACTURING": "manufacturing",
        "SPECIAL_ABILITY": "special_ability",
    }
    FLAGS = {"GREEN": "green", "DIGITAL": "digital"}

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_zh

    @property
    def demand_lists(self) -> list[str]:
        return [key for key, field in self.DEMAND_LISTS.items() if getattr(self, field)]


register_snippet(Occupation)


class Level(models.TextChoices):
    LEVEL_5 = "5", _("Level 5 (entry)")
    LEVEL_4 = "4", _("Level 4 (intermediate)")
    LEVEL_3 = "3", _("Level 3 (advanced)")
    LEVEL_2 = "2", _("Level 2 (technician)")
    LEVEL_1 = "1", _("Level 1 (senior technician)")


class AssessmentType(models.TextChoices):
    QUIZ = "quiz", _("Online quiz")
    EXAM = "exam", _("Written exam")
    PRACTICAL = "practical", _("Practical test")
    ATTENDANCE = "attendance", _("Completion of all lessons")


class Participation(models.TextChoices):
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")
    CLASSROOM = "classroom", _("Classroom")
