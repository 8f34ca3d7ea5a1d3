"""``manage.py verify_credential``: prints every check and fails loudly on any."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest

from credits.certification.credentials.multikey import public_key_to_multikey
from tests.credentials.helpers import STATUS_INDEX, STATUS_LIST, Issuer, build_certificate

YESTERDAY = datetime.now(UTC) - timedelta(days=1)


@pytest.fixture
def files(tmp_path, issuer: Issuer):
    """The command checks validity against the real clock, so dates are relative to it."""
    signed = issuer.sign(build_certificate(valid_from=YESTERDAY))
    issuer.publish_status_list(set())
    credential = tmp_path / "credential.json"
    credential.write_text(json.dumps(signed))
    status_list = tmp_path / "status.json"
    status_list.write_text(json.dumps(issuer.status_lists[STATUS_LIST]))
    return credential, status_list


def run(*args: str) -> tuple[str, str]:
    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    call_command("verify_credential", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_credential_passes_every_check(django_settings, files, issuer: Issuer):
    credential, status_list = files

    out, err = run(
        str(credential), "--key", issuer.public_multikey, "--status-list", str(status_list)
    )

    assert "ok    signature:" in out
    assert "ok    status: Not revoked" in out
    assert out.rstrip().endswith("Credential verified.")
    assert err == ""


def test_a_revoked_credential_names_the_failed_check(
    django_settings, files, issuer: Issuer, tmp_path
):
    from django.core.management.base import CommandError

    credential, status_list = files
    status_list.write_text(json.dumps(issuer.publish_status_list({STATUS_INDEX})))
    err = StringIO()

    with pytest.raises(CommandError, match="NOT verified: revoked"):
        from django.core.management import call_command

        call_command(
            "verify_credential",
            str(credential),
            "--key",
            issuer.public_multikey,
            "--status-list",
            str(status_list),
            stdout=StringIO(),
            stderr=err,
        )
    assert "FAIL  status [revoked]: The issuer has revoked this credential." in err.getvalue()


def test_a_wrong_key_fails_the_signature(django_settings, files):
    from django.core.management.base import CommandError

    credential, status_list = files
    stranger = public_key_to_multikey(Issuer().private_key.public_key())

    with pytest.raises(CommandError, match="signature_invalid"):
        run(str(credential), "--key", stranger, "--status-list", str(status_list))


def test_without_a_status_list_a_credential_with_status_fails_closed(
    django_settings, files, issuer
):
    from django.core.management.base import CommandError

    credential, _ = files
    django_settings.CREDENTIAL_STATUS_LIST_RESOLVER = None

    with pytest.raises(CommandError, match="status_list_unavailable"):
        run(str(credential), "--key", issuer.public_multikey)


def test_platform_key_is_used_when_no_key_is_given(django_settings, tmp_path):
    from credits.certification.credentials import keys
    from credits.certification.credentials.builder import issuer_url
    from credits.certification.credentials.signing import sign_credential
    from tests.credentials.helpers import SIGNED_AT

    django_settings.DEBUG = True
    django_settings.CREDENTIAL_SIGNING_KEY = None
    django_settings.CREDENTIAL_KEY_FILE = tmp_path / "key"
    django_settings.CREDENTIAL_BASE_URL = "https://nightschool.example"
    signed = sign_credential(
        build_certificate(status_list=None, status_index=None, valid_from=YESTERDAY),
        private_key=keys.signing_key(),
        verification_method=keys.verification_method(issuer_url("https://nightschool.example", 7)),
        created=SIGNED_AT,
    )
    credential = tmp_path / "credential.json"
    credential.write_text(json.dumps(signed))

    out, _ = run(str(credential))

    assert "Credential verified." in out


def test_an_unreadable_file_is_a_clear_error(django_settings, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Cannot read the credential"):
        run(str(tmp_path / "missing.json"))
