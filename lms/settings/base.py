"""Settings shared by every environment.

Safe for production by default: DEBUG is off and the HTTPS settings are on. Everything that
differs between machines comes from the environment (see `.env.example`); an integration turns
on when its variable is set.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "lms.accounts",
    "lms",
    "courses",
    "credits",
    "credits.certification",
    "lms.programmes",
    "media_pipeline",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.accounts.users_app.UsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # WhiteNoise serves static files under runserver too (hashed, compressed, cached).
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses, text only, the body the views and the middleware below it produced.
    "lms.middleware.TextGZipMiddleware",
    "lms.middleware.ContentSecurityPolicyMiddleware",
    "lms.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def prepared_statements(database: dict) -> dict:
    """Let psycopg prepare a statement it has run five times on a connection (its own default,
    which Django turns off). Only server-side-binding cursors prepare: the study report's
    (credits/study/report_sql.py), the most frequent request. Behind PgBouncer in transaction mode
    this needs PgBouncer 1.21+ with max_prepared_statements set."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
    return database


DATABASES = {
    "default": prepared_statements(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web process reads; the timeout rides out
    # the short write locks the two processes take.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "lms.accounts.backends.RolePermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# --- Languages: Simplified Chinese first, English available on every page.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Ours first; then Chinese for Wagtail admin strings its own catalogue lacks.
LOCALE_PATHS = [BASE_DIR / "lms" / "locale", BASE_DIR / "lms" / "locale_wagtail"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media files.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cached for a year, immutable) and .gz/.br beside each file, even under
    # `make run`'s DEBUG: see lms.staticfiles.
    "staticfiles": {"BACKEND": "lms.staticfiles.HashedCompressedStaticFilesStorage"},
}
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = env.bool("AWS_QUERYSTRING_AUTH", default=False)
    AWS_S3_FILE_OVERWRITE = False
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Background jobs: the database-backed worker by default, Celery when a broker is set.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if CELERY_BROKER_URL:
    # The same @task functions, run by Celery workers (see lms/tasks_celery.py).
    TASKS = {"default": {"BACKEND": "lms.tasks_celery.CeleryBackend"}}
    CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="nightschool")
    # A job whose worker is killed goes back to the queue once this long has passed unacked;
    # longer than any transcode, which re-checks the row before working anyway.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600)
    }

# --- Cache: rate limits of code requests live here, so it must be shared between processes.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://lms_cache")}

# --- Accounts: learners use phone + one-time code; staff may use email + password.
ACCOUNT_ADAPTER = "lms.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
ACCOUNT_SIGNUP_FIELDS = ["phone*"]
ACCOUNT_SIGNUP_FORM_CLASS = "lms.accounts.signup_forms.LearnerSignupForm"
ACCOUNT_FORMS = {
    "login": "lms.accounts.forms.StaffLoginForm",
    "request_login_code": "lms.accounts.forms.RequestPhoneCodeForm",
}
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Six digits, as every SMS code in China looks; the number pad comes up on the phone.
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = env.int("LOGIN_CODE_TIMEOUT", default=300)
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = env.int("LOGIN_CODE_TIMEOUT", default=300)
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
# The public certificate verification page, per network address (behind the proxy, the
# client's: TRUSTED_PROXY_COUNT).
RATE_LIMIT_VERIFY = env("RATE_LIMIT_VERIFY", default="60/m/ip")
ACCOUNT_RATE_LIMITS = {
    # One code a minute per phone, five an hour; twenty an hour from one network address.
    "request_login_code": env("RATE_LIMIT_CODE_REQUESTS", default="20/h/ip,1/m/key,5/h/key"),
    "verify_phone": env("RATE_LIMIT_CODE_REQUESTS", default="20/h/ip,1/m/key,5/h/key"),
    # Failed passwords: ten a minute from one address, five in five minutes for one account
    # from one address (lms.accounts.adapter keys them on address and account together), and a
    # looser hundred an hour for one account from everywhere, more than one address alone can
    # reach. So a stranger who knows an email cannot lock its owner out from elsewhere.
    "login_failed": "10/m/ip,5/5m/key",
    "login_failed_account": "100/h/key",
    "signup": "20/h/ip",
}
# Where the client's address comes from, for the per-address limits above. Directly exposed
# (make run), the socket's peer. Behind proxies that append to X-Forwarded-For (the shipped
# nginx does), TRUSTED_PROXY_COUNT is how many of them are ours: 1 behind deploy/nginx.conf.
# Left at 0 behind a proxy, every request seems to come from the proxy, and one client's
# requests use up everyone's allowance. TRUSTED_CLIENT_IP_HEADER instead names one header a
# trusted proxy overwrites with the client's address (X-Real-IP, CF-Connecting-IP).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default=None) or None
ACCOUNT_USER_DISPLAY = "lms.accounts.selectors.user_display_name"
SMS_SENDER = env("SMS_SENDER", default="lms.accounts.sms.ConsoleSmsSender")
PHONE_DEFAULT_REGION = env("PHONE_DEFAULT_REGION", default="CN")

# --- Wagtail.
WAGTAIL_SITE_NAME = "Night School 夜校"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt", "csv", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Media pipeline.
MEDIA_PIPELINE_UPLOAD_MAX_BYTES = env.int("MEDIA_PIPELINE_UPLOAD_MAX_BYTES", default=4 * 1024**3)
MEDIA_PIPELINE_UPLOAD_DIR = Path(
    env("MEDIA_PIPELINE_UPLOAD_DIR", default=str(BASE_DIR / "var" / "uploads"))
)
MEDIA_PIPELINE_WORK_DIR = Path(
    env("MEDIA_PIPELINE_WORK_DIR", default=str(BASE_DIR / "var" / "transcode"))
)
MEDIA_PIPELINE_MAX_DURATION_S = env.int("MEDIA_PIPELINE_MAX_DURATION_S", default=4 * 3600)
MEDIA_PIPELINE_STALL_TIMEOUT_S = env.int("MEDIA_PIPELINE_STALL_TIMEOUT_S", default=60)
MEDIA_PIPELINE_STALE_AFTER_S = env.int("MEDIA_PIPELINE_STALE_AFTER_S", default=300)
MEDIA_PIPELINE_LOST_WORKER_GRACE_S = env.int("MEDIA_PIPELINE_LOST_WORKER_GRACE_S", default=15)
MEDIA_PIPELINE_WATCH_EVERY_S = env.int("MEDIA_PIPELINE_WATCH_EVERY_S", default=60)
# hls.js for browsers without native HLS: installed from npm by `make setup` when npm exists
# (never copied into the repository); without it those browsers get the 360p MP4.
_HLSJS_DIST = BASE_DIR / "var" / "npm" / "node_modules" / "hls.js" / "dist"
STATICFILES_DIRS = []
MEDIA_PIPELINE_HLSJS_STATIC = ""
if (_HLSJS_DIST / "hls.min.js").is_file():
    STATICFILES_DIRS = [("vendor/hls.js", _HLSJS_DIST)]
    MEDIA_PIPELINE_HLSJS_STATIC = "vendor/hls.js/hls.min.js"
WAGTAILDOCS_EXTENSIONS = [*WAGTAILDOCS_EXTENSIONS, "vtt"]  # captions upload as documents
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "media_pipeline.storage.MediaS3Storage"}

# --- Security: production defaults; dev and test relax what they must.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"


def media_origins() -> list[str]:
    """Where media files are served from when not from this site: the CDN in front of the
    bucket, or the bucket itself (path or virtual-host style), or an absolute MEDIA_URL."""
    origins = env.list("CSP_MEDIA_ORIGINS", default=[])
    if urlsplit(MEDIA_URL).netloc:
        parts = urlsplit(MEDIA_URL)
        origins.append(f"{parts.scheme}://{parts.netloc}")
    if AWS_STORAGE_BUCKET_NAME:
        if AWS_S3_CUSTOM_DOMAIN:
            origins.append("https://" + AWS_S3_CUSTOM_DOMAIN.split("/")[0])
        elif AWS_S3_ENDPOINT_URL:
            parts = urlsplit(AWS_S3_ENDPOINT_URL)
            origins.append(f"{parts.scheme}://{parts.netloc}")
            origins.append(f"{parts.scheme}://{AWS_STORAGE_BUCKET_NAME}.{parts.netloc}")
        else:
            origins.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com")
            if AWS_S3_REGION_NAME:
                origins.append(
                    f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com"
                )
    return list(dict.fromkeys(origins))


# Content-Security-Policy (django-csp). Learner pages run only our own static scripts and
# styles: no inline script, no style attribute, nothing from elsewhere but media. Lesson
# videos play from media storage (video, captions, posters, and the playlists and segments
# hls.js fetches); hls.js feeds the video element from blob: URLs and may run a blob: worker.
# An inline block that cannot move to a static file carries {{ request.csp_nonce }}.
_MEDIA = media_origins()
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:", *_MEDIA],
        "media-src": ["'self'", "blob:", *_MEDIA],
        "connect-src": ["'self'", *_MEDIA],
        "worker-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The Wagtail admin (and its preview) still puts inline scripts and style attributes in its
# pages, as Wagtail itself documents; under these paths a looser policy replaces the one
# above: inline scripts and styles, its own preview frames, blob: and data: images (image
# and video upload previews). Everything still comes from this site or media storage only.
CONTENT_SECURITY_POLICY_ADMIN = {
    "PATH_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_MEDIA],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
# Permissions-Policy: nothing on the site uses the camera (learners scan the classroom QR code
# with the phone's own camera app, which opens the check-in link), the microphone, location
# or payment; video may go full screen and picture-in-picture.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": ["self"],
    "camera": [],
    "display-capture": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": ["self"],
    "usb": [],
}
# Staff avatars are not fetched from gravatar.com (unreachable for many here, and it would
# need the policy to allow it), and the dashboard does not ask wagtail.org for new releases.
# Nor does the dashboard show wagtail.org's "what's new" banner (the help menu's links to
# wagtail.org go too, lms.accounts.wagtail_hooks): the admin calls no outside host.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False


def logging_config(*, level: str) -> dict:
    """Logging for every environment. Every handler masks resident ID numbers
    (lms.accounts.logging.RedactIdNumbers): a handler added here must list the filter too.

    Django's own defaults are kept, each with the filter: errors of ``django`` go to the
    administrators by e-mail when DEBUG is off (and to the console through the root), and
    ``django.server`` prints the development server's request lines."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact_id_numbers": {"()": "lms.accounts.logging.RedactIdNumbers"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "django.server": {
                "()": "django.utils.log.ServerFormatter",
                "format": "[{server_time}] {message}",
                "style": "{",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["redact_id_numbers"],
            },
            "django.server": {
                "class": "logging.StreamHandler",
                "formatter": "django.server",
                "filters": ["redact_id_numbers"],
            },
            "mail_admins": {
                "class": "django.utils.log.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["require_debug_false", "redact_id_numbers"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": ["mail_admins"], "level": level},
            "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
            "django.db.backends": {"level": "WARNING"},
        },
    }


LOGGING = logging_config(level=env("LOG_LEVEL", default="INFO"))

# --- Study-time accounting (credits). Defaults follow the common rules for subsidised
# online training; each is a setting because provinces differ.
STUDY_MINUTES_PER_CLASS_HOUR = env.int("STUDY_MINUTES_PER_CLASS_HOUR", default=45)
STUDY_DAILY_CAP_CLASS_HOURS = env.int("STUDY_DAILY_CAP_CLASS_HOURS", default=8)
STUDY_IDLE_LIMIT_SECONDS = env.int("STUDY_IDLE_LIMIT_SECONDS", default=300)
# Network delay tolerated between two reports of one page view: a report reaches the server
# later than it left the phone, by more or less each time, so arrivals can be closer together
# than the playing was. Where the learner's clock stopped at most this long before the previous
# report arrived, the next counts from the clock. Credit still never outruns wall time.
STUDY_LATENCY_GRACE_SECONDS = env.int("STUDY_LATENCY_GRACE_SECONDS", default=10)
STUDY_COMPLETION_THRESHOLD = env.float("STUDY_COMPLETION_THRESHOLD", default=0.95)
STUDY_REPORT_MAX_BYTES = 16_384
STUDY_REPORT_MAX_INTERVALS = 200
# Attention checks (courses that turn them on; see credits/study/attention.py for what they can and
# cannot stop): on average one per this many seconds of credited study, drawn uniformly
# between half and one and a half times it; seconds to answer one; seconds before a new check
# after a wrong answer.
STUDY_ATTENTION_MEAN_SECONDS = env.int("STUDY_ATTENTION_MEAN_SECONDS", default=600)
STUDY_ATTENTION_ANSWER_SECONDS = env.int("STUDY_ATTENTION_ANSWER_SECONDS", default=60)
STUDY_ATTENTION_RETRY_SECONDS = env.int("STUDY_ATTENTION_RETRY_SECONDS", default=20)

# --- xAPI exports (credits.xapi, docs/xapi.md): learners are pseudonymous accounts under
# WAGTAILADMIN_BASE_URL; their real name goes into statements only when this is on.
XAPI_ACTOR_NAMES = env.bool("XAPI_ACTOR_NAMES", default=False)

# --- Questions under lessons (courses.questions): how many one learner may ask in 24 hours.
QA_QUESTIONS_PER_DAY = env.int("QA_QUESTIONS_PER_DAY", default=10)

# Real-name identity: Fernet keys for resident ID numbers (the first encrypts, every one
# decrypts, so a key can be rotated) and the key of their digest. On one machine both are
# derived from SECRET_KEY; production requires its own (lms.settings.production).
IDENTITY_ENCRYPTION_KEYS = env.list("IDENTITY_ENCRYPTION_KEYS", default=[])
IDENTITY_DIGEST_KEY = env("IDENTITY_DIGEST_KEY", default="")

# Training vouchers: calendar months a voucher stays valid from the day it is issued (Fujian:
# at most three), enforced by lms.programmes.vouchers.voucher_issue.
VOUCHER_VALID_MONTHS = env.int("VOUCHER_VALID_MONTHS", default=3)

# --- Certificates as signed Open Badges 3.0 credentials.
# The Ed25519 key, as a private Multikey ("z3u2..."); without it, a key file is used, made
# on first use only in development (DEBUG), so production never silently changes its key.
CREDENTIAL_SIGNING_KEY = env("CREDENTIAL_SIGNING_KEY", default="")
CREDENTIAL_KEY_FILE = Path(
    env("CREDENTIAL_KEY_FILE", default=str(BASE_DIR / "var" / "credential-signing-key"))
)
# The https origin credentials name as theirs; ids must not change once issued.
CREDENTIAL_BASE_URL = env("CREDENTIAL_BASE_URL", default=WAGTAILADMIN_BASE_URL)
CREDENTIAL_STATUS_LIST_RESOLVER = "credits.certification.certificates.resolve_status_list"

# --- The class-hour ledger (credits.ledger: chain.py, checkpoints.py).
# The HMAC key every ledger entry is hashed with. It must never be stored in the database:
# it is what stops whoever holds the database from writing entries that verify. Without it a
# key file is used, made on first use only in development (DEBUG); lms.settings.production
# requires the variable.
LEDGER_HMAC_KEY = env("LEDGER_HMAC_KEY", default="")
LEDGER_HMAC_KEY_FILE = Path(
    env("LEDGER_HMAC_KEY_FILE", default=str(BASE_DIR / "var" / "ledger-hmac-key"))
)
# Where signed checkpoints of every learner's chain head are written (JSON files, one per
# checkpoint). Copy them off the host: they are the record a database owner cannot rewrite.
LEDGER_CHECKPOINT_DIR = Path(
    env("LEDGER_CHECKPOINT_DIR", default=str(BASE_DIR / "var" / "ledger-checkpoints"))
)

# --- Community micro-training (courses.community). Topics one person may ask for in 24 hours
# (more are refused with a message), and the local hours a school may schedule a classroom
# session at a community centre: residents work by day, so evenings on weekdays and the day
# on weekends. "<first weekday>-<last weekday>=HH:MM-HH:MM" rules, ";"-separated, weekdays
# 0 (Monday) to 6 (Sunday); a session must start and end inside one rule's hours of its day.
TOPIC_REQUESTS_PER_DAY = env.int("TOPIC_REQUESTS_PER_DAY", default=3)
COMMUNITY_SESSION_HOURS = env("COMMUNITY_SESSION_HOURS", default="0-4=18:00-22:00;5-6=08:00-22:00")

# --- Subsidy claims (lms.programmes.claims.claim_compute and claim_line_amount).
# A learner who redeemed a training voucher is claimed at the voucher's face value, capped at
# the catalogue's cap per person (research note R28); off: by the class-hour standard instead.
SUBSIDY_VOUCHER_PAYS_FACE_VALUE = env.bool("SUBSIDY_VOUCHER_PAYS_FACE_VALUE", default=True)
# A learner is subsidised only after completing every lesson of the course; off: the hours
# banked count even for a course not finished (the assessment must still be passed, rule e).
SUBSIDY_REQUIRE_ALL_LESSONS = env.bool("SUBSIDY_REQUIRE_ALL_LESSONS", default=True)

# Seconds between two background rebuilds of an HR office's person-time statistics
# (lms.programmes.statistics); the dashboard's "Refresh now" rebuilds at once.
STATISTICS_REFRESH_EVERY_S = env.int("STATISTICS_REFRESH_EVERY_S", default=3600)
