"""When lessons open, in a learner's words, and the order a learner meets them in."""

import datetime as dt
from typing import TypeVar

from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

T = TypeVar("T")


def opens_words(*, when: dt.datetime, now: dt.datetime) -> str:
    """When a locked lesson opens, as a learner says it, in their time zone: "今晚 20:30 开放",
    "明天 20:30 开放", "周二 20:30 开放" within this week, "下周二 20:30 开放" in the next."""
    local, today = timezone.localtime(when), timezone.localdate(now)
    day, time = local.date(), local.strftime("%H:%M")
    weekday = WEEKDAYS[day.weekday()]
    if day <= today:
        return _("Opens tonight at %(time)s") % {"time": time}
    if day == today + dt.timedelta(days=1):
        return _("Opens tomorrow at %(time)s") % {"time": time}
    week_start = today - dt.timedelta(days=today.weekday())
    if day < week_start + dt.timedelta(days=7):
        return _("Opens on %(weekday)s at %(time)s") % {"weekday": weekday, "time": time}
    if day < week_start + dt.timedelta(days=14):
        return _("Opens next %(weekday)s at %(time)s") % {"weekday": weekday, "time": time}
    return _("Opens on %(date)s at %(time)s") % {
        "date": date_format(day, "MONTH_DAY_FORMAT"),
        "time": time,
    }


def in_study_order(rows: list[T]) -> list[T]:
    """Open lessons first, in the course's order; then locked ones by when they open."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(rows, key=lambda r: (not r.open, far if r.open else (r.next_at or far)))
