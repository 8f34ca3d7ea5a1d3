"""Lengths of time in the learner's words, in both languages."""

from django.utils import translation

import pytest

from lms.templatetags.durations import duration, minutes


@pytest.mark.parametrize(
    "value, english, chinese",
    [(1, "1 minute", "1 分钟"), (12, "12 minutes", "12 分钟"), (0, "0 minutes", "0 分钟")],
)
def test_minutes_read_in_words(value, english, chinese):
    with translation.override("en"):
        assert minutes(value) == english
    with translation.override("zh-hans"):
        assert minutes(value) == chinese


@pytest.mark.parametrize(
    "seconds, english, chinese",
    [
        (24, "24 seconds", "24 秒"),
        (1, "1 second", "1 秒"),
        (90.4, "1 min 30 seconds", "1 分 30 秒"),
        (120, "2 min", "2 分"),
    ],
)
def test_durations_read_in_minutes_and_seconds(seconds, english, chinese):
    with translation.override("en"):
        assert duration(seconds) == english
    with translation.override("zh-hans"):
        assert duration(seconds) == chinese


def test_what_is_not_a_number_reads_as_nothing():
    assert minutes("x") == "" and duration(None) == ""
