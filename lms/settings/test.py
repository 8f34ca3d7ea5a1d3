"""The test suite: fast hashing, tasks run inline, codes kept in memory."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env, logging_config, prepared_statements

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {
    "default": prepared_statements(env.db("TEST_DATABASE_URL", default="sqlite:///:memory:")),
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SMS_SENDER = "lms.accounts.sms.MemorySmsSender"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = logging_config(level="WARNING")  # the same handlers and ID-number masking, quieter
STATIC_ROOT = None  # nothing is collected in tests; files come from the app folders
WHITENOISE_USE_FINDERS = True

# --- Media pipeline.
MEDIA_PIPELINE_UPLOAD_DIR = Path(tempfile.gettempdir()) / "nightschool-test" / "uploads"
MEDIA_PIPELINE_WORK_DIR = Path(tempfile.gettempdir()) / "nightschool-test" / "transcode"
MEDIA_PIPELINE_STALL_TIMEOUT_S = 30

# A fixed test key: the published W3C test vector's, never used outside tests.
CREDENTIAL_SIGNING_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
CREDENTIAL_BASE_URL = "https://nightschool.example"

# A fixed ledger key, never used outside tests. Checkpoints go to a folder per test (conftest).
LEDGER_HMAC_KEY = "test-only-ledger-key-not-secret-0123456789"  # noqa: S105
LEDGER_CHECKPOINT_DIR = Path(tempfile.gettempdir()) / "nightschool-test" / "ledger-checkpoints"
