from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from lms.accounts.identity import identity_keys_rotate


class Command(BaseCommand):
    help = (
        "Encrypt every stored resident ID number again under the first key of "
        "IDENTITY_ENCRYPTION_KEYS; afterwards the keys after it may be removed."
    )

    def handle(self, *args, **options):
        try:
            count = identity_keys_rotate()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"{count} ID numbers are encrypted under the first key.")
        )
