"""The platform's Ed25519 credential-signing keys: the only module of this package that
reads Django settings.

One key ring for the whole platform, not a key per issuer. Issuing organisations never hold
key material: the platform signs on their behalf, and every issuer's profile publishes the
platform's keys under the issuer's own id (``{issuer}#{publicKeyMultibase}``). Keys per
organisation would all be kept in the same place by the same operator, so they would add no
separation, only secrets to back up; what an issuer needs is that a key can be replaced
without orphaning what was signed before, which the ring gives.

The ring is a list of private Multikeys (``z3u2…``), **newest first**, as
``IDENTITY_ENCRYPTION_KEYS`` is: the first signs; every key on the ring stays published as a
verification method of every issuer profile, keeps verifying the credentials it signed, and
keeps deriving their holders' salts. ``rotate_credential_key`` puts a new key first.

Settings (all optional until the platform issues credentials for real):

- ``CREDENTIAL_SIGNING_KEY``: the ring, comma-separated, for production, where it comes from
  the environment like any secret;
- ``CREDENTIAL_KEY_FILE``: where to keep the ring otherwise (default
  ``BASE_DIR/var/credential-signing-key``), one key a line. With ``DEBUG`` on, a missing
  file is created with a fresh key, readable by its owner only. Outside development a
  missing key is an error rather than a silently new key;
- ``CREDENTIAL_BASE_URL``: the https origin credentials are issued under (defaults to
  ``WAGTAILADMIN_BASE_URL``; required in production); only key ids under it resolve to the
  platform's keys.
"""

import os
import tempfile
from dataclasses import dataclass
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


class KeyRotationError(Exception):
    pass


def _key_file() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "credential-signing-key"
    return Path(getattr(settings, "CREDENTIAL_KEY_FILE", default))


def _configured() -> str:
    return (getattr(settings, "CREDENTIAL_SIGNING_KEY", None) or "").strip()


def base_url() -> str:
    configured = getattr(settings, "CREDENTIAL_BASE_URL", None) or settings.WAGTAILADMIN_BASE_URL
    return configured.rstrip("/")


def _split(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def _parse(text: str, where: str) -> tuple[Ed25519PrivateKey, ...]:
    ring = []
    for number, part in enumerate(_split(text), start=1):
        try:
            ring.append(private_key_from_multikey(part))
        except InvalidMultikey as error:
            raise ImproperlyConfigured(f"{where}, key {number}: {error}") from error
    if not ring:
        raise ImproperlyConfigured(f"{where} holds no key.")
    return tuple(ring)


@lru_cache(maxsize=8)
def _load_setting(configured: str) -> tuple[Ed25519PrivateKey, ...]:
    return _parse(configured, "CREDENTIAL_SIGNING_KEY")


def _read_ring_file(path: Path) -> str:
    """The ring file's text; the first development key is made here when ``DEBUG`` allows,
    and a file others can read is logged."""
    return read_key_file(
        path,
        what="credential signing key",
        may_create=bool(settings.DEBUG),
        make=lambda: private_key_to_multikey(Ed25519PrivateKey.generate()),
        missing=f"No credential signing key: set CREDENTIAL_SIGNING_KEY or create {path}.",
    )


@lru_cache(maxsize=8)
def _load_file(path: Path, changed: int) -> tuple[Ed25519PrivateKey, ...]:
    """``changed`` (the file's mtime) is part of the cache key, so a rotated file is read
    again by every running process without a restart."""
    try:
        text = _read_ring_file(path)
    except UnicodeDecodeError as error:
        raise ImproperlyConfigured(f"{path} does not hold Ed25519 Multikeys: {error}") from error
    return _parse(text, str(path))


def key_ring() -> tuple[Ed25519PrivateKey, ...]:
    """Every platform key, the signing one first."""
    configured = _configured()
    if configured:
        return _load_setting(configured)
    path = _key_file()
    if not path.exists():
        _read_ring_file(path)  # the first development key, or the error that there is none
    return _load_file(path, path.stat().st_mtime_ns)


def signing_key() -> Ed25519PrivateKey:
    return key_ring()[0]


def _public(key: Ed25519PrivateKey) -> str:
    return public_key_to_multikey(key.public_key())


def public_multikey() -> str:
    """The public half of the key that signs now."""
    return _public(signing_key())


def public_multikeys() -> list[str]:
    """Every key's public half, newest first: what issuer profiles publish."""
    return [_public(key) for key in key_ring()]


def verification_method(issuer_id: str) -> str:
    return verification_method_id(issuer_id, public_multikey())


def verification_methods(issuer_id: str) -> list[str]:
    return [verification_method_id(issuer_id, public) for public in public_multikeys()]


def resolve_platform_key(method: str) -> bytes | None:
    """Key resolver for ``verify_credential``: a platform key, current or earlier, for key ids
    of the form ``{base}/credentials/issuers/{org}#{publicKeyMultibase}`` only."""
    controller, _, fragment = method.partition("#")
    if not controller.startswith(f"{base_url()}/credentials/issuers/"):
        return None
    if fragment not in public_multikeys():
        return None
    return public_key_bytes_from_multikey(fragment)


def _salt_with(key: Ed25519PrivateKey, public_id: str) -> str:
    secret = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=16,
        salt=None,
        info=b"night-school credential holder name salt|" + public_id.encode("utf-8"),
    ).derive(secret)
    return derived.hex()


def holder_salt(public_id: str) -> str:
    """The secret salt of a certificate holder's name hash, derived from the signing key.

    Derived rather than stored, so it needs no column: a key stays on the ring for as long as
    its credentials must verify, and so does every salt it gave. HKDF with its own ``info``
    keeps it independent of the signatures. The holder gets it privately (their own download)
    and gives it, with their name, to whoever they want to prove the certificate is theirs."""
    return _salt_with(signing_key(), public_id)


def holder_salts(public_id: str) -> list[str]:
    """The salt each key on the ring would have given, newest first: a credential signed
    before a rotation carries a hash made with its own key's salt."""
    return [_salt_with(key, public_id) for key in key_ring()]


@dataclass(frozen=True)
class Rotation:
    public: str
    ring: list[str]  # the ring's public keys after rotation, newest first
    written_to: Path | None  # the key file, when the ring lives in one
    setting: str | None  # the new CREDENTIAL_SIGNING_KEY value, when the ring is a setting


def rotate_key_ring() -> Rotation:
    """Put a fresh key first on the ring, keeping every earlier key after it.

    A ring in ``CREDENTIAL_KEY_FILE`` is rewritten in place (a new file linked over the old
    one, owner-only, so no reader sees half a ring). A ring in ``CREDENTIAL_SIGNING_KEY`` lives
    in the environment, which this process cannot change: the new value is returned for the
    operator to set on every host."""
    ring = key_ring()
    fresh = Ed25519PrivateKey.generate()
    new_ring = [fresh, *ring]
    text = "\n".join(private_key_to_multikey(key) for key in new_ring) + "\n"
    publics = [_public(key) for key in new_ring]
    if _configured():
        return Rotation(publics[0], publics, None, text.strip().replace("\n", ","))
    path = _key_file()
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(text)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise KeyRotationError(f"Could not write {path}: {error}") from error
    return Rotation(publics[0], publics, path, None)
