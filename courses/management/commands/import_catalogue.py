from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from courses.demand import catalogue_import_csv, programme_year_create, programme_year_for
from lms.accounts.models import Organisation


class Command(BaseCommand):
    help = (
        "Create or update an HR office's demand catalogue for a programme year from CSV "
        "(code,name_zh,name_en,level,sub_list,flags,subsidy_per_class_hour,cap_per_person). "
        "The year is created (unpublished) when it does not exist; a published year is frozen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="The HR office's name.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--title", default="", help="Title of a year created by the import.")
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, office: str, year: int, title: str, csv_file: Path, **options):
        hr_office = Organisation.objects.filter(
            name=office, kind=Organisation.Kind.HR_OFFICE
        ).first()
        if hr_office is None:
            raise CommandError(f"No HR office is named {office!r}.")
        try:
            text = csv_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {csv_file}: {exc}") from exc
        try:
            programme_year = programme_year_for(office=hr_office, year=year)
            if programme_year is None:
                programme_year = programme_year_create(
                    hr_office=hr_office, year=year, title=title or f"{year} {hr_office.name}"
                )
                self.stdout.write(f"Created the {year} programme year (not published).")
            report = catalogue_import_csv(programme_year=programme_year, text=text)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.refused)} refused; "
                f"{len(report.occupations_created)} new occupations."
            )
        )
        for line, reason in report.refused:
            self.stdout.write(self.style.WARNING(f"  line {line}: {reason}"))
