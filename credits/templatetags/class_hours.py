"""Class hours in templates, by the one rule of ``credits.ledger.hours``."""

from django import template

from credits.ledger.hours import class_hours_text, class_hours_with_minutes

register = template.Library()


@register.filter
def class_hours(minutes, minutes_per_class_hour=None) -> str:
    """``{{ minutes|class_hours }}`` → "6.4"; ``{{ minutes|class_hours:60 }}`` for a
    programme's own class hour."""
    return class_hours_text(minutes, minutes_per_class_hour)


@register.filter
def hours_with_minutes(minutes, minutes_per_class_hour=None) -> str:
    """``{{ minutes|hours_with_minutes }}`` → "6.4 学时（290 分钟）"."""
    return class_hours_with_minutes(minutes, minutes_per_class_hour)
