"""Reads of the person-time rollup for the HR office's dashboard: years, months, the tables by
each dimension, and the figures' formats. The rollup and its definitions are in
:mod:`lms.programmes.statistics`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import CatalogueEntry, Occupation, ProgrammeYear
from lms.accounts.models import Organisation, User

from .models import PersonTimeRollup, StatisticsRefresh
from .statistics import ALL, COUNTS, MONEY, NONE, refresh_every_s, year_months


def statistics_years(*, office: Organisation) -> QuerySet[ProgrammeYear]:
    return ProgrammeYear.objects.filter(hr_office=office).order_by("-year")


def statistics_last_refresh(*, office: Organisation) -> StatisticsRefresh | None:
    return StatisticsRefresh.objects.filter(hr_office=office).first()


def statistics_is_stale(*, office: Organisation) -> bool:
    last = statistics_last_refresh(office=office)
    if last is None:
        return True
    return timezone.now() - last.refreshed_at > dt.timedelta(seconds=refresh_every_s())


def statistics_months(*, office: Organisation, year: ProgrammeYear) -> list[dt.date]:
    """The months one can filter on: the year's, and any later month money of it fell in."""
    known = set(
        PersonTimeRollup.objects.filter(hr_office=office, programme_year=year)
        .values_list("month", flat=True)
        .distinct()
    )
    return sorted(set(year_months(year)) | known)


def _base(*, office, year, month_from, month_to) -> QuerySet[PersonTimeRollup]:
    return PersonTimeRollup.objects.filter(
        hr_office=office, programme_year=year, month__gte=month_from, month__lte=month_to
    )


def _sums(queryset, dimension: str, fields=COUNTS) -> dict:
    return {
        item[dimension]: item
        for item in queryset.values(dimension).annotate(**{f: Sum(f) for f in fields})
    }


def _row(label: str, item: dict | None, fields=COUNTS) -> dict:
    item = item or {}
    return {
        "label": label,
        **{f: item.get(f) or (Decimal("0.00") if f in MONEY else 0) for f in fields},
    }


def _total(rows: list[dict], fields=COUNTS) -> dict:
    return {
        "label": _("Total"),
        **{f: sum((row[f] for row in rows), Decimal("0.00") if f in MONEY else 0) for f in fields},
    }


def _district_label(office: Organisation, district: str) -> str:
    if district:
        return f"{office.city} · {district}"
    return _("%(city)s, district not given") % {"city": office.city}


def month_label(month: dt.date) -> str:
    if translation.get_language() == "en":
        return month.strftime("%b %Y")
    return f"{month.year}年{month.month}月"


def statistics_tables(*, office, year, month_from, month_to) -> dict[str, dict]:
    """Every table of the dashboard: rows (label and figures) and a total, by table name."""
    base = _base(office=office, year=year, month_from=month_from, month_to=month_to)
    totals = base.filter(learner_group=ALL)
    tables: dict[str, dict] = {}

    by_month = _sums(totals, "month", COUNTS + MONEY)
    months = [m for m in statistics_months(office=office, year=year) if month_from <= m <= month_to]
    rows = [_row(month_label(m), by_month.get(m)) for m in months]
    tables["month"] = {"rows": rows, "total": _total(rows)}

    money = [_row(month_label(m), by_month.get(m), MONEY) for m in months]
    tables["subsidy"] = {"rows": money, "total": _total(money, MONEY), "fields": MONEY}

    by_list = _sums(totals, "sub_list")
    labels = dict(CatalogueEntry.SubList.choices)
    rows = [_row(str(label), by_list.get(value)) for value, label in labels.items()]
    rows.append(_row(_("Not on the catalogue"), by_list.get("")))
    tables["sub_list"] = {"rows": rows, "total": _total(rows)}

    by_group = _sums(base.exclude(learner_group=ALL), "learner_group")
    rows = [
        _row(str(label), by_group.get(value))
        for value, label in User.LearnerGroup.choices
        if value in by_group
    ]
    rows.append(_row(_("Not declared"), by_group.get(NONE)))
    # A person in two groups is in two rows, so the rows add up to more than the total,
    # which is that of every person-time, as in the other tables.
    tables["group"] = {"rows": rows, "total": dict(tables["month"]["total"])}

    by_school = _sums(totals, "school_id")
    names = dict(Organisation.objects.filter(pk__in=by_school).values_list("pk", "name"))
    rows = sorted(
        (_row(names[pk], item) for pk, item in by_school.items()),
        key=lambda r: (-r["trained"], r["label"]),
    )
    tables["school"] = {"rows": rows, "total": _total(rows)}

    by_district = _sums(totals, "district")
    rows = sorted(
        (_row(_district_label(office, district), item) for district, item in by_district.items()),
        key=lambda r: (-r["trained"], r["label"]),
    )
    tables["district"] = {"rows": rows, "total": _total(rows)}

    by_occupation = _sums(totals, "occupation_id")
    occupations = {
        o.pk: o for o in Occupation.objects.filter(pk__in=[k for k in by_occupation if k])
    }
    rows = sorted(
        (
            _row(
                f"{occupations[pk].code} {occupations[pk].name}" if pk else _("No occupation"),
                item,
            )
            for pk, item in by_occupation.items()
        ),
        key=lambda r: (-r["trained"], r["label"]),
    )
    tables["occupation"] = {"rows": rows, "total": _total(rows)}

    everyone = tables["month"]["total"]["trained"]
    urgent = _row("", by_list.get(CatalogueEntry.SubList.URGENT_SHORTAGE))["trained"]
    rows = [
        _row(
            str(labels[CatalogueEntry.SubList.URGENT_SHORTAGE]), {"trained": urgent}, ("trained",)
        ),
        _row(_("Everything else"), {"trained": everyone - urgent}, ("trained",)),
    ]
    tables["urgent"] = {
        "rows": rows,
        "total": _total(rows, ("trained",)),
        "fields": ("trained",),
        "urgent": urgent,
        "share": share_percent(urgent, everyone),
    }
    return tables


def share_percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def person_times(n: int) -> str:
    """A count of person-times as an HR office writes it: 5.98万 in Chinese, 59,800 in English."""
    if translation.get_language() == "en":
        return f"{n:,}"
    if n >= 10000:
        value = (Decimal(n) / 10000).quantize(Decimal("0.01"))
        return f"{value.normalize():f}万"
    return str(n)


def yuan(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01')):,}"
