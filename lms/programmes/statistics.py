"""Person-time (人次) statistics of an HR office: the rollup behind its dashboard. Reads of it are
in :mod:`lms.programmes.statistics_selectors`.

Definitions (the dashboard's footnotes say the same):

- **Trained**: an enrolment in a course of a school of the office's city whose ``joined_at``
  falls in the period. One enrolment is one person-time; a person in two courses counts twice.
- **Completed**: a learner and a course count once, in the month of the learner's last
  ``LessonCompletion`` of that course, when the learner is (or was) enrolled in the course and
  holds a completion of every live lesson of the course. Lessons are credited once, ever, so
  this is one ``COUNT`` per learner and course compared with the course's lesson count.
- **Certified**: a learner and a course count once, in the month of the first certificate that
  is not revoked, was issued in the programme year, no earlier than the learner joined the
  course, by a certification programme for the course's occupation (at the course's level, or
  a programme open to every level).
- **Subsidy committed** and **paid**: see :func:`_subsidy_rows`.

The page never aggregates the base tables: ``statistics_refresh`` rebuilds the office's
``PersonTimeRollup`` rows (a few GROUP BY queries over enrolments, completions, certificates,
claims and vouchers), and the dashboard sums those few thousand rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Max, Sum, Value, When
from django.utils import timezone

from wagtail.models import Page

from courses.models import (
    CatalogueEntry,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ProgrammeYear,
    SchoolPage,
)
from credits.certification.models import Certificate
from lms.accounts.models import GroupMembership, Organisation

from .models import PersonTimeRollup, StatisticsRefresh, SubsidyClaim, TrainingVoucher
from .scope import schools_in_scope

logger = logging.getLogger(__name__)

ALL = PersonTimeRollup.ALL_GROUPS
NONE = PersonTimeRollup.NO_GROUP
COUNTS = ("trained", "completed", "certified")
MONEY = ("subsidy_committed", "subsidy_paid")
BATCH = 2000


@dataclass(frozen=True)
class CourseFacts:
    school_id: int
    district: str
    occupation_id: int | None
    level: str


def _office_courses(*, office: Organisation) -> tuple[dict[int, CourseFacts], dict[int, list[int]]]:
    """Every course of the office's schools, and the ids of each one's live lessons."""
    schools = {s.pk: s for s in schools_in_scope(office=office)}
    school_pages = dict(
        SchoolPage.objects.filter(organisation_id__in=schools).values_list(
            "path", "organisation_id"
        )
    )
    if not school_pages:
        return {}, {}
    depth = len(next(iter(school_pages))) // Page.steplen + 1
    courses: dict[int, CourseFacts] = {}
    course_paths: dict[str, int] = {}
    for pk, path, occupation_id, level in CoursePage.objects.filter(depth=depth).values_list(
        "pk", "path", "occupation_id", "level"
    ):
        school_id = school_pages.get(path[: -Page.steplen])
        if school_id is None:
            continue
        courses[pk] = CourseFacts(school_id, schools[school_id].district, occupation_id, level)
        course_paths[path] = pk
    lessons: dict[int, list[int]] = defaultdict(list)
    for pk, path in LessonPage.objects.filter(depth=depth + 1, live=True).values_list("pk", "path"):
        course_id = course_paths.get(path[: -Page.steplen])
        if course_id is not None:
            lessons[course_id].append(pk)
    return courses, lessons


def _sub_lists(*, year: ProgrammeYear) -> dict[tuple[int, str], str]:
    """(occupation, level) → sub-list of the year's catalogue; level "" is every level."""
    return {
        (occupation_id, level): sub_list
        for occupation_id, level, sub_list in CatalogueEntry.objects.filter(
            programme_year=year
        ).values_list("occupation_id", "level", "sub_list")
    }


def _sub_list_of(facts: CourseFacts, sub_lists: dict[tuple[int, str], str]) -> str:
    if facts.occupation_id is None:
        return ""
    return sub_lists.get((facts.occupation_id, facts.level)) or sub_lists.get(
        (facts.occupation_id, ""), ""
    )


def _bounds(year: ProgrammeYear) -> tuple[dt.datetime, dt.datetime]:
    """The programme year as an aware half-open range of local time."""
    start = timezone.make_aware(dt.datetime.combine(year.starts_on, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(year.ends_on + dt.timedelta(days=1), dt.time.min))
    return start, end


def year_months(year: ProgrammeYear) -> list[dt.date]:
    months, month = [], year.starts_on.replace(day=1)
    while month <= year.ends_on:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_expression(field: str, year: ProgrammeYear) -> Case:
    """The local month of a timestamp column, as 'YYYY-MM-01', computed by the database.

    A CASE over the year's month boundaries (aware datetimes, so daylight saving is right
    wherever the platform runs) instead of TruncMonth, which SQLite evaluates by calling back
    into Python for every row: about 40 µs a row, most of a refresh at a million enrolments.
    Rows outside the year get NULL."""
    months = year_months(year)
    bounds = [
        timezone.make_aware(dt.datetime.combine(month, dt.time.min))
        for month in [*months, (months[-1] + dt.timedelta(days=32)).replace(day=1)]
    ]
    return Case(
        *[
            When(
                **{f"{field}__gte": bounds[n], f"{field}__lt": bounds[n + 1]},
                then=Value(f"{month:%Y-%m-%d}"),
            )
            for n, month in enumerate(months)
        ],
        default=None,
        output_field=CharField(),
    )


def _month_of(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, str):
        return dt.date.fromisoformat(moment)
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    return moment.replace(day=1)


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _groups_of(learner_ids: set[int]) -> dict[int, list[str]]:
    groups: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(sorted(learner_ids)):
        for user_id, group in GroupMembership.objects.filter(
            identity__user_id__in=chunk
        ).values_list("identity__user_id", "group"):
            groups[user_id].append(group)
    return groups


class _Rows:
    """Rollup rows being built, by key."""

    def __init__(self, *, office: Organisation, year: ProgrammeYear, courses, sub_lists):
        self.office, self.year, self.courses, self.sub_lists = office, year, courses, sub_lists
        self.rows: dict[tuple, PersonTimeRollup] = {}

    def add(self, *, course_id: int, month: dt.date, group: str, **amounts) -> None:
        facts = self.courses[course_id]
        sub_list = _sub_list_of(facts, self.sub_lists)
        key = (month, facts.school_id, facts.occupation_id, facts.level, sub_list, group)
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = PersonTimeRollup(
                hr_office=self.office,
                programme_year=self.year,
                month=month,
                school_id=facts.school_id,
                district=facts.district,
                occupation_id=facts.occupation_id,
                level=facts.level,
                sub_list=sub_list,
                learner_group=group,
            )
        for field, value in amounts.items():
            setattr(row, field, getattr(row, field) + value)

    def add_person(self, *, course_id, month, groups, field) -> None:
        """One person-time: once in the totals, once under each declared group."""
        self.add(course_id=course_id, month=month, group=ALL, **{field: 1})
        for group in groups or [NONE]:
            self.add(course_id=course_id, month=month, group=group, **{field: 1})


def _trained_rows(rows: _Rows, course_ids: list[int], start, end) -> None:
    enrolments = Enrolment.objects.filter(joined_at__gte=start, joined_at__lt=end)
    month = _month_expression("joined_at", rows.year)
    for chunk in _chunks(course_ids):
        per_month = (
            enrolments.filter(course_id__in=chunk)
            .annotate(m=month)
            .values("course_id", "m")
            .annotate(n=Count("id"))
        )
        for item in per_month:
            rows.add(
                course_id=item["course_id"],
                month=_month_of(item["m"]),
                group=ALL,
                trained=item["n"],
            )
        per_group = (
            enrolments.filter(course_id__in=chunk)
            .annotate(m=month, g=F("learner__identity__groups__group"))
            .values("course_id", "m", "g")
            .annotate(n=Count("id"))
        )
        for item in per_group:
            rows.add(
                course_id=item["course_id"],
                month=_month_of(item["m"]),
                group=item["g"] or NONE,
                trained=item["n"],
            )


def _completed_rows(rows: _Rows, lessons: dict[int, list[int]], start, end) -> None:
    done: list[tuple[int, int, dt.datetime]] = []
    for course_id, lesson_ids in lessons.items():
        if course_id not in rows.courses:
            continue
        per_learner = (
            LessonCompletion.objects.filter(
                lesson_id__in=lesson_ids,
                learner_id__in=Enrolment.objects.filter(course_id=course_id).values("learner_id"),
            )
            .values("learner_id")
            .annotate(n=Count("id"), last=Max("completed_at"))
            .filter(n=len(lesson_ids), last__gte=start, last__lt=end)
            .values_list("learner_id", "last")
        )
        done.extend((course_id, learner_id, last) for learner_id, last in per_learner)
    groups = _groups_of({learner_id for _c, learner_id, _l in done})
    for course_id, learner_id, last in done:
        rows.add_person(
            course_id=course_id,
            month=_month_of(last),
            groups=groups.get(learner_id),
            field="completed",
        )


def _certified_rows(rows: _Rows, course_ids: list[int], start, end) -> None:
    certificates = Certificate.objects.filter(
        revoked_at__isnull=True,
        issued_at__gte=start,
        issued_at__lt=end,
        programme__occupation_id__isnull=False,
    )
    held: dict[int, list[tuple[int, str, dt.datetime]]] = defaultdict(list)
    for learner_id, occupation_id, level, issued_at in certificates.values_list(
        "learner_id", "programme__occupation_id", "programme__level", "issued_at"
    ):
        held[learner_id].append((occupation_id, level, issued_at))
    if not held:
        return
    first: dict[tuple[int, int], dt.datetime] = {}
    for chunk in _chunks(sorted(held)):
        for learner_id, course_id, joined_at in Enrolment.objects.filter(
            learner_id__in=chunk, course_id__in=course_ids
        ).values_list("learner_id", "course_id", "joined_at"):
            facts = rows.courses[course_id]
            for occupation_id, level, issued_at in held[learner_id]:
                if (
                    occupation_id == facts.occupation_id
                    and level in ("", facts.level)
                    and issued_at >= joined_at
                ):
                    key = (learner_id, course_id)
                    if key not in first or issued_at < first[key]:
                        first[key] = issued_at
    groups = _groups_of({learner_id for learner_id, _c in first})
    for (learner_id, course_id), issued_at in first.items():
        rows.add_person(
            course_id=course_id,
            month=_month_of(issued_at),
            groups=groups.get(learner_id),
            field="certified",
        )


def _subsidy_rows(rows: _Rows, school_ids: list[int]) -> None:
    """The money of the year's classes.

    **Committed** is what the office owes and has not yet paid: the amount of every claim
    filed (the amount claimed) or approved (the amount approved), in the month it was filed,
    plus the face value of every voucher of the year redeemed on enrolment that no school
    has claimed yet, in the month of the enrolment. **Paid** is the amount of every paid
    claim (approved, else claimed), in the month it was paid. Refused claims count nowhere.
    """
    claims = SubsidyClaim.objects.filter(
        application__school_id__in=school_ids,
        application__catalogue_entry__programme_year=rows.year,
        state__in=[SubsidyClaim.State.FILED, SubsidyClaim.State.APPROVED, SubsidyClaim.State.PAID],
        application__cycle__course_id__in=list(rows.courses),
    ).values_list(
        "state",
        "amount_claimed",
        "amount_approved",
        "filed_at",
        "decided_at",
        "paid_at",
        "application__cycle__course_id",
    )
    for state, claimed, approved, filed_at, decided_at, paid_at, course_id in claims:
        amount = approved if approved is not None and state != SubsidyClaim.State.FILED else claimed
        if state == SubsidyClaim.State.PAID:
            month = _month_of(paid_at or decided_at or filed_at)
            rows.add(course_id=course_id, month=month, group=ALL, subsidy_paid=amount)
        else:
            rows.add(
                course_id=course_id, month=_month_of(filed_at), group=ALL, subsidy_committed=amount
            )
    vouchers = (
        TrainingVoucher.objects.filter(
            programme_year=rows.year,
            state=TrainingVoucher.State.REDEEMED,
            enrolment__course_id__in=list(rows.courses),
        )
        .annotate(m=_month_expression("enrolment__joined_at", rows.year))
        .exclude(m=None)
        .values("enrolment__course_id", "m")
        .annotate(s=Sum("face_value"))
    )
    for item in vouchers:
        rows.add(
            course_id=item["enrolment__course_id"],
            month=_month_of(item["m"]),
            group=ALL,
            subsidy_committed=item["s"],
        )


def _office_rows(*, office: Organisation) -> list[PersonTimeRollup]:
    courses, lessons = _office_courses(office=office)
    course_ids = sorted(courses)
    school_ids = sorted({facts.school_id for facts in courses.values()})
    built: list[PersonTimeRollup] = []
    for year in ProgrammeYear.objects.filter(hr_office=office):
        rows = _Rows(office=office, year=year, courses=courses, sub_lists=_sub_lists(year=year))
        start, end = _bounds(year)
        if course_ids:
            _trained_rows(rows, course_ids, start, end)
            _completed_rows(rows, lessons, start, end)
            _certified_rows(rows, course_ids, start, end)
            _subsidy_rows(rows, school_ids)
        built.extend(rows.rows.values())
    return built


def statistics_refresh(*, office: Organisation | None = None) -> int:
    """Rebuild the rollup of one HR office (or of every one); returns the rows written.

    Everything is computed before the write; the office's old rows are then replaced by the
    new ones in one transaction, so the dashboard shows either the old figures or the new,
    never half of each. Running it twice in a row writes the same rows.
    """
    offices = (
        [office]
        if office is not None
        else list(Organisation.objects.filter(kind=Organisation.Kind.HR_OFFICE))
    )
    written = 0
    for each in offices:
        began = time.monotonic()
        rows = _office_rows(office=each)
        with transaction.atomic():
            PersonTimeRollup.objects.filter(hr_office=each).delete()
            PersonTimeRollup.objects.bulk_create(rows, batch_size=BATCH)
            StatisticsRefresh.objects.update_or_create(
                hr_office=each,
                defaults={
                    "refreshed_at": timezone.now(),
                    "seconds": time.monotonic() - began,
                    "rows": len(rows),
                },
            )
        written += len(rows)
        logger.info("statistics of office %s refreshed: %s rows", each.pk, len(rows))
    return written


def refresh_every_s() -> int:
    return int(getattr(settings, "STATISTICS_REFRESH_EVERY_S", 3600))


def _scheduled_key(office_id: int) -> str:
    return f"programmes:statistics-refresh-scheduled:{office_id}"


def statistics_refresh_schedule(*, office_id: int, later: bool = False) -> bool:
    """Put a refresh of the office on the background queue: now, or (``later``) one interval
    from now, which is how the refresh repeats itself on the worker of ``make run`` and on
    Celery alike. The shared cache keeps a second request within the interval from queueing a
    duplicate (a lost mark only costs one extra refresh). False when nothing was queued."""
    from django.core.cache import cache

    from django_tasks.exceptions import InvalidTaskError

    from .tasks import refresh_statistics

    interval = refresh_every_s()
    if later:
        cache.set(_scheduled_key(office_id), 1, timeout=interval)
        try:
            refresh_statistics.using(
                run_after=timezone.now() + dt.timedelta(seconds=interval)
            ).enqueue(office_id)
        except InvalidTaskError:  # a backend that cannot defer: refreshes come on demand
            return False
        return True
    if not cache.add(_scheduled_key(office_id), 1, timeout=interval):
        return False
    refresh_statistics.enqueue(office_id)
    return True


def statistics_refresh_soon(*, office: Organisation) -> None:
    """After something the figures show has changed (a claim filed, decided or paid): queue a
    refresh of the office once the transaction commits."""
    office_id = office.pk

    def enqueue() -> None:
        from .tasks import refresh_statistics

        refresh_statistics.enqueue(office_id)

    transaction.on_commit(enqueue)
