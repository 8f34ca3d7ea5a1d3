"""Reads for the "my hours" page, which shows the ledger and the study time behind it."""

import datetime as dt

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from wagtail.models import Page

from courses.models import CoursePage, LessonPage
from lms.accounts.models import User

from .certification.eligibility import Eligibility, learner_programmes
from .ledger.hours import class_hours_text
from .ledger.models import LearnerBalance, LedgerEntry
from .study.models import LessonProgress, RefusalReason, RefusedTime, StudyClock


def minutes_as_class_hours(minutes: int) -> str:
    """Minutes as class hours of ``STUDY_MINUTES_PER_CLASS_HOUR``, by the one rule of
    ``credits.ledger.hours`` (rounded down to one decimal)."""
    return class_hours_text(minutes)


def _course_of(lesson: LessonPage, courses: dict[str, CoursePage]) -> CoursePage | None:
    return courses.get(lesson.path[: -Page.steplen])


def next_class_hour(minutes: int) -> dict:
    """Where the learner stands inside the class hour being filled: minutes in, minutes left."""
    per = settings.STUDY_MINUTES_PER_CLASS_HOUR
    into = max(minutes, 0) % per
    return {"into": into, "left": per - into, "per": per}


def nearest_programme(*, learner: User, now: dt.datetime | None = None) -> Eligibility | None:
    """The certification programme the learner is nearest to and does not hold yet."""
    return next(
        (e for e in learner_programmes(learner=learner, now=now) if e.certificate is None), None
    )


def learner_hours(*, learner: User, now: dt.datetime | None = None) -> dict:
    """Everything the "my hours" page shows, in a fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    balance = LearnerBalance.objects.filter(learner=learner).first()
    total = balance.total_minutes if balance else 0
    week_start = today - dt.timedelta(days=today.weekday())
    this_week = (
        LedgerEntry.objects.filter(learner=learner, created_at__date__gte=week_start).aggregate(
            m=Sum("minutes")
        )["m"]
        or 0
    )
    all_entries = list(
        LedgerEntry.objects.filter(learner=learner)
        .select_related("lesson", "attendance__session")
        .order_by("-seq")
    )
    course_paths = {e.lesson.path[: -Page.steplen] for e in all_entries if e.lesson_id}
    courses = {
        c.path: c
        for c in CoursePage.objects.filter(path__in=course_paths).select_related("occupation")
    }
    per_course: dict[int, dict] = {}
    for entry in all_entries:
        entry.course = _course_of(entry.lesson, courses) if entry.lesson_id else None
        if entry.course is None:
            continue
        row = per_course.setdefault(entry.course.pk, {"course": entry.course, "minutes": 0})
        row["minutes"] += entry.minutes
    per_occupation: dict[str, dict] = {}
    for row in per_course.values():
        row["hours"] = minutes_as_class_hours(row["minutes"])
        occupation = row["course"].occupation
        item = per_occupation.setdefault(
            occupation.code if occupation else "", {"occupation": occupation, "minutes": 0}
        )
        item["minutes"] += row["minutes"]
    for item in per_occupation.values():
        item["hours"] = minutes_as_class_hours(item["minutes"])
    labels = dict(RefusalReason.choices)
    not_time = (RefusalReason.REPLAY, RefusalReason.OUT_OF_RANGE)  # claims, not time spent
    refused = [
        {
            "reason": row["reason"],
            "label": labels.get(row["reason"], row["reason"]),
            "minutes": round(row["s"] / 60, 1),
        }
        for row in RefusedTime.objects.filter(session__learner=learner)
        .exclude(reason__in=not_time)
        .values("reason")
        .annotate(s=Sum("seconds"))
        .order_by("-s")
        if row["s"] >= 1
    ]
    resume = list(
        LessonProgress.objects.filter(learner=learner, completed_at__isnull=True, position__gt=0)
        .select_related("lesson")
        .order_by("-updated_at")[:5]
    )
    return {
        "total_minutes": total,
        "total_hours": minutes_as_class_hours(total),
        "week_minutes": this_week,
        "week_hours": minutes_as_class_hours(this_week),
        "entries": all_entries[:100],
        "per_course": sorted(per_course.values(), key=lambda r: -r["minutes"]),
        "per_occupation": sorted(per_occupation.values(), key=lambda r: -r["minutes"]),
        "refused": refused,
        "attention_paused": StudyClock.objects.filter(
            learner=learner, attention_blocked=True
        ).exists(),
        "resume": resume,
        "minutes_per_hour": settings.STUDY_MINUTES_PER_CLASS_HOUR,
        "next_hour": next_class_hour(total),
        "programme": nearest_programme(learner=learner, now=now),
    }


def learner_hours_summary(*, learner: User) -> dict:
    balance = LearnerBalance.objects.filter(learner=learner).first()
    minutes = balance.total_minutes if balance else 0
    return {"minutes": minutes, "hours": minutes_as_class_hours(minutes)}
