from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from credits.certification.credentials.keys import KeyRotationError, rotate_key_ring


class Command(BaseCommand):
    help = (
        "Put a new credential-signing key first on the platform's key ring. Every earlier key "
        "stays on the ring and in every issuer profile, so credentials and ledger checkpoints "
        "signed before keep verifying; new ones are signed with the new key."
    )

    def handle(self, *args, **options):
        try:
            rotation = rotate_key_ring()
        except (ImproperlyConfigured, KeyRotationError) as error:
            raise CommandError(str(error)) from error
        if rotation.written_to is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"New signing key {rotation.public} is first in {rotation.written_to}; "
                    f"{len(rotation.ring) - 1} earlier key(s) kept after it."
                )
            )
            return
        self.stdout.write(
            self.style.WARNING(
                "The key ring is the CREDENTIAL_SIGNING_KEY setting, which this command cannot "
                "change. Set it to the line below on every host (the new key first, then every "
                "earlier one: keep them all), then restart the services:"
            )
        )
        self.stdout.write(f"CREDENTIAL_SIGNING_KEY={rotation.setting}")
        self.stdout.write(f"New public key: {rotation.public}")
