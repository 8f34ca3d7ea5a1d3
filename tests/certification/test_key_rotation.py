"""Rotating the platform's signing key: what was signed before keeps verifying, through the
platform's verifier and against the issuer profile the site serves; what is signed after
uses the new key."""

import io
import stat

from django.core.management import call_command

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credits.certification.certificates import holder_identity, resolve_status_list
from credits.certification.credentials import keys
from credits.certification.credentials.multikey import private_key_to_multikey
from credits.certification.credentials.verification import verify_credential
from credits.ledger.checkpoints import checkpoint_load, ledger_checkpoint_write
from tests.certification.site import fetch, profile_key_resolver, site_status_lists
from tests.factories import UserFactory
from tests.helpers import bank, certify

pytestmark = pytest.mark.django_db


@pytest.fixture
def ring_file(settings, tmp_path):
    path = tmp_path / "credential-signing-key"
    path.write_text(private_key_to_multikey(Ed25519PrivateKey.generate()) + "\n")
    path.chmod(0o600)
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_KEY_FILE = path
    return path


def _method(certificate) -> str:
    return certificate.credential["proof"][0]["verificationMethod"]


def _verifies_both_ways(client, certificate) -> None:
    on_platform = verify_credential(
        certificate.credential,
        resolve_key=keys.resolve_platform_key,
        resolve_status_list=resolve_status_list,
    )
    assert on_platform.ok, on_platform.failures
    served = fetch(client, certificate.credential["id"]).json()
    against_site = verify_credential(
        served,
        resolve_key=profile_key_resolver(client),
        resolve_status_list=site_status_lists(client),
    )
    assert against_site.ok, against_site.failures


def test_credentials_from_before_and_after_a_rotation_verify(
    client, ring_file, programme, eligible_learner, reviewer, admin
):
    before = certify(eligible_learner, programme, reviewer)
    checkpoint = ledger_checkpoint_write()
    out = io.StringIO()

    call_command("rotate_credential_key", stdout=out)

    assert "1 earlier key(s) kept" in out.getvalue()
    assert stat.S_IMODE(ring_file.stat().st_mode) == 0o600
    assert len(ring_file.read_text().split()) == 2
    later = UserFactory(real_name="李四")
    bank(later, admin, 100)
    after = certify(later, programme, reviewer)
    assert _method(after) != _method(before)
    assert _method(after) == keys.verification_method(after.credential["issuer"]["id"])
    profile = fetch(client, before.credential["issuer"]["id"]).json()
    assert [m["id"] for m in profile["verificationMethod"]] == [_method(after), _method(before)]
    assert profile["assertionMethod"] == [_method(after), _method(before)]
    for certificate in (before, after):
        _verifies_both_ways(client, certificate)
        # the holder can still prove the name hash is theirs: the salt of the key that signed
        identity = holder_identity(certificate=certificate)
        assert identity is not None and identity["name"] == certificate.learner.real_name
    assert checkpoint_load(checkpoint).heads  # a checkpoint signed before still verifies


def test_a_ring_in_the_environment_is_rotated_by_setting_the_printed_value(
    client, settings, programme, eligible_learner, reviewer, admin
):
    before = certify(eligible_learner, programme, reviewer)
    out = io.StringIO()

    call_command("rotate_credential_key", stdout=out)

    line = next(x for x in out.getvalue().splitlines() if x.startswith("CREDENTIAL_SIGNING_KEY="))
    value = line.partition("=")[2]
    assert value.split(",")[1:] == [settings.CREDENTIAL_SIGNING_KEY]  # nothing dropped
    assert keys.public_multikeys() == [keys.public_multikey()]  # nothing changed by itself
    settings.CREDENTIAL_SIGNING_KEY = value
    later = UserFactory(real_name="李四")
    bank(later, admin, 100)
    after = certify(later, programme, reviewer)
    assert _method(after) != _method(before)
    for certificate in (before, after):
        _verifies_both_ways(client, certificate)


def test_a_key_dropped_from_the_ring_no_longer_verifies_what_it_signed(
    client, settings, programme, eligible_learner, reviewer
):
    before = certify(eligible_learner, programme, reviewer)
    settings.CREDENTIAL_SIGNING_KEY = private_key_to_multikey(Ed25519PrivateKey.generate())

    result = verify_credential(
        before.credential,
        resolve_key=keys.resolve_platform_key,
        resolve_status_list=resolve_status_list,
    )
    assert not result.ok
    served = fetch(client, before.credential["id"]).json()
    assert not verify_credential(
        served,
        resolve_key=profile_key_resolver(client),
        resolve_status_list=site_status_lists(client),
    ).ok
