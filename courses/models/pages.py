"""The page tree: catalogue, school, course and lesson pages, and a lesson's quizzes."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..blocks import lesson_body_blocks, quiz_question_blocks, video_chapter_blocks
from ..checklist import CourseChecklistPanel
from ..forms import CatalogueFilterForm, CoursePageForm, LessonPageForm
from .catalogue import AssessmentType, Level, Occupation, Participation


class CatalogueIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.SchoolPage"]
    max_count = 1
    template = "courses/catalogue_index_page.html"

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import catalogue_for  # selectors read these models

        context = super().get_context(request, *args, **kwargs)
        filters = CatalogueFilterForm(request.GET).filters()
        context.update(catalogue_for(user=request.user, **filters))
        return context


class SchoolPage(Page):
    """A training school's corner of the catalogue; its instructors edit only below it."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="school_page",
        limit_choices_to={"kind": "training_school"},
    )
    about = RichTextField(_("about the school"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("organisation"), FieldPanel("about")]
    parent_page_types = ["courses.CatalogueIndexPage"]
    subpage_types = ["courses.CoursePage"]
    template = "courses/school_page.html"

    class Meta:
        verbose_name = _("school")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import school_courses  # these read the models defined here

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = school_courses(school=self)
        return context


class CoursePage(Page):
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    level = models.CharField(_("level"), max_length=2, choices=Level.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True, max_length=400)
    learning_outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("One outcome per line.")
    )
    workload_class_hours = models.DecimalField(
        _("workload in class hours"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    assessment_type = models.CharField(
        _("assessment"), max_length=16, choices=AssessmentType.choices, blank=True
    )
    participation_form = models.CharField(
        _("form of participation"), max_length=16, choices=Participation.choices, blank=True
    )
    awarding_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("awarding organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awarded_courses",
    )
    instructors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructors"),
        blank=True,
        related_name="courses_taught",
        limit_choices_to={"role": "instructor"},
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    schedule_weekdays = models.CharField(
        _("weekdays"),
        max_length=7,
        default="024",
        validators=[RegexValidator(r"^[0-6]{1,7}$", _("Digits 0 (Monday) to 6 (Sunday)."))],
        help_text=_("The days lessons are held: 0 is Monday, 6 is Sunday; 024 is Mon/Wed/Fri."),
    )
    session_time = models.TimeField(_("session starts at"), default="20:30")
    session_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"), default=45)
    first_cycle_starts = models.DateField(
        _("first cycle starts"),
        null=True,
        blank=True,
        help_text=_("Cycles follow one another from this date, one lesson per session."),
    )
    attention_checks = models.BooleanField(
        _("attention checks"),
        default=False,
        help_text=_("At random moments the lesson pauses and asks the learner to tap a number."),
    )
    max_playback_rate = models.DecimalField(
        _("fastest playback that counts"),
        max_digits=3,
        decimal_places=2,
        default=1,
        help_text=_("1.00 counts only real-time study; 1.25 lets learners watch a little faster."),
    )
    cycle_gap_days = models.PositiveSmallIntegerField(
        _("days between cycles"),
        default=0,
        help_text=_("Rest days after a cycle's last session before the next cycle begins."),
    )

    content_panels = Page.content_panels + [
        CourseChecklistPanel(heading=_("From a new course to one learners play")),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("occupation"),
                FieldPanel("level"),
                FieldPanel("learning_outcomes"),
                FieldPanel("workload_class_hours"),
                FieldPanel("assessment_type"),
                FieldPanel("participation_form"),
                FieldPanel("awarding_organisation"),
            ],
            heading=_("Credential facts (required to publish)"),
        ),
        FieldPanel("instructors"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("schedule_weekdays"),
                FieldRowPanel([FieldPanel("session_time"), FieldPanel("session_minutes")]),
                FieldRowPanel([FieldPanel("first_cycle_starts"), FieldPanel("cycle_gap_days")]),
            ],
            heading=_("Schedule"),
        ),
        MultiFieldPanel(
            [FieldPanel("attention_checks"), FieldPanel("max_playback_rate")],
            heading=_("Study time"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
        index.RelatedFields(
            "occupation", [index.SearchField("name_zh"), index.SearchField("name_en")]
        ),
        index.FilterField("level"),
    ]
    parent_page_types = ["courses.SchoolPage"]
    subpage_types = ["courses.LessonPage"]
    template = "courses/course_page.html"
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_playback_rate__gte=1) & Q(max_playback_rate__lte=2),
                name="playback_rate_between_1_and_2",
            ),
        ]

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_overview  # these read the models defined here

        context = super().get_context(request, *args, **kwargs)
        context.update(course_overview(course=self, user=request.user))
        return context


class LessonPage(Page):
    summary = models.TextField(_("summary"), blank=True, max_length=300)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=15)
    credit_minutes = models.PositiveSmallIntegerField(
        _("credit (minutes)"),
        default=45,
        help_text=_("Study time this lesson can bank; 45 minutes is one class hour."),
    )
    # SET_NULL, not PROTECT: the pipeline already refuses to delete a video a live lesson
    # shows (the video_asset_published_usage hook), so what is left to delete is a video only
    # an unpublished lesson or a draft names, and that lesson simply loses it. PROTECT would
    # turn that into an error from a layer the pipeline knows nothing of, and a revision
    # naming a deleted video would no longer open (modelcluster drops such a FK to None only
    # when it may be null).
    video = models.ForeignKey(
        "media_pipeline.VideoAsset",
        verbose_name=_("video"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    video_captions = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("captions"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A WebVTT file (.vtt) with the spoken words, for watching without sound."),
    )
    video_captions_language = models.CharField(
        _("captions language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
        blank=True,
    )
    video_chapters = StreamField(video_chapter_blocks(), blank=True, verbose_name=_("chapters"))
    body = StreamField(lesson_body_blocks(), blank=True, verbose_name=_("body"))

    base_form_class = LessonPageForm
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("credit_minutes")]),
        MultiFieldPanel(
            [
                FieldPanel("video"),
                FieldRowPanel(
                    [FieldPanel("video_captions"), FieldPanel("video_captions_language")]
                ),
                FieldPanel("video_chapters"),
            ],
            heading=_("Lesson video"),
        ),
        FieldPanel("body"),
        InlinePanel("quizzes", heading=_("Quizzes"), label=_("Quiz")),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        from ..lesson_facts import lesson_contents
        from ..questions import lesson_questions  # these read the models defined here
        from ..selectors import lesson_view

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_view(lesson=self, user=request.user))
        context.update(lesson_contents(lesson=self))
        context["qa"] = lesson_questions(
            lesson=self, user=request.user, may_study=context["may_study"]
        )
        return context


def new_quiz_key() -> str:
    return str(uuid.uuid4())


class LessonQuiz(Orderable):
    """A short check after a lesson's body: a few questions and a pass mark.

    ``key`` names the quiz for good: attempts store it, and an assessment's ledger entry
    refers to ``quiz:<lesson>:<key>``. Quizzes that were body blocks kept their block id.
    """

    lesson = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="quizzes")
    key = models.CharField(max_length=64, default=new_quiz_key, editable=False)
    title = models.CharField(_("Title"), max_length=120, default=_("Quick check"))
    pass_mark = models.PositiveSmallIntegerField(
        _("Pass mark (%)"), default=60, validators=[MaxValueValidator(100)]
    )
    credit_minutes = models.PositiveSmallIntegerField(
        _("Class-hour credit (minutes)"),
        default=0,
        validators=[MaxValueValidator(480)],
        help_text=_(
            "Minutes banked once, the first time a learner passes: for an end-of-course "
            "assessment, say. 0 banks nothing."
        ),
    )
    questions = StreamField(
        quiz_question_blocks(), min_num=1, max_num=10, verbose_name=_("Questions")
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("credit_minutes")]),
        FieldPanel("questions"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Quiz")
        verbose_name_plural = _("Quizzes")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "key"], name="quiz_key_unique_per_lesson"),
            models.CheckConstraint(
                condition=Q(pass_mark__lte=100), name="quiz_pass_mark_is_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.title
