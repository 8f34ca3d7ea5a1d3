"""The HR office's person-time dashboard: the page, its charts (SVG) and tables (CSV)."""

import csv
import datetime as dt
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from csp.decorators import csp

from courses.demand import programme_year_current

from . import statistics, statistics_selectors
from .charts import chart_svg
from .scope import hr_officer_required

FIGURES = {
    "trained": gettext_lazy("Trained"),
    "completed": gettext_lazy("Completed"),
    "certified": gettext_lazy("Certified"),
    "subsidy_committed": gettext_lazy("Subsidy committed (yuan)"),
    "subsidy_paid": gettext_lazy("Subsidy paid (yuan)"),
}

# name → (chart kind, title, what the rows are, show the top ten and the rest as "others")
TABLES = {
    "month": ("line", gettext_lazy("Person-times by month"), gettext_lazy("Month"), False),
    "sub_list": ("hbar", gettext_lazy("By demand list"), gettext_lazy("Demand list"), False),
    "urgent": (
        "donut",
        gettext_lazy("Share of urgently needed occupations"),
        gettext_lazy("Sub-list"),
        False,
    ),
    "group": ("hbar", gettext_lazy("By learner group"), gettext_lazy("Learner group"), False),
    "school": ("hbar", gettext_lazy("By school"), gettext_lazy("School"), True),
    "district": ("hbar", gettext_lazy("By city and district"), gettext_lazy("District"), False),
    "occupation": ("hbar", gettext_lazy("By occupation"), gettext_lazy("Occupation"), True),
    "subsidy": (
        "bar",
        gettext_lazy("Subsidy committed and paid by month"),
        gettext_lazy("Month"),
        False,
    ),
}
TOP = 10


class BadPeriod(ValueError):
    pass


def _parse_month(value: str, months: list[dt.date]) -> dt.date:
    try:
        month = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise BadPeriod(_("Give a month as year and month, e.g. 2026-03.")) from None
    if month not in months:
        raise BadPeriod(_("%(month)s is not a month of this programme year.") % {"month": value})
    return month


def _period(request, office):
    """The programme year and months asked for. A year that is not this office's is a 404
    (the page does not tell what another city has); a bad month is a BadPeriod."""
    years = list(statistics_selectors.statistics_years(office=office))
    wanted = request.GET.get("year", "")
    if wanted:
        year = next((y for y in years if str(y.pk) == wanted), None)
        if year is None:
            raise Http404
    else:
        current = programme_year_current(city=office.city)
        year = current if current in years else (years[0] if years else None)
    if year is None:
        return None, [], None, None
    months = statistics_selectors.statistics_months(office=office, year=year)
    month_from = _parse_month(request.GET["from"], months) if request.GET.get("from") else months[0]
    month_to = _parse_month(request.GET["to"], months) if request.GET.get("to") else months[-1]
    if month_from > month_to:
        raise BadPeriod(_("The first month comes after the last one."))
    return year, months, month_from, month_to


def _query(year, month_from, month_to, **more) -> str:
    return urlencode(
        {"year": year.pk, "from": f"{month_from:%Y-%m}", "to": f"{month_to:%Y-%m}", **more}
    )


def _chart_rows(name: str, table: dict) -> list[dict]:
    rows = [row for row in table["rows"] if any(row[f] for f in _fields(table))]
    if not TABLES[name][3] or len(rows) <= TOP + 1:
        return rows
    rest = rows[TOP:]
    others = {"label": _("Others (%(n)s)") % {"n": len(rest)}}
    for field in _fields(table):
        others[field] = sum(row[field] for row in rest)
    return [*rows[:TOP], others]


def _fields(table: dict) -> tuple[str, ...]:
    return tuple(table.get("fields", statistics.COUNTS))


def _svg(name: str, table: dict) -> str:
    kind, title, _rows_are, _top = TABLES[name]
    fields = _fields(table)
    if kind == "donut":
        rows = [row for row in table["rows"] if row["trained"]]
        return chart_svg(
            kind,
            str(title),
            [],
            [(row["label"], [row["trained"]]) for row in rows],
            no_data=_("No figures yet"),
        )
    rows = table["rows"] if kind in ("line", "bar") else _chart_rows(name, table)
    return chart_svg(
        kind,
        str(title),
        [row["label"] for row in rows],
        [(str(FIGURES[field]), [row[field] for row in rows]) for field in fields],
        no_data=_("No figures yet"),
    )


@hr_officer_required
@require_GET
def dashboard(request, *, office):
    errors = []
    try:
        year, months, month_from, month_to = _period(request, office)
    except BadPeriod as problem:
        errors.append(str(problem))
        request.GET = request.GET.copy()
        request.GET.pop("from", None)
        request.GET.pop("to", None)
        year, months, month_from, month_to = _period(request, office)
    if statistics_selectors.statistics_is_stale(office=office):
        statistics.statistics_refresh_schedule(office_id=office.pk)
    last = statistics_selectors.statistics_last_refresh(office=office)
    context = {
        "office": office,
        "errors": errors,
        "years": statistics_selectors.statistics_years(office=office),
        "year": year,
        "last": last,
    }
    if year is not None:
        tables = statistics_selectors.statistics_tables(
            office=office, year=year, month_from=month_from, month_to=month_to
        )
        version = int(last.refreshed_at.timestamp()) if last else 0
        query = _query(year, month_from, month_to)
        sections = []
        for name, (kind, title, rows_are, _top) in TABLES.items():
            table = tables[name]
            sections.append(
                {
                    "name": name,
                    "title": title,
                    "rows_are": rows_are,
                    "columns": [FIGURES[f] for f in _fields(table)],
                    "rows": [
                        {"label": row["label"], "values": [row[f] for f in _fields(table)]}
                        for row in table["rows"]
                    ],
                    "total": [table["total"][f] for f in _fields(table)],
                    "svg": reverse("programmes:statistics_chart", args=[name])
                    + f"?{_query(year, month_from, month_to, v=version)}",
                    "csv": reverse("programmes:statistics_csv", args=[name]) + f"?{query}",
                    "alt": _chart_alt(name, title, table),
                    "wide": kind == "hbar" and len(table["rows"]) > 6,
                }
            )
        totals = tables["month"]["total"]
        urgent = tables["urgent"]
        money = tables["subsidy"]["total"]
        context.update(
            sections=sections,
            months=[(f"{m:%Y-%m}", statistics_selectors.month_label(m)) for m in months],
            month_from=f"{month_from:%Y-%m}",
            month_to=f"{month_to:%Y-%m}",
            headline={
                "trained": statistics_selectors.person_times(totals["trained"]),
                "completed": statistics_selectors.person_times(totals["completed"]),
                "certified": statistics_selectors.person_times(totals["certified"]),
                "urgent": statistics_selectors.person_times(urgent["urgent"]),
                "share": urgent["share"],
                "committed": statistics_selectors.yuan(money["subsidy_committed"]),
                "paid": statistics_selectors.yuan(money["subsidy_paid"]),
            },
            query=query,
        )
    return render(request, "programmes/statistics.html", context)


def _chart_alt(name: str, title, table: dict) -> str:
    """What the chart shows, in words, for someone who cannot see it."""
    fields = _fields(table)
    first = fields[0]
    biggest = max(table["rows"], key=lambda row: row[first], default=None)
    total = table["total"][first]
    if biggest is None or not total:
        return _("%(title)s: no figures yet.") % {"title": title}
    return _("%(title)s. %(figure)s in all: %(total)s; most: %(label)s (%(value)s).") % {
        "title": title,
        "figure": FIGURES[first],
        "total": total,
        "label": biggest["label"],
        "value": biggest[first],
    }


@hr_officer_required
@require_POST
def refresh(request, *, office):
    from .tasks import refresh_statistics

    refresh_statistics.enqueue(office.pk)
    messages.success(
        request, _("The figures are being refreshed. Reload the page in a minute to see them.")
    )
    url = reverse("programmes:statistics")
    wanted = {k: request.POST[k] for k in ("year", "from", "to") if request.POST.get(k)}
    return redirect(f"{url}?{urlencode(wanted)}" if wanted else url)


def _table_or_404(request, office, name):
    if name not in TABLES:
        raise Http404
    year, _months, month_from, month_to = _period(request, office)
    if year is None:
        raise Http404
    tables = statistics_selectors.statistics_tables(
        office=office, year=year, month_from=month_from, month_to=month_to
    )
    return year, month_from, month_to, tables[name]


@hr_officer_required
@require_GET
@csp(
    {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["data:"],
        "frame-ancestors": ["'self'"],
    }
)
def chart(request, name, *, office):
    """One chart as an SVG image. Its styles are inside the document, which the image's own
    policy allows; the page that shows it keeps its strict one."""
    try:
        _year, _from, _to, table = _table_or_404(request, office, name)
    except BadPeriod as problem:
        return HttpResponseBadRequest(str(problem), content_type="text/plain; charset=utf-8")
    response = HttpResponse(_svg(name, table), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=600"
    return response


@hr_officer_required
@require_GET
def table_csv(request, name, *, office):
    """The table under a chart, as a CSV file Excel opens in Chinese (UTF-8 with a BOM).
    Only figures and names of schools, districts and occupations: never a person."""
    try:
        year, month_from, month_to, table = _table_or_404(request, office, name)
    except BadPeriod as problem:
        return HttpResponseBadRequest(str(problem), content_type="text/plain; charset=utf-8")
    fields = _fields(table)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(TABLES[name][2]), *[str(FIGURES[f]) for f in fields]])
    for row in [*table["rows"], table["total"]]:
        writer.writerow([row["label"], *[row[f] for f in fields]])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"statistics-{name}-{year.year}-{month_from:%Y%m}-{month_to:%Y%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
