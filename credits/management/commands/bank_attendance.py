from django.core.management.base import BaseCommand

from credits.ledger.services import attendance_bank_closed


class Command(BaseCommand):
    help = "Close classroom attendances whose session has ended and bank the time present."

    def handle(self, *args, **options):
        banked = attendance_bank_closed()
        self.stdout.write(self.style.SUCCESS(f"{banked} attendance(s) banked."))
