"""The subsidised-training catalogue: which course is subsidised, at what standard."""

import datetime as dt

from django.utils import timezone

from lms.accounts.models import Organisation

from .models import CatalogueEntry, CoursePage, ProgrammeYear


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
