"""One rule for class hours: minutes over the minutes of a class hour, rounded down to one
decimal place, with the minutes beside it."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credits.ledger.hours import (
    class_hours,
    class_hours_bilingual,
    class_hours_text,
    class_hours_with_minutes,
)
from credits.selectors import minutes_as_class_hours


@given(
    minutes=st.integers(min_value=-(10**6), max_value=10**7),
    per_hour=st.integers(min_value=1, max_value=240),
)
def test_class_hours_never_overstate_and_lose_less_than_a_tenth(minutes, per_hour):
    exact = Decimal(minutes) / Decimal(per_hour)

    shown = class_hours(minutes, per_hour)

    assert shown <= exact < shown + Decimal("0.1")
    assert Decimal(class_hours_text(minutes, per_hour)) == shown


def test_the_figures_of_the_issue_read_by_the_rule():
    assert class_hours_text(290, 45) == "6.4"  # 6.444…: the credential said 6.44, the PDF 6.44444
    assert class_hours_text(46, 45) == "1"  # 1.0222…: the certificate PDF said 1.02222
    assert class_hours_text(270, 45) == "6"
    assert class_hours_text(0, 45) == "0"
    assert class_hours_text(44, 45) == "0.9"
    assert class_hours_text(Decimal("292.5"), 45) == "6.5"


def test_the_minutes_travel_beside_the_hours_in_both_languages():
    with translation.override("zh-hans"):
        assert class_hours_with_minutes(290, 45) == "6.4 学时（290 分钟）"
    with translation.override("en"):
        assert class_hours_with_minutes(290, 45) == "6.4 class hours (290 minutes)"
    assert class_hours_bilingual(290, 45) == "6.4 学时（290 分钟）/ 6.4 class hours (290 minutes)"


def test_the_platform_class_hour_comes_from_the_setting(settings):
    settings.STUDY_MINUTES_PER_CLASS_HOUR = 60
    assert class_hours_text(90) == "1.5"
    assert minutes_as_class_hours(90) == "1.5"  # the hours page's reading, by the same rule


def test_a_class_hour_without_minutes_is_refused():
    with pytest.raises(ValueError):
        class_hours(45, 0)


def test_templates_read_hours_by_the_same_rule():
    template = Template(
        "{% load class_hours %}"
        "{{ m|class_hours }}|{{ m|class_hours:60 }}|{{ m|hours_with_minutes }}"
    )
    with translation.override("en"):
        rendered = template.render(Context({"m": 290}))
    assert rendered == "6.4|4.8|6.4 class hours (290 minutes)"
