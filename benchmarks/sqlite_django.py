"""Django on a fresh SQLite file, for the benchmarks that build their own data."""

import os
from pathlib import Path


def setup_django(db_path: Path) -> None:
    """Point the test settings at ``db_path``, start Django and migrate the file."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    os.environ["TEST_DATABASE_URL"] = f"sqlite:///{db_path}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
