"""Reads for courses. Each returns what a page needs in a fixed number of queries."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wagtail.models import Page

from lms.accounts.models import Organisation, User

from .demand import catalogue_entry_for
from .lesson_timing import in_study_order, opens_words
from .models import (
    Attendance,
    CatalogueEntry,
    ClassroomSession,
    CoursePage,
    Cycle,
    Enrolment,
    LessonCompletion,
    LessonPage,
    Occupation,
    ProgrammeYear,
    ScheduledLesson,
    SchoolPage,
)


def current_cycle(*, course: CoursePage, now: dt.datetime | None = None) -> Cycle | None:
    """The cycle running today, or else the next one to start."""
    today = timezone.localdate(now or timezone.now())
    return Cycle.objects.filter(course=course, ends_on__gte=today).order_by("starts_on").first()


def is_enrolled(*, learner: User, course_id: int) -> bool:
    return Enrolment.objects.filter(
        learner=learner, course_id=course_id, left_at__isnull=True
    ).exists()


def course_state_words(*, cycle: Cycle | None, today: dt.date) -> str:
    """How a course's timing reads to a learner deciding whether to join now."""
    if cycle is None:
        return _("No cycle scheduled yet")
    if cycle.starts_on <= today:
        return _("Cycle running: join tonight")
    return _("Next cycle starts %(date)s") % {
        "date": date_format(cycle.starts_on, "MONTH_DAY_FORMAT")
    }


@dataclass
class LessonRow:
    lesson: LessonPage
    number: int
    done: bool = False
    open: bool = False
    tonight: bool = False
    next_at: dt.datetime | None = None
    opens: str = ""  # when a locked lesson opens, in words (``opens_words``)


@dataclass
class CourseProgress:
    course: CoursePage
    enrolment: Enrolment | None
    cycle: Cycle | None
    state: str
    lessons: list[LessonRow] = field(default_factory=list)
    subsidy: CatalogueEntry | None = None  # the current catalogue's entry subsidising it

    @property
    def done_count(self) -> int:
        return sum(row.done for row in self.lessons)

    @property
    def tonight(self) -> LessonRow | None:
        return next((row for row in self.lessons if row.tonight), None)

    @property
    def still_needed(self) -> list[LessonRow]:
        return in_study_order([row for row in self.lessons if not row.done])

    @property
    def in_study_order(self) -> list[LessonRow]:
        return in_study_order(self.lessons)


def _progress_for_courses(
    *, courses: list[CoursePage], user, now: dt.datetime
) -> list[CourseProgress]:
    """Lessons, cycles, enrolment and what is done, for many courses at once (six queries)."""
    if not courses:
        return []
    today = timezone.localdate(now)
    ids = [c.pk for c in courses]
    lessons_by_course: dict[int, list[LessonPage]] = {c.pk: [] for c in courses}
    paths = {c.path: c.pk for c in courses}
    depth = courses[0].depth + 1
    lesson_qs = (
        LessonPage.objects.live()
        .filter(depth=depth)
        .filter(Q(*[Q(path__startswith=p) for p in paths], _connector=Q.OR))
        .order_by("path")
        .only(
            "id",
            "title",
            "slug",
            "url_path",
            "path",
            "depth",
            "duration_minutes",
            "credit_minutes",
            "summary",
        )
    )
    for lesson in lesson_qs:
        lessons_by_course[paths[lesson.path[: -Page.steplen]]].append(lesson)
    cycles = {}
    for cycle in Cycle.objects.filter(course_id__in=ids, ends_on__gte=today).order_by("starts_on"):
        cycles.setdefault(cycle.course_id, cycle)
    lesson_ids = [lesson.pk for group in lessons_by_course.values() for lesson in group]
    next_at = dict(
        ScheduledLesson.objects.filter(
            lesson_id__in=lesson_ids, starts_at__gte=now - dt.timedelta(hours=3)
        )
        .values("lesson_id")
        .annotate(first=Min("starts_at"))
        .values_list("lesson_id", "first")
    )
    enrolments: dict[int, Enrolment] = {}
    done: set[int] = set()
    released: set[int] = set()
    if user.is_authenticated:
        for enrolment in Enrolment.objects.filter(
            learner=user, course_id__in=ids, left_at__isnull=True
        ):
            enrolments[enrolment.course_id] = enrolment
        done = set(
            LessonCompletion.objects.filter(learner=user, lesson_id__in=lesson_ids).values_list(
                "lesson_id", flat=True
            )
        )
        if enrolments:
            released_q = Q()
            for enrolment in enrolments.values():
                joined_day = timezone.localtime(enrolment.joined_at).replace(
                    hour=0, minute=0, second=0, microsecond=0
                )
                released_q |= Q(cycle__course_id=enrolment.course_id, starts_at__gte=joined_day)
            released = set(
                ScheduledLesson.objects.filter(released_q, starts_at__lte=now).values_list(
                    "lesson_id", flat=True
                )
            )
    progress = []
    for course in courses:
        cycle = cycles.get(course.pk)
        enrolment = enrolments.get(course.pk)
        rows = []
        for number, lesson in enumerate(lessons_by_course[course.pk], start=1):
            when = next_at.get(lesson.pk)
            row = LessonRow(lesson=lesson, number=number, done=lesson.pk in done)
            row.open = row.done or lesson.pk in released
            row.tonight = bool(when and timezone.localdate(when) == today)
            row.next_at = when
            if when and not row.open:
                row.opens = opens_words(when=when, now=now)
            rows.append(row)
        progress.append(
            CourseProgress(
                course=course,
                enrolment=enrolment,
                cycle=cycle,
                state=course_state_words(cycle=cycle, today=today),
                lessons=rows,
            )
        )
    return progress


def course_overview(*, course: CoursePage, user) -> dict:
    """What the course page shows: its lessons, the cycle, and where this learner stands."""
    now = timezone.now()
    (progress,) = _progress_for_courses(courses=[course], user=user, now=now)
    occupation = course.occupation if course.occupation_id else None
    return {
        "progress": progress,
        "occupation": occupation,
        "outcomes": [
            line.strip() for line in course.learning_outcomes.splitlines() if line.strip()
        ],
        "can_enrol": bool(user.is_authenticated and user.role == User.Role.LEARNER),
        "subsidy": catalogue_entry_for(course=course),
    }


def lesson_view(*, lesson: LessonPage, user) -> dict:
    """Whether this learner may study the lesson now, and if not, when it comes around."""
    course = lesson.get_parent().specific_deferred
    (progress,) = _progress_for_courses(courses=[course], user=user, now=timezone.now())
    row = next((r for r in progress.lessons if r.lesson.pk == lesson.pk), None)
    is_staff_viewer = bool(
        user.is_authenticated and (user.is_superuser or user.role in (User.Role.INSTRUCTOR,))
    )
    return {
        "course": course,
        "progress": progress,
        "row": row,
        "may_study": bool(is_staff_viewer or (progress.enrolment and row and row.open)),
    }


def catalogue_filters() -> dict:
    return {
        "occupations": Occupation.objects.filter(courses__live=True).distinct(),
        "sub_lists": CatalogueEntry.SubList.choices,
        "demand_lists": [
            ("URGENT_SHORTAGE", _("Urgent shortage")),
            ("GENERAL", _("General")),
            ("MANUFACTURING", _("Manufacturing")),
            ("SPECIAL_ABILITY", _("Special ability")),
            ("GREEN", _("Green")),
            ("DIGITAL", _("Digital")),
        ],
    }


def _contains(text: str) -> Q:
    return (
        Q(title__icontains=text)
        | Q(summary__icontains=text)
        | Q(occupation__name_zh__icontains=text)
    )


def with_subsidy(courses: QuerySet[CoursePage], *, on: dt.date) -> QuerySet[CoursePage]:
    """The courses, each annotated with ``subsidy_entry_id``: the entry of the current
    published catalogue of its school's city that subsidises it (as ``catalogue_entry_for``
    picks it: the exact level over every level), or None. One query, however many courses."""
    school_city = SchoolPage.objects.filter(
        path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Page.steplen)
    ).values("organisation__city")[:1]
    year = (
        ProgrammeYear.objects.filter(
            hr_office__kind=Organisation.Kind.HR_OFFICE,
            hr_office__city=OuterRef("school_city"),
            published_at__isnull=False,
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .exclude(hr_office__city="")
        .order_by("-year")
        .values("pk")[:1]
    )
    entry = (
        CatalogueEntry.objects.filter(
            Q(level=OuterRef("level")) | Q(level=""),
            programme_year=OuterRef("subsidy_year"),
            occupation=OuterRef("occupation"),
        )
        .order_by("-level")
        .values("pk")[:1]
    )
    return courses.annotate(
        school_city=Subquery(school_city), subsidy_year=Subquery(year)
    ).annotate(subsidy_entry_id=Subquery(entry))


def catalogue_courses(
    *,
    occupation: str = "",
    demand: str = "",
    query: str = "",
    subsidised: bool = False,
    sub_list: str = "",
    green: bool = False,
    digital: bool = False,
) -> QuerySet[CoursePage]:
    courses = with_subsidy(
        CoursePage.objects.live().select_related("occupation", "cover_image").order_by("title"),
        on=timezone.localdate(),
    )
    if subsidised:
        courses = courses.filter(subsidy_entry_id__isnull=False)
    entry_facts = {}
    if sub_list in CatalogueEntry.SubList.values:
        entry_facts["sub_list"] = sub_list
    if green:
        entry_facts["green"] = True
    if digital:
        entry_facts["digital"] = True
    if entry_facts:
        courses = courses.filter(
            subsidy_entry_id__in=CatalogueEntry.objects.filter(**entry_facts).values("pk")
        )
    if occupation:
        courses = courses.filter(occupation__code=occupation)
    field = {**Occupation.DEMAND_LISTS, **Occupation.FLAGS}.get(demand)
    if field:
        courses = courses.filter(**{f"occupation__{field}": True})
    if query:
        # The search index splits words on spaces, which Chinese does not use, so a phrase
        # typed in Chinese is also looked for inside titles, summaries and occupations.
        words = search_words(query)
        found = (
            [page.pk for page in CoursePage.objects.live().search(" ".join(words))] if words else []
        )
        matches = _contains(query)
        if words:
            each_word = Q()
            for word in words:
                each_word &= _contains(word)
            matches |= each_word
        courses = courses.filter(Q(pk__in=found) | matches)
    return courses


SEARCH_MAX_WORDS = 10
_WORD = re.compile(r"\w+")
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


def search_words(query: str) -> list[str]:
    """The words of a query, without the punctuation that is syntax to the search index.

    SQLite's FTS5 reads quotes, ``*``, ``-``, ``^``, ``:``, parentheses and AND/OR/NOT/NEAR as
    its own query language, and Wagtail passes a typed query on nearly as it came; a stray
    quote made the catalogue answer 500. Words alone are what a learner means, and each is
    looked for as a word, never as an operator; the operators themselves are dropped beside
    other words, and looked for as words when typed alone.
    """
    words = _WORD.findall(query)
    meant = [word for word in words if word not in _OPERATORS]
    return (meant or words)[:SEARCH_MAX_WORDS]


def catalogue_for(
    *,
    user,
    occupation: str = "",
    demand: str = "",
    q: str = "",
    subsidised: bool = False,
    sub_list: str = "",
    green: bool = False,
    digital: bool = False,
) -> dict:
    """The catalogue's entries for this viewer, filtered (the filters come cleaned from
    ``courses.forms.CatalogueFilterForm``), each with the catalogue entry subsidising it."""
    query = q
    sub_list = sub_list if sub_list in CatalogueEntry.SubList.values else ""
    courses = list(
        catalogue_courses(
            occupation=occupation,
            demand=demand,
            query=query,
            subsidised=subsidised,
            sub_list=sub_list,
            green=green,
            digital=digital,
        )
    )
    progress = _progress_for_courses(courses=courses, user=user, now=timezone.now())
    subsidies = CatalogueEntry.objects.in_bulk(
        {c.subsidy_entry_id for c in courses if c.subsidy_entry_id}
    )
    for row in progress:
        row.subsidy = subsidies.get(row.course.subsidy_entry_id)
    return {
        "entries": progress,
        "selected": {
            "occupation": occupation,
            "demand": demand,
            "q": query,
            "subsidised": subsidised,
            "sub_list": sub_list,
            "green": green,
            "digital": digital,
        },
        **catalogue_filters(),
    }


def school_courses(*, school: SchoolPage) -> QuerySet[CoursePage]:
    return CoursePage.objects.child_of(school).live().select_related("occupation")


@dataclass
class Tonight:
    courses: list[CourseProgress]
    classroom: list[ClassroomSession]
    attending: set[int]


def learner_tonight(*, user, now: dt.datetime | None = None) -> Tonight:
    """The learner's evening: each course they are in, tonight's lesson or classroom session,
    and the lessons still to do with when each next comes around."""
    now = now or timezone.now()
    course_ids = Enrolment.objects.filter(learner=user, left_at__isnull=True).values("course_id")
    courses = list(CoursePage.objects.filter(pk__in=course_ids).live().order_by("title"))
    today = timezone.localdate(now)
    classroom = list(
        ClassroomSession.objects.filter(
            cycle__course_id__in=[c.pk for c in courses],
            starts_at__date__gte=today,
            starts_at__date__lte=today + dt.timedelta(days=7),
        )
        .select_related("lesson")
        .order_by("starts_at")
    )
    attending = set(
        Attendance.objects.filter(learner=user, session__in=classroom).values_list(
            "session_id", flat=True
        )
    )
    return Tonight(
        courses=_progress_for_courses(courses=courses, user=user, now=now),
        classroom=classroom,
        attending=attending,
    )


@dataclass
class RosterRow:
    learner: User
    joined_at: dt.datetime
    done: int
    released: int

    @property
    def behind(self) -> int:
        return max(self.released - self.done, 0)


def cycle_roster(*, cycle: Cycle, now: dt.datetime | None = None) -> list[RosterRow]:
    """Who is in this cycle and how far behind each is: lessons released since they joined
    that they have not done yet."""
    now = now or timezone.now()
    enrolments = list(
        Enrolment.objects.filter(joined_cycle=cycle, left_at__isnull=True).select_related("learner")
    )
    learner_ids = [e.learner_id for e in enrolments]
    lesson_ids = list(cycle.sessions.values_list("lesson_id", flat=True))
    done_counts = dict(
        LessonCompletion.objects.filter(learner_id__in=learner_ids, lesson_id__in=lesson_ids)
        .values("learner_id")
        .annotate(n=Count("id"))
        .values_list("learner_id", "n")
    )
    released = list(cycle.sessions.filter(starts_at__lte=now).values_list("starts_at", flat=True))
    rows = []
    for enrolment in enrolments:
        joined_day = timezone.localdate(enrolment.joined_at)
        since = sum(1 for at in released if timezone.localdate(at) >= joined_day)
        rows.append(
            RosterRow(
                learner=enrolment.learner,
                joined_at=enrolment.joined_at,
                done=done_counts.get(enrolment.learner_id, 0),
                released=since,
            )
        )
    rows.sort(key=lambda r: (-r.behind, r.learner.real_name))
    return rows


def user_may_teach_course(*, user, course_id: int) -> bool:
    """Administrators, and instructors of the school the course belongs to."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role != User.Role.INSTRUCTOR or not user.organisation_id:
        return False
    school = SchoolPage.objects.filter(organisation_id=user.organisation_id).first()
    course = CoursePage.objects.filter(pk=course_id).first()
    return bool(school and course and course.is_descendant_of(school))


def courses_user_teaches(*, user) -> QuerySet[CoursePage]:
    if user.is_superuser:
        return CoursePage.objects.all().order_by("title")
    school = SchoolPage.objects.filter(organisation_id=user.organisation_id).first()
    if school is None or user.role != User.Role.INSTRUCTOR:
        return CoursePage.objects.none()
    return CoursePage.objects.descendant_of(school).order_by("title")


def teaching_overview(*, courses: list[CoursePage]) -> dict:
    today = timezone.localdate()
    cycles = list(
        Cycle.objects.filter(course__in=courses, ends_on__gte=today - dt.timedelta(days=60))
        .annotate(enrolled=Count("joiners", filter=Q(joiners__left_at__isnull=True)))
        .order_by("course__title", "number")
    )
    waiting = Q(attendances__status=Attendance.Status.PENDING)
    # Sessions to come, and ended ones whose check-ins still wait for the instructor.
    sessions = list(
        ClassroomSession.objects.filter(cycle__in=cycles)
        .annotate(pending=Count("attendances", filter=waiting))
        .filter(Q(ends_at__gte=timezone.now()) | Q(pending__gt=0))
        .select_related("lesson")
        .order_by("starts_at")
    )
    by_course = {c.pk: {"course": c, "cycles": [], "sessions": []} for c in courses}
    for cycle in cycles:
        by_course[cycle.course_id]["cycles"].append(cycle)
    cycle_course = {c.pk: c.course_id for c in cycles}
    for session in sessions:
        by_course[cycle_course[session.cycle_id]]["sessions"].append(session)
    return {"courses": list(by_course.values())}


def session_attendance(*, session: ClassroomSession) -> dict:
    """The instructor's roster of one classroom session: who checked in, and who waits."""
    attendances = list(
        session.attendances.select_related("learner", "decided_by").order_by("checked_in_at")
    )
    return {
        "attendances": attendances,
        "pending": sum(a.status == Attendance.Status.PENDING for a in attendances),
        "present": [a for a in attendances if a.status != Attendance.Status.REMOVED],
    }
