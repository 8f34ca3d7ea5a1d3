"""Importing the occupation catalogue from CSV, row by row, saying why a row was refused.

The helpers here (reading a CSV with a required header, checking a code, splitting lists and
flags, finding or creating an occupation) are shared with the yearly demand catalogue import
in ``courses.demand``."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import OCCUPATION_CODE, Occupation

COLUMNS = ["code", "name_zh", "name_en", "lists", "flags"]


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def csv_rows(*, text: str, columns: list[str], required: list[str]) -> Iterator[tuple[int, dict]]:
    """The rows of a CSV file with their line numbers, cells stripped. A file whose header
    lacks a required column is refused whole (ValidationError) before any row is read."""
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in required if column not in header]
    if missing:
        raise ValidationError(
            _("The file must start with a header row: %(columns)s. Missing: %(missing)s.")
            % {"columns": ",".join(columns), "missing": ", ".join(missing)}
        )
    return (
        (line, {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None})
        for line, raw in enumerate(reader, start=2)
    )


def occupation_code_problem(code: str) -> str:
    """Why the text is not an occupation code, or "" when it is one."""
    try:
        OCCUPATION_CODE(code)
    except ValidationError:
        return _("“%(code)s” is not an occupation code like 4-02-07-08.") % {"code": code}
    return ""


def split_names(text: str) -> list[str]:
    """List or flag names separated by | or commas, upper-cased."""
    return [part.strip().upper() for part in text.replace(",", "|").split("|") if part.strip()]


def occupation_for_import(*, code: str, name_zh: str, name_en: str = "") -> tuple[Occupation, bool]:
    """The occupation of the code, created with the names given when it is not known yet.
    An existing occupation keeps its names and lists: the occupation import owns those."""
    return Occupation.objects.get_or_create(
        code=code, defaults={"name_zh": name_zh, "name_en": name_en}
    )


@transaction.atomic
def occupations_import_csv(*, text: str) -> ImportReport:
    """Create or update occupations by code. A file without the expected header changes
    nothing; within a good file, bad rows are refused one by one with their reason."""
    rows = csv_rows(text=text, columns=COLUMNS, required=COLUMNS[:2])
    report = ImportReport()
    seen: set[str] = set()
    for line, row in rows:
        code, name = row.get("code", ""), row.get("name_zh", "")
        problem = occupation_code_problem(code)
        if problem:
            report.refused.append((line, problem))
            continue
        if not name:
            report.refused.append((line, _("The Chinese name is missing.")))
            continue
        if code in seen:
            report.refused.append(
                (line, _("Code %(code)s appears twice in the file.") % {"code": code})
            )
            continue
        lists, flags = split_names(row.get("lists", "")), split_names(row.get("flags", ""))
        unknown = [x for x in lists if x not in Occupation.DEMAND_LISTS] + [
            x for x in flags if x not in Occupation.FLAGS
        ]
        if unknown:
            report.refused.append(
                (line, _("Unknown list or flag: %(names)s.") % {"names": ", ".join(unknown)})
            )
            continue
        seen.add(code)
        values = {"name_zh": name, "name_en": row.get("name_en", "")}
        values.update({f: key in lists for key, f in Occupation.DEMAND_LISTS.items()})
        values.update({f: key in flags for key, f in Occupation.FLAGS.items()})
        _occupation, created = Occupation.objects.update_or_create(code=code, defaults=values)
        (report.created if created else report.updated).append(code)
    return report
