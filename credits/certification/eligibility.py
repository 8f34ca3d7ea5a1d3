"""Is a learner eligible for a certification programme, and if not, what is missing?

Reads only. Everything a learner's programmes need is loaded once, so the page listing all
programmes takes the same few queries however many entries and programmes there are.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.models import Page

from courses.lesson_facts import course_quizzes
from courses.models import CoursePage, LessonCompletion, LessonPage, QuizAttempt
from credits.ledger.hours import class_hours_text as hours_text
from credits.ledger.hours import class_hours_with_minutes
from credits.ledger.models import LedgerEntry
from lms.accounts.models import User

from .models import Application, Certificate, CertificationProgramme


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(moment.month - 1 - months, 12)
    year += moment.year
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass
class Requirement:
    label: str
    met: bool
    missing: str = ""


@dataclass
class Eligibility:
    programme: CertificationProgramme
    counted_minutes: int
    required_minutes: int
    requirements: list[Requirement]
    entries: list[LedgerEntry] = field(default_factory=list)
    open_application: Application | None = None
    certificate: Certificate | None = None
    lessons_required: int = 0  # lessons of the required courses
    lessons_done: int = 0

    @property
    def eligible(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def missing(self) -> list[str]:
        return [r.missing for r in self.requirements if not r.met]

    @property
    def counted_hours(self) -> str:
        return hours_text(max(self.counted_minutes, 0), self.programme.minutes_per_class_hour)

    @property
    def required_hours(self) -> str:
        return hours_text(self.required_minutes, self.programme.minutes_per_class_hour)

    @property
    def percent(self) -> int:
        if not self.required_minutes:
            return 100
        return max(0, min(100, int(100 * self.counted_minutes / self.required_minutes)))


@dataclass
class _LearnerFacts:
    entries: list[LedgerEntry]
    course_of_lesson: dict[int, CoursePage]
    lessons_of_course: dict[int, list[LessonPage]]
    completed: set[int]
    quizzes_passed: set[tuple[int, str]]
    applications: dict[int, Application]
    certificates: dict[int, Certificate]


def _facts(*, learner: User, programmes: list[CertificationProgramme]) -> _LearnerFacts:
    entries = list(
        LedgerEntry.objects.filter(learner=learner).select_related("lesson").order_by("seq")
    )
    required = {c.pk for p in programmes for c in p.required_courses.all()}
    course_paths = {e.lesson.path[: -Page.steplen] for e in entries if e.lesson_id}
    courses = list(
        CoursePage.objects.filter(Q(path__in=course_paths) | Q(pk__in=required)).select_related(
            "occupation"
        )
    )
    by_path = {c.path: c for c in courses}
    lessons_of_course: dict[int, list[LessonPage]] = {c.pk: [] for c in courses}
    if courses:
        lesson_q = Q()
        for course in courses:
            lesson_q |= Q(path__startswith=course.path, depth=course.depth + 1)
        for lesson in LessonPage.objects.live().filter(lesson_q).order_by("path"):
            parent = by_path.get(lesson.path[: -Page.steplen])
            if parent is not None:
                lessons_of_course[parent.pk].append(lesson)
    course_of_lesson = {
        lesson.pk: course for course in courses for lesson in lessons_of_course.get(course.pk, [])
    }
    for entry in entries:
        if entry.lesson_id and entry.lesson_id not in course_of_lesson:
            course = by_path.get(entry.lesson.path[: -Page.steplen])
            if course is not None:
                course_of_lesson[entry.lesson_id] = course
    return _LearnerFacts(
        entries=entries,
        course_of_lesson=course_of_lesson,
        lessons_of_course=lessons_of_course,
        completed=set(
            LessonCompletion.objects.filter(learner=learner).values_list("lesson_id", flat=True)
        ),
        quizzes_passed=set(
            QuizAttempt.objects.filter(learner=learner, passed=True).values_list(
                "lesson_id", "block_id"
            )
        ),
        applications={
            a.programme_id: a
            for a in Application.objects.filter(learner=learner, status__in=Application.OPEN)
        },
        certificates={
            c.programme_id: c
            for c in Certificate.objects.filter(learner=learner, revoked_at__isnull=True)
        },
    )


def _evaluate(
    programme: CertificationProgramme, facts: _LearnerFacts, now: dt.datetime
) -> Eligibility:
    per_hour = programme.minutes_per_class_hour
    since = months_before(now, programme.window_months)
    counted = [e for e in facts.entries if e.created_at >= since]
    total = sum(e.minutes for e in counted)
    required = int(programme.class_hours_required * per_hour)
    requirements = [
        Requirement(
            label=_("%(need)s class hours in the last %(months)s months")
            % {"need": hours_text(required, per_hour), "months": programme.window_months},
            met=total >= required,
            missing=_("Still %(hours)s to go")
            % {"hours": class_hours_with_minutes(max(required - total, 0), per_hour)},
        )
    ]
    if programme.occupation_id and programme.occupation_class_hours:
        needed = int(programme.occupation_class_hours * per_hour)
        have = sum(
            e.minutes
            for e in counted
            if e.lesson_id
            and (course := facts.course_of_lesson.get(e.lesson_id)) is not None
            and course.occupation_id == programme.occupation_id
        )
        occupation = programme.occupation.name
        requirements.append(
            Requirement(
                label=_("%(need)s of them in %(occupation)s courses")
                % {"need": hours_text(needed, per_hour), "occupation": occupation},
                met=have >= needed,
                missing=_("Still %(hours)s to go in %(occupation)s courses")
                % {
                    "hours": class_hours_with_minutes(max(needed - have, 0), per_hour),
                    "occupation": occupation,
                },
            )
        )
    lessons_required = lessons_done = 0
    for course in programme.required_courses.all():
        lessons = facts.lessons_of_course.get(course.pk, [])
        left = [lesson for lesson in lessons if lesson.pk not in facts.completed]
        lessons_required += len(lessons)
        lessons_done += len(lessons) - len(left)
        requirements.append(
            Requirement(
                label=_("Finish the course “%(course)s”") % {"course": course.title},
                met=bool(lessons) and not left,
                missing=_("Finish “%(course)s”: %(n)s lessons left")
                % {"course": course.title, "n": len(left)},
            )
        )
        if programme.assessment == CertificationProgramme.Assessment.COURSE_QUIZ:
            unpassed = [
                quiz.lesson.title
                for quiz in course_quizzes(course=course)
                if (quiz.lesson_id, quiz.key) not in facts.quizzes_passed
            ]
            requirements.append(
                Requirement(
                    label=_("Pass the quizzes of “%(course)s”") % {"course": course.title},
                    met=not unpassed,
                    missing=_("Pass the quiz of: %(lessons)s") % {"lessons": "、".join(unpassed)},
                )
            )
    return Eligibility(
        programme=programme,
        counted_minutes=total,
        required_minutes=required,
        requirements=requirements,
        entries=counted,
        open_application=facts.applications.get(programme.pk),
        certificate=facts.certificates.get(programme.pk),
        lessons_required=lessons_required,
        lessons_done=lessons_done,
    )


def programme_eligibility(
    *, learner: User, programme: CertificationProgramme, now: dt.datetime | None = None
) -> Eligibility:
    facts = _facts(learner=learner, programmes=[programme])
    return _evaluate(programme, facts, now or timezone.now())


def learner_programmes(*, learner: User, now: dt.datetime | None = None) -> list[Eligibility]:
    """Every open programme with the learner's progress toward it, nearest first."""
    programmes = list(
        CertificationProgramme.objects.filter(active=True)
        .select_related("issuer", "occupation")
        .prefetch_related("required_courses")
    )
    facts = _facts(learner=learner, programmes=programmes)
    now = now or timezone.now()
    results = [_evaluate(p, facts, now) for p in programmes]
    results.sort(key=lambda e: (e.certificate is not None, -e.percent))
    return results
