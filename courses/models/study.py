"""A course's cycles and their lessons; who joined which cycle, what they finished, and
their quiz attempts."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .pages import CoursePage, LessonPage


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


class QuizAttempt(models.Model):
    """One submission of a lesson's quiz, graded on the server."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.PROTECT, related_name="quiz_attempts")
    # The quiz's key (LessonQuiz.key); the column keeps its name from when quizzes were blocks
    # of the lesson body, whose ids became the keys.
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
