"""Importing the occupation catalogue from CSV, row by row, saying why a row was refused."""

import csv
import io
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


def _split(text: str) -> list[str]:
    return [part.strip().upper() for part in text.replace(",", "|").split("|") if part.strip()]


@transaction.atomic
def occupations_import_csv(*, text: str) -> ImportReport:
    """Create or update occupations by code. A file without the expected header changes
    nothing; within a good file, bad rows are refused one by one with their reason."""
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in COLUMNS[:2] if column not in header]
    if missing:
        raise ValidationError(
            _("The file must start with a header row: %(columns)s. Missing: %(missing)s.")
            % {"columns": ",".join(COLUMNS), "missing": ", ".join(missing)}
        )
    report = ImportReport()
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        code, name = row.get("code", ""), row.get("name_zh", "")
        try:
            OCCUPATION_CODE(code)
        except ValidationError:
            report.refused.append(
                (line, _("“%(code)s” is not an occupation code like 4-02-07-08.") % {"code": code})
            )
            continue
        if not name:
            report.refused.append((line, _("The Chinese name is missing.")))
            continue
        if code in seen:
            report.refused.append(
                (line, _("Code %(code)s appears twice in the file.") % {"code": code})
            )
            continue
        lists, flags = _split(row.get("lists", "")), _split(row.get("flags", ""))
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
