from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from courses.occupations import occupations_import_csv


class Command(BaseCommand):
    help = "Create or update occupations from a CSV file (code,name_zh,name_en,lists,flags)."

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, csv_file: Path, **options):
        try:
            text = csv_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {csv_file}: {exc}") from exc
        try:
            report = occupations_import_csv(text=text)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.refused)} refused."
            )
        )
        for line, reason in report.refused:
            self.stdout.write(self.style.WARNING(f"  line {line}: {reason}"))
