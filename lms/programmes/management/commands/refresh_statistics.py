from django.core.management.base import BaseCommand, CommandError

from lms.accounts.models import Organisation
from lms.programmes.statistics import statistics_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the person-time statistics behind the HR offices' dashboards (every office, "
        "or one with --office). Safe to run again at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--office", type=int, help="id of one HR office")

    def handle(self, *args, office=None, **options):
        target = None
        if office is not None:
            target = Organisation.objects.filter(
                pk=office, kind=Organisation.Kind.HR_OFFICE
            ).first()
            if target is None:
                raise CommandError(f"No HR office has the id {office}.")
        rows = statistics_refresh(office=target)
        self.stdout.write(self.style.SUCCESS(f"Statistics refreshed: {rows} rows."))
