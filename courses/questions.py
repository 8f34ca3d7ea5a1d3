"""Questions under lessons and the instructors' answers (有答疑辅导).

A learner who may study a lesson asks under it; the instructors of the course answer, from
a queue of what is still unanswered, and hide what is abusive with a reason. Other learners
see a question once it has a visible answer: what no instructor has looked at yet is seen
only by the one who asked it and by the course's instructors.

Writes (``question_ask``, ``question_answer``, ``question_hide``, ``answer_hide``) raise
``PermissionDenied`` for someone who may not act, and ``ValidationError`` with a message for
the learner or instructor for anything else refused; a refusal changes nothing.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.models import Page

from lms.accounts.models import User

from .models import CoursePage, LessonAnswer, LessonPage, LessonQuestion
from .selectors import courses_user_teaches, lesson_view, user_may_teach_course
from .text import plain_lines

HIDE_REASON_MAX_CHARS = 300
RATE_WINDOW = dt.timedelta(hours=24)
# A tag as a browser would read one: "<b>", "</p>", "<a href=...>", "<!-- ... -->".
_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")


def _clean(value: str, *, max_chars: int, empty: str, too_long: str) -> str:
    text = plain_lines(value or "")
    if not text:
        raise ValidationError(empty, code="empty")
    if len(text) > max_chars:
        raise ValidationError(too_long % {"max": max_chars, "n": len(text)}, code="too_long")
    if _TAG.search(text):
        raise ValidationError(
            _("Write plain text: HTML tags such as <b> are not allowed."), code="html"
        )
    return text


def _course_id(lesson: LessonPage) -> int:
    return lesson.get_parent().pk


def _may_teach(user, lesson: LessonPage) -> bool:
    return user_may_teach_course(user=user, course_id=_course_id(lesson))


def learner_may_ask(*, user, lesson: LessonPage, may_study: bool | None = None) -> bool:
    """A learner enrolled in the course, for whom the lesson is open (as the lesson page
    decides it); ``may_study`` is that page's answer when the caller already has it."""
    if not user.is_authenticated or not user.is_active or user.role != User.Role.LEARNER:
        return False
    if may_study is None:
        may_study = lesson_view(lesson=lesson, user=user)["may_study"]
    return bool(may_study)


# --- Writes.


@transaction.atomic
def question_ask(
    *, learner: User, lesson: LessonPage, text: str, now: dt.datetime | None = None
) -> LessonQuestion:
    """Ask a question under a lesson, at most ``QA_QUESTIONS_PER_DAY`` in 24 hours, and
    never the same text twice under the same lesson."""
    now = now or timezone.now()
    if not lesson.live or not learner_may_ask(user=learner, lesson=lesson):
        raise PermissionDenied
    text = _clean(
        text,
        max_chars=LessonQuestion.MAX_CHARS,
        empty=_("Write your question first."),
        too_long=_("Keep your question to %(max)s characters; it has %(n)s."),
    )
    # One learner's questions are counted one at a time, so two taps cannot pass the limit.
    User.objects.select_for_update().filter(pk=learner.pk).first()
    if LessonQuestion.objects.filter(lesson=lesson, learner=learner, text=text).exists():
        raise ValidationError(
            _("You already asked this question under this lesson."), code="duplicate"
        )
    limit = settings.QA_QUESTIONS_PER_DAY
    asked = LessonQuestion.objects.filter(learner=learner, asked_at__gt=now - RATE_WINDOW).count()
    if asked >= limit:
        raise ValidationError(
            _("You can ask %(n)s questions a day. Ask again tomorrow.") % {"n": limit},
            code="rate_limited",
        )
    try:
        with transaction.atomic():
            return LessonQuestion.objects.create(
                lesson=lesson, learner=learner, text=text, asked_at=now
            )
    except IntegrityError as exc:  # the same text raced in from a second tap
        raise ValidationError(
            _("You already asked this question under this lesson."), code="duplicate"
        ) from exc


@transaction.atomic
def question_answer(
    *, question: LessonQuestion, instructor: User, text: str, now: dt.datetime | None = None
) -> LessonAnswer:
    """An instructor of the course answers; the learner sees it under the lesson."""
    question = (
        LessonQuestion.objects.select_for_update(of=("self",))
        .select_related("lesson")
        .get(pk=question.pk)
    )
    if not _may_teach(instructor, question.lesson):
        raise PermissionDenied
    if question.hidden:
        raise ValidationError(_("This question is hidden and cannot be answered."), code="hidden")
    text = _clean(
        text,
        max_chars=LessonAnswer.MAX_CHARS,
        empty=_("Write your answer first."),
        too_long=_("Keep your answer to %(max)s characters; it has %(n)s."),
    )
    if question.answers.filter(instructor=instructor, text=text, hidden_at__isnull=True).exists():
        raise ValidationError(_("You already gave this answer."), code="duplicate")
    return LessonAnswer.objects.create(
        question=question, instructor=instructor, text=text, answered_at=now or timezone.now()
    )


def _reason(reason: str) -> str:
    return _clean(
        reason,
        max_chars=HIDE_REASON_MAX_CHARS,
        empty=_("Say why you hide it; the learner who wrote it sees the reason."),
        too_long=_("Keep the reason to %(max)s characters; it has %(n)s."),
    )


def _hide(row, *, by: User, reason: str, now: dt.datetime | None):
    if not row.hidden:
        row.hidden_at, row.hidden_by, row.hidden_reason = now or timezone.now(), by, reason
        row.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return row


@transaction.atomic
def question_hide(
    *, question: LessonQuestion, by: User, reason: str, now: dt.datetime | None = None
) -> LessonQuestion:
    """Hide an abusive question from the lesson page and the queue; it is kept. Hiding it
    again keeps the first reason."""
    question = (
        LessonQuestion.objects.select_for_update(of=("self",))
        .select_related("lesson")
        .get(pk=question.pk)
    )
    if not _may_teach(by, question.lesson):
        raise PermissionDenied
    return _hide(question, by=by, reason=_reason(reason), now=now)


@transaction.atomic
def answer_hide(
    *, answer: LessonAnswer, by: User, reason: str, now: dt.datetime | None = None
) -> LessonAnswer:
    """Hide an answer (a colleague's too); a question left without a visible answer goes
    back to the queue."""
    answer = (
        LessonAnswer.objects.select_for_update(of=("self",))
        .select_related("question__lesson")
        .get(pk=answer.pk)
    )
    if not _may_teach(by, answer.question.lesson):
        raise PermissionDenied
    return _hide(answer, by=by, reason=_reason(reason), now=now)


# --- Reads.


def _visible_answers() -> QuerySet[LessonAnswer]:
    return LessonAnswer.objects.filter(hidden_at__isnull=True)


def _with_answer_facts(questions: QuerySet[LessonQuestion]) -> QuerySet[LessonQuestion]:
    visible = _visible_answers().filter(question=OuterRef("pk"))
    return questions.annotate(
        answered=Exists(visible),
        last_answered_at=Subquery(visible.order_by("-answered_at").values("answered_at")[:1]),
    )


@dataclass
class LessonQuestions:
    """The questions section of a lesson page, for one viewer."""

    may_ask: bool = False
    teaches: bool = False
    items: list[LessonQuestion] = field(default_factory=list)
    max_chars: int = LessonQuestion.MAX_CHARS

    @property
    def shown(self) -> bool:
        return self.may_ask or self.teaches


def lesson_questions(*, lesson: LessonPage, user, may_study: bool | None = None) -> LessonQuestions:
    """What the viewer sees under a lesson, in three queries whatever the number of questions.

    A learner who may study the lesson sees the questions that have an answer (newest answer
    first) and, above them, their own still waiting; their own hidden questions show with
    the reason. The course's instructors also see every unanswered question. Anyone else
    sees nothing. Hidden answers are never shown."""
    teaches = bool(
        user.is_authenticated
        and (user.is_superuser or user.role == User.Role.INSTRUCTOR)
        and _may_teach(user, lesson)
    )
    may_ask = not teaches and learner_may_ask(user=user, lesson=lesson, may_study=may_study)
    if not (teaches or may_ask):
        return LessonQuestions()
    questions = _with_answer_facts(LessonQuestion.objects.filter(lesson=lesson))
    if teaches:
        questions = questions.filter(hidden_at__isnull=True)
    else:
        questions = questions.filter(Q(learner=user) | Q(hidden_at__isnull=True, answered=True))
    answers = Prefetch(
        "answers",
        queryset=_visible_answers().select_related("instructor").order_by("answered_at"),
        to_attr="visible_answers",
    )
    items = list(questions.prefetch_related(answers))
    for item in items:
        item.own = item.learner_id == user.pk
    items.sort(key=lambda q: (q.answered, -(q.last_answered_at or q.asked_at).timestamp()))
    return LessonQuestions(may_ask=may_ask, teaches=teaches, items=items)


def _taught_lessons(user) -> tuple[QuerySet[LessonPage], dict[str, CoursePage]]:
    """Lessons of the courses the user teaches, and those courses by their tree path."""
    if not user.is_authenticated or not user.is_active:
        return LessonPage.objects.none(), {}
    taught = courses_user_teaches(user=user).only("id", "title", "path", "depth")
    courses = {course.path: course for course in taught}
    if not courses:
        return LessonPage.objects.none(), {}
    depth = next(iter(courses.values())).depth + 1
    within = Q(*[Q(path__startswith=path) for path in courses], _connector=Q.OR)
    return LessonPage.objects.filter(within, depth=depth), courses


@dataclass
class QueueItem:
    question: LessonQuestion
    course: CoursePage | None


def questions_unanswered_for(*, instructor: User) -> list[QueueItem]:
    """The instructor's queue: questions under the lessons of the courses they teach that
    have no visible answer and are not hidden, the longest waiting first."""
    lessons, courses = _taught_lessons(instructor)
    if not courses:
        return []
    questions = (
        _with_answer_facts(
            LessonQuestion.objects.filter(lesson__in=lessons, hidden_at__isnull=True)
        )
        .filter(answered=False)
        .select_related("lesson", "learner")
        .order_by("asked_at")
    )
    return [
        QueueItem(question=q, course=courses.get(q.lesson.path[: -Page.steplen])) for q in questions
    ]


def questions_unanswered_count(*, instructor: User) -> int:
    lessons, courses = _taught_lessons(instructor)
    if not courses:
        return 0
    return (
        _with_answer_facts(
            LessonQuestion.objects.filter(lesson__in=lessons, hidden_at__isnull=True)
        )
        .filter(answered=False)
        .count()
    )


def question_for_instructor(*, question_id: int, instructor: User) -> dict:
    """One question with all its answers (hidden ones too) for the page where an instructor
    answers or hides; ``PermissionDenied`` for a question outside the courses they teach."""
    question = (
        _with_answer_facts(LessonQuestion.objects.filter(pk=question_id))
        .select_related("lesson", "learner", "hidden_by")
        .first()
    )
    if question is None:
        raise LessonQuestion.DoesNotExist
    course = question.lesson.get_parent().specific_deferred
    if not user_may_teach_course(user=instructor, course_id=course.pk):
        raise PermissionDenied
    answers = list(question.answers.select_related("instructor", "hidden_by"))
    return {"question": question, "course": course, "answers": answers}
