from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .blocks import lesson_body_blocks
from .forms import CatalogueFilterForm, CoursePageForm, LessonPageForm

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
        from .selectors import catalogue_for  # selectors read these models

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
        from .selectors import school_courses

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
        from .selectors import course_overview

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
    body = StreamField(lesson_body_blocks(), blank=True, verbose_name=_("body"))

    base_form_class = LessonPageForm
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("credit_minutes")]),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        from .questions import lesson_questions
        from .selectors import lesson_view

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_view(lesson=self, user=request.user))
        context["qa"] = lesson_questions(
            lesson=self, user=request.user, may_study=context["may_study"]
        )
        return context


class Cycle(models.Model):
    """One run of a course. Rows are generated rolling ahead from the course's schedule."""

    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="cycle_number_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="cycle_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.title} #{self.number}"


class ScheduledLesson(models.Model):
    """Lesson N of a course falls on session N of each cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="sessions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="scheduled")
    session_number = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "lesson"], name="lesson_once_per_cycle"),
            models.UniqueConstraint(
                fields=["cycle", "session_number"], name="session_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="scheduled_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["lesson", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.session_number}"


class Enrolment(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="enrolments")
    joined_cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, null=True, blank=True, related_name="joiners"
    )
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course"],
                condition=Q(left_at__isnull=True),
                name="one_active_enrolment_per_course",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("joined_at")),
                name="enrolment_left_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.course}"


class LessonCompletion(models.Model):
    """A lesson done, once, ever: whichever cycle or device it was done in."""

    class Source(models.TextChoices):
        WATCHED = "watched", _("Watched")
        QUIZ = "quiz", _("Quiz passed")
        CLASSROOM = "classroom", _("Attended in class")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField()
    source = models.CharField(max_length=16, choices=Source.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="lesson_completed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.lesson}"


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


class QuizAttempt(models.Model):
    """One submission of a lesson's quiz, graded on the server."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.PROTECT, related_name="quiz_attempts")
    block_id = models.CharField(max_length=64)
    score = models.PositiveSmallIntegerField()
    pass_mark = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    answers = models.JSONField(default=list)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="quiz_score_is_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.lesson} · {self.score}%"


class Hideable(models.Model):
    """What a learner or an instructor wrote is never deleted: an instructor of the course
    hides what is abusive, with a reason, and the row stays as the record of what was said
    and who hid it."""

    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True, default="")

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True, hidden_by__isnull=True, hidden_reason="")
                | (Q(hidden_at__isnull=False, hidden_by__isnull=False) & ~Q(hidden_reason="")),
                name="%(class)s_hidden_by_someone_with_reason",
            ),
        ]

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class LessonQuestion(Hideable):
    """A learner's question under a lesson (有答疑辅导: tutoring is one of the four things a
    subsidised platform is audited for)."""

    MAX_CHARS = 500

    lesson = models.ForeignKey(
        LessonPage, verbose_name=_("lesson"), on_delete=models.PROTECT, related_name="questions"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="lesson_questions",
    )
    text = models.CharField(_("question"), max_length=MAX_CHARS)
    asked_at = models.DateTimeField(_("asked at"))

    class Meta(Hideable.Meta):
        ordering = ["-asked_at"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            *Hideable.Meta.constraints,
            models.UniqueConstraint(
                fields=["lesson", "learner", "text"], name="question_asked_once"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="question_has_text"),
        ]
        indexes = [
            models.Index(fields=["learner", "asked_at"], name="question_by_learner"),
            models.Index(fields=["lesson", "asked_at"], name="question_under_lesson"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.lesson} · {self.text[:30]}"


class LessonAnswer(Hideable):
    """An instructor's answer to a question; a question may have several."""

    MAX_CHARS = 2000

    question = models.ForeignKey(
        LessonQuestion,
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructor"),
        on_delete=models.PROTECT,
        related_name="lesson_answers",
    )
    text = models.TextField(_("answer"), max_length=MAX_CHARS)
    answered_at = models.DateTimeField(_("answered at"))

    class Meta(Hideable.Meta):
        ordering = ["answered_at"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            *Hideable.Meta.constraints,
            models.CheckConstraint(condition=~Q(text=""), name="answer_has_text"),
        ]
        indexes = [models.Index(fields=["question", "answered_at"], name="answer_to_question")]

    def __str__(self) -> str:
        return f"{self.instructor} · {self.question_id} · {self.text[:30]}"
