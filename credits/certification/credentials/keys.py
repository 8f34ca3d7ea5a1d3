"""The platform's Ed25519 credential-signing key: the only module of this package that
reads Django settings.

Settings (all optional until the platform issues credentials for real):

- ``CREDENTIAL_SIGNING_KEY``: the private key as a Multikey (``z3u2…``), for production,
  where it comes from the environment like any secret;
- ``CREDENTIAL_KEY_FILE``: where to keep a key otherwise (default
  ``BASE_DIR/var/credential-signing-key``). With ``DEBUG`` on, a missing file is created
  with a fresh key, readable by its owner only. Outside development a missing key is an
  error rather than a silently new key: a new key would orphan every certificate signed
  with the old one;
- ``CREDENTIAL_BASE_URL``: the https origin credentials are issued under (defaults to
  ``WAGTAILADMIN_BASE_URL``); only key ids under it resolve to the platform key.

Key ids follow ``{issuer_id}#{publicKeyMultibase}`` (``multikey.verification_method_id``).
"""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from credits.certification.credentials.multikey import (
    InvalidMultikey,
    private_key_from_multikey,
    private_key_to_multikey,
    public_key_bytes_from_multikey,
    public_key_to_multikey,
    verification_method_id,
)
from credits.ledger.keyfiles import read_key_file


def _key_file() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "credential-signing-key"
    return Path(getattr(settings, "CREDENTIAL_KEY_FILE", default))


def base_url() -> str:
    configured = getattr(settings, "CREDENTIAL_BASE_URL", None) or settings.WAGTAILADMIN_BASE_URL
    return configured.rstrip("/")


@lru_cache(maxsize=4)
def _load(configured: str | None, path: Path, may_create: bool) -> Ed25519PrivateKey:
    if configured:
        try:
            return private_key_from_multikey(configured.strip())
        except InvalidMultikey as error:
            raise ImproperlyConfigured(f"CREDENTIAL_SIGNING_KEY: {error}") from error
    text = read_key_file(
        path,
        what="credential signing key",
        may_create=may_create,
        make=lambda: private_key_to_multikey(Ed25519PrivateKey.generate()),
        missing=f"No credential signing key: set CREDENTIAL_SIGNING_KEY or create {path}.",
    )
    try:
        return private_key_from_multikey(text)
    except (InvalidMultikey, UnicodeDecodeError) as error:
        raise ImproperlyConfigured(f"{path} does not hold an Ed25519 Multikey: {error}") from error


def signing_key() -> Ed25519PrivateKey:
    return _load(
        getattr(settings, "CREDENTIAL_SIGNING_KEY", None) or None,
        _key_file(),
        bool(settings.DEBUG),
    )


def public_multikey() -> str:
    return public_key_to_multikey(signing_key().public_key())


def verification_method(issuer_id: str) -> str:
    return verification_method_id(issuer_id, public_multikey())


def resolve_platform_key(method: str) -> bytes | None:
    """Key resolver for ``verify_credential``: the platform's public key, for key ids of
    the form ``{base}/credentials/issuers/{org}#{our publicKeyMultibase}`` only."""
    controller, _, fragment = method.partition("#")
    if not controller.startswith(f"{base_url()}/credentials/issuers/"):
        return None
    if fragment != public_multikey():
        return None
    return public_key_bytes_from_multikey(fragment)


def holder_salt(public_id: str) -> str:
    """The secret salt of a certificate holder's name hash, derived from the signing key.

    Derived rather than stored, so it needs no column: the signing key is kept for as long
    as its credentials must verify, and so is every salt. HKDF with its own ``info`` keeps
    it independent of the signatures. The holder gets it privately (their own download) and
    gives it, with their name, to whoever they want to prove the certificate is theirs."""
    secret = signing_key().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=16,
        salt=None,
        info=b"night-school credential holder name salt|" + public_id.encode("utf-8"),
    ).derive(secret)
    return derived.hex()
