"""A real deployment: every secret and host comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env
from .origins import https_origin

SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# Every URL a signed credential names (its id, issuer, keys, status list, achievement) starts
# with this origin, and can never change once issued: no default to fall back on.
CREDENTIAL_BASE_URL = https_origin(
    env("CREDENTIAL_BASE_URL", default=""), name="CREDENTIAL_BASE_URL", allowed_hosts=ALLOWED_HOSTS
)

# The ledger key is not optional here: a key file made on the fly would change with every
# host, and entries hashed without a key could be forged by whoever holds the database.
LEDGER_HMAC_KEY = env("LEDGER_HMAC_KEY", default="").strip()
if len(LEDGER_HMAC_KEY) < 32:
    raise ImproperlyConfigured(
        "LEDGER_HMAC_KEY must be set to at least 32 random characters in production "
        '(e.g. python -c "import secrets; print(secrets.token_urlsafe(48))"). It signs '
        "every class-hour ledger entry; keep it out of the database and never change it."
    )

# Resident ID numbers are encrypted at rest with keys of their own, kept out of the database.
IDENTITY_ENCRYPTION_KEYS = env.list("IDENTITY_ENCRYPTION_KEYS", default=[])
IDENTITY_DIGEST_KEY = env("IDENTITY_DIGEST_KEY", default="").strip()
if not IDENTITY_ENCRYPTION_KEYS or len(IDENTITY_DIGEST_KEY) < 32:
    raise ImproperlyConfigured(
        'IDENTITY_ENCRYPTION_KEYS (one or more Fernet keys, e.g. python -c "from '
        'cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") and '
        "IDENTITY_DIGEST_KEY (at least 32 random characters) must be set in production. "
        "They protect resident ID numbers; losing the encryption key loses the numbers."
    )
