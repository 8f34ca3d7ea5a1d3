from django.core.management.base import BaseCommand

from lms.programmes.vouchers import vouchers_expire


class Command(BaseCommand):
    help = "Move every issued or claimed training voucher past its expiry date to expired."

    def handle(self, *args, **options):
        moved = vouchers_expire()
        self.stdout.write(f"{moved} voucher(s) expired.")
