"""The platform key: from settings in production, from a private file in development,
never silently replaced."""

import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credits.certification.credentials import keys
from credits.certification.credentials.multikey import (
    private_key_to_multikey,
    public_key_bytes_from_multikey,
    public_key_to_multikey,
)


@pytest.fixture
def key_settings(django_settings, tmp_path):
    django_settings.CREDENTIAL_KEY_FILE = tmp_path / "var" / "credential-signing-key"
    django_settings.CREDENTIAL_BASE_URL = "https://nightschool.example"
    django_settings.CREDENTIAL_SIGNING_KEY = None
    return django_settings


def test_development_creates_a_key_file_only_its_owner_can_read(key_settings):
    key_settings.DEBUG = True

    first = keys.public_multikey()

    path = key_settings.CREDENTIAL_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("z3u2")
    assert keys.public_multikey() == first


def test_outside_development_a_missing_key_is_an_error_not_a_new_key(key_settings):
    from django.core.exceptions import ImproperlyConfigured

    key_settings.DEBUG = False

    with pytest.raises(ImproperlyConfigured, match="CREDENTIAL_SIGNING_KEY"):
        keys.signing_key()
    assert not key_settings.CREDENTIAL_KEY_FILE.exists()


def test_the_setting_wins_over_the_file(key_settings):
    key = Ed25519PrivateKey.generate()
    key_settings.CREDENTIAL_SIGNING_KEY = private_key_to_multikey(key)

    assert keys.public_multikey() == public_key_to_multikey(key.public_key())
    assert not key_settings.CREDENTIAL_KEY_FILE.exists()


def test_a_malformed_setting_is_reported(key_settings):
    from django.core.exceptions import ImproperlyConfigured

    key_settings.CREDENTIAL_SIGNING_KEY = "z6MkNotAPrivateKey"

    with pytest.raises(ImproperlyConfigured, match="CREDENTIAL_SIGNING_KEY"):
        keys.signing_key()


def test_platform_resolver_knows_only_our_key_under_our_issuers(key_settings):
    key_settings.DEBUG = True
    ours = keys.verification_method("https://nightschool.example/credentials/issuers/7")

    assert ours.endswith("#" + keys.public_multikey())
    assert keys.resolve_platform_key(ours) == public_key_bytes_from_multikey(keys.public_multikey())
    other_site = ours.replace("nightschool.example", "evil.example")
    assert keys.resolve_platform_key(other_site) is None
    other_key = (
        ours.rpartition("#")[0]
        + "#"
        + public_key_to_multikey(Ed25519PrivateKey.generate().public_key())
    )
    assert keys.resolve_platform_key(other_key) is None


def test_a_ring_signs_with_its_first_key_and_publishes_them_all(key_settings):
    newer, older = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    key_settings.CREDENTIAL_SIGNING_KEY = (
        f"{private_key_to_multikey(newer)}, {private_key_to_multikey(older)}"
    )

    assert keys.public_multikey() == public_key_to_multikey(newer.public_key())
    assert keys.public_multikeys() == [
        public_key_to_multikey(newer.public_key()),
        public_key_to_multikey(older.public_key()),
    ]
    issuer = "https://nightschool.example/credentials/issuers/7"
    old_method = f"{issuer}#{public_key_to_multikey(older.public_key())}"
    assert keys.resolve_platform_key(old_method) == public_key_bytes_from_multikey(
        public_key_to_multikey(older.public_key())
    )


def test_a_malformed_key_on_the_ring_is_reported_with_its_place(key_settings):
    from django.core.exceptions import ImproperlyConfigured

    good = private_key_to_multikey(Ed25519PrivateKey.generate())
    key_settings.CREDENTIAL_SIGNING_KEY = f"{good},z6MkNotAPrivateKey"

    with pytest.raises(ImproperlyConfigured, match="CREDENTIAL_SIGNING_KEY, key 2"):
        keys.signing_key()
