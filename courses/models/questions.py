"""Questions learners ask under a lesson, and the answers of the course's instructors."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .pages import LessonPage


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
