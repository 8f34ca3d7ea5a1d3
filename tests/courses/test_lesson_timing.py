"""A locked lesson says when it opens in the learner's words; open lessons come first."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone, translation

import pytest

from courses.lesson_timing import in_study_order, opens_words

# Thursday 3 December 2026, 21:00 in Shanghai.
NOW = timezone.make_aware(dt.datetime(2026, 12, 3, 21, 0))


def local(day, hour=19, minute=0):
    return timezone.make_aware(dt.datetime(2026, 12, day, hour, minute))


@pytest.mark.parametrize(
    "when, chinese, english",
    [
        (local(3, 21, 30), "今晚 21:30 开放", "Opens tonight at 21:30"),
        (local(4), "明天 19:00 开放", "Opens tomorrow at 19:00"),
        (local(6), "周日 19:00 开放", "Opens on Sunday at 19:00"),
        (local(8), "下周二 19:00 开放", "Opens next Tuesday at 19:00"),
        (local(22), "12月22日 19:00 开放", "Opens on December 22 at 19:00"),
    ],
)
def test_when_a_lesson_opens_reads_as_a_learner_says_it(when, chinese, english):
    with translation.override("zh-hans"):
        assert opens_words(when=when, now=NOW) == chinese
    with translation.override("en"):
        assert opens_words(when=when, now=NOW) == english


def test_the_time_is_the_learners_own_time_zone():
    # 11:00 UTC is 19:00 in Shanghai.
    utc = dt.datetime(2026, 12, 4, 11, 0, tzinfo=dt.UTC)
    with translation.override("zh-hans"):
        assert opens_words(when=utc, now=NOW) == "明天 19:00 开放"


@dataclass
class Row:
    name: str
    open: bool
    next_at: dt.datetime | None = None


def test_open_lessons_come_first_in_course_order_then_locked_ones_by_when_they_open():
    rows = [
        Row("1", False, local(10)),
        Row("2", True),
        Row("3", False, local(5)),
        Row("4", False, None),
        Row("5", True),
    ]
    assert [r.name for r in in_study_order(rows)] == ["2", "5", "3", "1", "4"]
