"""The subsidised-training catalogue: which course is subsidised, at what standard.

A programme year is versioned as a whole: while it is a draft its HR office imports and
corrects its entries; once published it is frozen (learners and claims rely on what it said),
and a change is made by starting a new year, from a copy of this one if wished."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.models import Organisation, User

from .models import CatalogueEntry, CoursePage, Level, Occupation, ProgrammeYear
from .occupations import csv_rows, occupation_code_problem, occupation_for_import, split_names

CATALOGUE_COLUMNS = [
    "code",
    "name_zh",
    "name_en",
    "level",
    "sub_list",
    "flags",
    "subsidy_per_class_hour",
    "cap_per_person",
]
_REQUIRED = ["code", "sub_list", "subsidy_per_class_hour", "cap_per_person"]

_FLAGS = {"L": "green", "GREEN": "green", "S": "digital", "DIGITAL": "digital"}


def course_school(*, course: CoursePage) -> Organisation | None:
    """The training school whose corner of the catalogue holds the course."""
    school_page = course.get_parent().specific
    return getattr(school_page, "organisation", None)


def programme_year_current(*, city: str, on: dt.date | None = None) -> ProgrammeYear | None:
    """The published programme year of the city's HR office that covers the day."""
    on = on or timezone.localdate()
    if not city:
        return None
    return (
        ProgrammeYear.objects.filter(
            hr_office__kind=Organisation.Kind.HR_OFFICE,
            hr_office__city=city,
            published_at__isnull=False,
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .order_by("-year")
        .first()
    )


def catalogue_entry_for(*, course: CoursePage, on: dt.date | None = None) -> CatalogueEntry | None:
    """The entry that subsidises the course on the day, or None: only a course whose
    occupation (at its level, or at every level) is on the current catalogue of its school's
    city is subsidised. An entry for the exact level wins over one for every level."""
    school = course_school(course=course)
    if course.occupation_id is None or school is None:
        return None
    year = programme_year_current(city=school.city, on=on)
    if year is None:
        return None
    entries = {
        entry.level: entry
        for entry in CatalogueEntry.objects.filter(
            programme_year=year, occupation_id=course.occupation_id, level__in=[course.level, ""]
        ).select_related("occupation", "programme_year")
    }
    return entries.get(course.level) or entries.get("")


# --- Reads for the HR office's desk.


def programme_years_of(*, office: Organisation) -> QuerySet[ProgrammeYear]:
    """The office's programme years, newest first, each with its number of entries."""
    return (
        ProgrammeYear.objects.filter(hr_office=office)
        .annotate(entry_count=Count("entries"))
        .order_by("-year")
    )


def programme_year_of(*, office: Organisation, pk: int) -> ProgrammeYear | None:
    """One of the office's own years; None for another office's year or a missing one."""
    return ProgrammeYear.objects.filter(hr_office=office, pk=pk).first()


def programme_year_for(*, office: Organisation, year: int) -> ProgrammeYear | None:
    return ProgrammeYear.objects.filter(hr_office=office, year=year).first()


@dataclass
class SubListGroup:
    sub_list: str
    label: str
    entries: list[CatalogueEntry]

    @property
    def count(self) -> int:
        return len(self.entries)


def catalogue_by_sub_list(*, programme_year: ProgrammeYear) -> list[SubListGroup]:
    """The year's entries grouped by sub-list, in the order of the sub-lists (one query)."""
    groups = {
        value: SubListGroup(sub_list=value, label=str(label), entries=[])
        for value, label in CatalogueEntry.SubList.choices
    }
    for entry in (
        CatalogueEntry.objects.filter(programme_year=programme_year)
        .select_related("occupation")
        .order_by("occupation__code", "level")
    ):
        groups[entry.sub_list].entries.append(entry)
    return [group for group in groups.values() if group.entries]


# --- Writes.


def _may_act_for(*, actor: User | None, office: Organisation) -> bool:
    if actor is None or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return actor.role == User.Role.HR_OFFICER and actor.organisation_id == office.pk


def _refuse_unless_allowed(*, actor: User | None, office: Organisation) -> None:
    if not _may_act_for(actor=actor, office=office):
        raise ValidationError(_("Only an officer of %(office)s may do this.") % {"office": office})


@transaction.atomic
def programme_year_create(
    *,
    hr_office: Organisation,
    year: int,
    title: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    actor: User | None = None,
) -> ProgrammeYear:
    """A new, unpublished year of the office's programme, by default the calendar year."""
    if actor is not None:
        _refuse_unless_allowed(actor=actor, office=hr_office)
    if hr_office.kind != Organisation.Kind.HR_OFFICE:
        raise ValidationError(_("Only an HR office runs a programme year."))
    if not 2000 <= year <= 2100:
        raise ValidationError(_("The year must lie between 2000 and 2100."))
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Give the programme year a title."))
    starts_on = starts_on or dt.date(year, 1, 1)
    ends_on = ends_on or dt.date(year, 12, 31)
    if ends_on < starts_on:
        raise ValidationError(_("The year cannot end before it starts."))
    if ProgrammeYear.objects.filter(hr_office=hr_office, year=year).exists():
        raise ValidationError(
            _("%(office)s already has a programme for %(year)s.")
            % {"office": hr_office, "year": year}
        )
    return ProgrammeYear.objects.create(
        hr_office=hr_office, year=year, title=title, starts_on=starts_on, ends_on=ends_on
    )


def _frozen_message(programme_year: ProgrammeYear) -> str:
    return _(
        "The %(year)s catalogue is published and can no longer change. Start a new programme "
        "year (a copy of this one) for the corrected catalogue."
    ) % {"year": programme_year.year}


@dataclass
class CatalogueImportReport:
    created: list[str] = field(default_factory=list)  # "code" or "code L<level>"
    updated: list[str] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    occupations_created: list[str] = field(default_factory=list)


def _money(text: str, *, what: str, max_digits: int) -> tuple[Decimal | None, str]:
    """The amount in yuan written in the cell, or the reason it is not one."""
    try:
        amount = Decimal(text.replace("，", "").replace(",", "")) if text else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        return None, _("%(what)s “%(text)s” is not an amount in yuan.") % {
            "what": what,
            "text": text,
        }
    if amount < 0:
        return None, _("%(what)s cannot be negative.") % {"what": what}
    if amount != amount.quantize(Decimal("0.01")):
        return None, _("%(what)s has more than two decimal places.") % {"what": what}
    if amount >= Decimal(10) ** (max_digits - 2):
        return None, _("%(what)s is too large.") % {"what": what}
    return amount.quantize(Decimal("0.01")), ""


def _entry_label(code: str, level: str) -> str:
    return f"{code} L{level}" if level else code


@transaction.atomic
def catalogue_import_csv(
    *, programme_year: ProgrammeYear, text: str, actor: User | None = None
) -> CatalogueImportReport:
    """Create or update the year's entries from CSV (the header is ``CATALOGUE_COLUMNS``).

    A file without the header, or a published (frozen) year, changes nothing
    (ValidationError). Within a good file each bad row is refused with its line and reason
    and the good rows land. An occupation not known yet is created from the row's names.
    Entries of the year that the file does not name are kept."""
    programme_year = ProgrammeYear.objects.select_for_update().get(pk=programme_year.pk)
    if actor is not None:
        _refuse_unless_allowed(actor=actor, office=programme_year.hr_office)
    if programme_year.published_at is not None:
        raise ValidationError(_frozen_message(programme_year))
    rows = csv_rows(text=text, columns=CATALOGUE_COLUMNS, required=_REQUIRED)
    report = CatalogueImportReport()
    seen: set[tuple[str, str]] = set()
    levels = set(Level.values)
    for line, row in rows:
        code, level = row.get("code", ""), row.get("level", "")
        problem = occupation_code_problem(code)
        if not problem and level not in levels | {""}:
            problem = _("Level “%(level)s” is not one of 1 to 5 (or empty for every level).") % {
                "level": level
            }
        # A sub-list by its value (urgent_shortage) or the occupation import's key for it.
        sub_list = row.get("sub_list", "").lower()
        if not problem and sub_list not in CatalogueEntry.SubList.values:
            problem = _("Unknown sub-list “%(name)s”: use one of %(names)s.") % {
                "name": row.get("sub_list", ""),
                "names": ", ".join(v.upper() for v in CatalogueEntry.SubList.values),
            }
        flags = split_names(row.get("flags", ""))
        unknown = [flag for flag in flags if flag not in _FLAGS]
        if not problem and unknown:
            problem = _("Unknown flag: %(names)s (use L for green, S for digital).") % {
                "names": ", ".join(unknown)
            }
        standard = cap = None
        if not problem:
            standard, problem = _money(
                row.get("subsidy_per_class_hour", ""),
                what=_("The subsidy per class hour"),
                max_digits=8,
            )
        if not problem:
            cap, problem = _money(
                row.get("cap_per_person", ""), what=_("The cap per person"), max_digits=10
            )
        if not problem and cap < standard:
            problem = _(
                "The cap per person (%(cap)s) is below one class hour's subsidy (%(standard)s)."
            ) % {"cap": cap, "standard": standard}
        if not problem and (code, level) in seen:
            problem = _("%(entry)s appears twice in the file.") % {
                "entry": _entry_label(code, level)
            }
        if (
            not problem
            and not row.get("name_zh")
            and not Occupation.objects.filter(code=code).exists()
        ):
            problem = _("Occupation %(code)s is not known yet, so its Chinese name is needed.") % {
                "code": code
            }
        if problem:
            report.refused.append((line, problem))
            continue
        seen.add((code, level))
        occupation, new_occupation = occupation_for_import(
            code=code, name_zh=row.get("name_zh", ""), name_en=row.get("name_en", "")
        )
        if new_occupation:
            report.occupations_created.append(code)
        _entry, created = CatalogueEntry.objects.update_or_create(
            programme_year=programme_year,
            occupation=occupation,
            level=level,
            defaults={
                "sub_list": sub_list,
                "green": "green" in {_FLAGS[f] for f in flags},
                "digital": "digital" in {_FLAGS[f] for f in flags},
                "subsidy_per_class_hour": standard,
                "cap_per_person": cap,
            },
        )
        (report.created if created else report.updated).append(_entry_label(code, level))
    return report


@transaction.atomic
def programme_year_publish(*, programme_year: ProgrammeYear, actor: User) -> ProgrammeYear:
    """Publish the year: from its first day learners see its catalogue and classes are
    subsidised by it. An empty catalogue, a year already published, or one overlapping
    another published year of the same office is refused."""
    programme_year = ProgrammeYear.objects.select_for_update().get(pk=programme_year.pk)
    _refuse_unless_allowed(actor=actor, office=programme_year.hr_office)
    if programme_year.published_at is not None:
        raise ValidationError(
            _("The %(year)s catalogue is already published.") % {"year": programme_year.year}
        )
    if not programme_year.entries.exists():
        raise ValidationError(
            _("An empty catalogue cannot be published: import its entries first.")
        )
    # Lock the office's years so two publishes at once cannot both miss each other.
    list(ProgrammeYear.objects.select_for_update().filter(hr_office=programme_year.hr_office_id))
    overlapping = (
        ProgrammeYear.objects.filter(
            hr_office=programme_year.hr_office_id,
            published_at__isnull=False,
            starts_on__lte=programme_year.ends_on,
            ends_on__gte=programme_year.starts_on,
        )
        .exclude(pk=programme_year.pk)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _("It overlaps the published %(year)s programme (%(start)s – %(end)s).")
            % {"year": overlapping.year, "start": overlapping.starts_on, "end": overlapping.ends_on}
        )
    programme_year.published_at = timezone.now()
    programme_year.save(update_fields=["published_at"])
    return programme_year


@transaction.atomic
def programme_year_copy(
    *,
    programme_year: ProgrammeYear,
    year: int,
    title: str = "",
    actor: User | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> ProgrammeYear:
    """Start another year of the same office from this one's entries (a draft to correct)."""
    new = programme_year_create(
        hr_office=programme_year.hr_office,
        year=year,
        title=title or programme_year.title,
        starts_on=starts_on,
        ends_on=ends_on,
        actor=actor,
    )
    CatalogueEntry.objects.bulk_create(
        CatalogueEntry(
            programme_year=new,
            occupation_id=entry.occupation_id,
            level=entry.level,
            sub_list=entry.sub_list,
            green=entry.green,
            digital=entry.digital,
            subsidy_per_class_hour=entry.subsidy_per_class_hour,
            cap_per_person=entry.cap_per_person,
        )
        for entry in programme_year.entries.all()
    )
    return new
