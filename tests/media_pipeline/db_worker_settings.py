"""Settings for the embedded-worker processes (`manage.py db_worker`) the lost-worker test starts.

They share a SQLite file (an in-memory test database cannot be seen from another process).
"""

import os

from lms.settings.test import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["NIGHTSCHOOL_WORKER_DB"],
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "c"}}
MEDIA_ROOT = os.environ["NIGHTSCHOOL_MEDIA_ROOT"]
MEDIA_PIPELINE_WORK_DIR = os.environ["NIGHTSCHOOL_WORK_DIR"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Far off: the job must come back because its worker is seen dead, not because it went stale.
MEDIA_PIPELINE_STALE_AFTER_S = 3600
MEDIA_PIPELINE_LOST_WORKER_GRACE_S = 2
MEDIA_PIPELINE_WATCH_EVERY_S = 2
