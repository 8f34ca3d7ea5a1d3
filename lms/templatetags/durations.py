"""How lengths of time read to a learner: "1 minute", "12 minutes", "1 分 30 秒", never "24 s"."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def minutes(value) -> str:
    """A whole number of minutes, in words ("1 minute", "45 minutes"; "45 分钟")."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return ""
    return ngettext("%(n)s minute", "%(n)s minutes", abs(n)) % {"n": n}


@register.filter
def duration(value) -> str:
    """Seconds as minutes and seconds ("1 minute 30 seconds"; "1 分 30 秒"), or just seconds
    under a minute ("24 seconds"; "24 秒")."""
    try:
        total = max(0, round(float(value)))
    except (TypeError, ValueError):
        return ""
    mins, secs = divmod(total, 60)
    sec_words = ngettext("%(n)s second", "%(n)s seconds", secs) % {"n": secs}
    if not mins:
        return sec_words
    min_words = ngettext("%(n)s min", "%(n)s min", mins) % {"n": mins}
    return f"{min_words} {sec_words}" if secs else min_words
