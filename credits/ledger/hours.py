"""The one rule for class hours, wherever a figure of hours is shown.

A class hour is ``minutes_per_class_hour`` minutes of counted study (45 by default:
``STUDY_MINUTES_PER_CLASS_HOUR``, or a certification programme's own figure). Shown, class
hours are the minutes divided by that figure and rounded down to one decimal place, so a
figure never claims more than was studied, and the exact minutes are always shown beside
it: "6.4 学时（290 分钟）" / "6.4 class hours (290 minutes)". The minutes are the record;
the class hours are their reading.

Money is not display: a subsidy claim multiplies exact class hours (``lms.programmes.claims``)
and keeps its own Decimal arithmetic.

Pure arithmetic and one gettext string: the lowest layer that every part of the platform
showing hours may import (credentials, certificates, the hours pages, review, claims).
"""

from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

ONE_DECIMAL = Decimal("0.1")


def _per_hour(minutes_per_class_hour: int | None) -> int:
    per_hour = (
        settings.STUDY_MINUTES_PER_CLASS_HOUR
        if minutes_per_class_hour is None
        else minutes_per_class_hour
    )
    if per_hour <= 0:
        raise ValueError("a class hour has a positive number of minutes")
    return per_hour


def class_hours(minutes: int | Decimal, minutes_per_class_hour: int | None = None) -> Decimal:
    """Minutes as class hours, rounded down to one decimal place (towards minus infinity, so a
    debit is not shown smaller than it is either)."""
    per_hour = _per_hour(minutes_per_class_hour)
    return (Decimal(minutes) / Decimal(per_hour)).quantize(ONE_DECIMAL, rounding=ROUND_FLOOR)


def class_hours_text(minutes: int | Decimal, minutes_per_class_hour: int | None = None) -> str:
    """The figure alone, without a trailing ".0": "6.4", "6", "0"."""
    text = f"{class_hours(minutes, minutes_per_class_hour):f}"
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text


def minutes_text(minutes: int | Decimal) -> str:
    value = Decimal(minutes)
    return f"{value:f}" if value != value.to_integral_value() else str(int(value))


def class_hours_with_minutes(
    minutes: int | Decimal, minutes_per_class_hour: int | None = None
) -> str:
    """The figure with its minutes, in the reader's language: "6.4 学时（290 分钟）"."""
    return _("%(h)s class hours (%(m)s minutes)") % {
        "h": class_hours_text(minutes, minutes_per_class_hour),
        "m": minutes_text(minutes),
    }


def class_hours_bilingual(minutes: int | Decimal, minutes_per_class_hour: int | None = None) -> str:
    """Both languages at once, for documents printed in Chinese and English (the PDFs)."""
    hours = class_hours_text(minutes, minutes_per_class_hour)
    count = minutes_text(minutes)
    return f"{hours} 学时（{count} 分钟）/ {hours} class hours ({count} minutes)"
