"""Settings for the Celery worker and driver processes the Celery tests start.

They share a SQLite file (an in-memory test database cannot be seen from another process)
and a Redis queue of their own, named by the test run.
"""

import os

from lms.settings.test import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["NIGHTSCHOOL_CELERY_DB"],
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
MEDIA_ROOT = os.environ["NIGHTSCHOOL_MEDIA_ROOT"]
MEDIA_PIPELINE_WORK_DIR = os.environ["NIGHTSCHOOL_WORK_DIR"]
MEDIA_PIPELINE_STALE_AFTER_S = 3
TASKS = {"default": {"BACKEND": "lms.tasks_celery.CeleryBackend"}}
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
CELERY_TASK_DEFAULT_QUEUE = os.environ["NIGHTSCHOOL_CELERY_QUEUE"]
# Short, so the job of a killed worker comes back within seconds instead of hours.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 4,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
