"""Issued certificates: signed, verifiable by anyone, revocable, and the learner's to download."""

import copy
import io
import json
import zipfile

from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

import pytest

from credits.certification import services
from credits.certification.certificates import resolve_status_list
from credits.certification.credentials.keys import resolve_platform_key
from credits.certification.credentials.verification import verify_credential
from credits.certification.models import Certificate, VerificationLog
from tests.factories import OrganisationFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(programme, eligible_learner, reviewer):
    application = services.application_submit(learner=eligible_learner, programme=programme)
    services.application_record_exam(
        reviewer=reviewer, application_id=application.pk, score=80, reason="笔试"
    )
    services.application_decide(
        reviewer=reviewer, application_id=application.pk, action="approve", reason="齐全"
    )
    return Certificate.objects.get(application=application)


def check(document):
    return verify_credential(
        document, resolve_key=resolve_platform_key, resolve_status_list=resolve_status_list
    )


def test_issued_credential_verifies_and_states_its_hours(certificate):
    result = check(certificate.credential)
    assert result.ok, result.failures
    text = json.dumps(certificate.credential, ensure_ascii=False)
    assert "张小明" not in text  # the name travels only hashed
    assert '"100"' in text and "ext:StudyMinutes" in text


def test_one_altered_field_fails_verification(certificate):
    forged = copy.deepcopy(certificate.credential)
    forged["credentialSubject"]["result"][0]["value"] = "999"
    assert "signature_invalid" in check(forged).failure_codes


def test_a_wrong_key_fails_verification(certificate):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    stranger = (
        Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    result = verify_credential(
        certificate.credential,
        resolve_key=lambda method: stranger,
        resolve_status_list=resolve_status_list,
    )
    assert "signature_invalid" in result.failure_codes


def test_revoked_certificate_fails_verification_and_says_so_publicly(client, certificate, reviewer):
    services.certificate_revoke(actor=reviewer, certificate_id=certificate.pk, reason="学时造假")
    assert "revoked" in check(certificate.credential).failure_codes
    page = client.get(reverse("verify", args=[certificate.public_id])).content.decode()
    assert "已撤销" in page and "学时造假" in page


def test_only_the_issuing_organisation_revokes_and_always_with_a_reason(certificate):
    outsider = ReviewerFactory(organisation=OrganisationFactory(name="别处", kind="evaluation"))
    with pytest.raises(PermissionError):
        services.certificate_revoke(actor=outsider, certificate_id=certificate.pk, reason="不服")
    with pytest.raises(PermissionError):
        services.certificate_revoke(
            actor=certificate.learner, certificate_id=certificate.pk, reason="x"
        )
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_verification_page_needs_no_login_masks_personal_data_and_logs_each_visit(
    client, certificate
):
    page = client.get(reverse("verify", args=[certificate.public_id])).content.decode()
    assert "有效" in page and certificate.number in page
    assert "张*明" in page and "张小明" not in page
    client.get(reverse("certificates:credential", args=[certificate.public_id]))
    assert list(VerificationLog.objects.values_list("via", flat=True).order_by("at")) == [
        "page",
        "credential",
    ]
    assert client.get(reverse("verify", args=["not-a-real-id"])).status_code == 404


def test_issuer_profile_and_status_list_are_served_at_stable_urls(client, certificate):
    issuer = certificate.credential["issuer"]["id"]
    path = issuer.removeprefix("https://nightschool.example")
    profile = client.get(path).json()
    assert profile["id"] == issuer
    assert profile["verificationMethod"][0]["publicKeyMultibase"].startswith("z6Mk")
    status_url = certificate.credential["credentialStatus"]["statusListCredential"]
    listed = client.get(status_url.removeprefix("https://nightschool.example")).json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]


def test_pdf_is_for_the_learner_and_the_issuing_reviewers_only(client, certificate, reviewer):
    url = reverse("certificates:pdf", args=[certificate.public_id])
    client.force_login(certificate.learner)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    outsider = ReviewerFactory(organisation=OrganisationFactory(name="别处", kind="evaluation"))
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_transcript_bundles_the_pdf_and_every_signed_credential(client, certificate):
    client.force_login(certificate.learner)
    bundle = zipfile.ZipFile(io.BytesIO(client.get(reverse("certificates:transcript")).content))
    names = bundle.namelist()
    assert "transcript.pdf" in names
    credential = json.loads(bundle.read(f"{certificate.number}.credential.json"))
    assert check(credential).ok


def test_verify_credential_command_says_what_failed(certificate, tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(certificate.credential), encoding="utf-8")
    call_command("verify_credential", str(good))
    forged = copy.deepcopy(certificate.credential)
    forged["name"] = "别人的证书"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(forged), encoding="utf-8")
    with pytest.raises((CommandError, SystemExit)):
        call_command("verify_credential", str(bad))
    assert "signature" in capsys.readouterr().out.lower()


# --- The holder's privacy: the public credential says no more than the verification page.


def _strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    else:
        yield str(value)


def _keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_the_public_credential_gives_no_way_to_test_a_guessed_name(client, certificate):
    """What the attacker has: the JSON anyone may fetch, and the masked name 张*明 from the
    verification page. Hashing the right name with any string the JSON holds as the salt
    (or with none) matches nothing."""
    import hashlib

    public = client.get(reverse("certificates:credential", args=[certificate.public_id])).json()
    assert check(public).ok  # still signed, still verifies

    assert "salt" not in set(_keys(public))
    hashes = {i["identityHash"] for i in public["credentialSubject"]["identifier"]}
    assert hashes  # the name is there, hashed, for its holder to prove
    candidates = ["张小明", "张*明"]
    salts = [""] + list(_strings(public))
    for name in candidates:
        for salt in salts:
            digest = hashlib.sha256((name + salt).encode("utf-8")).hexdigest()
            assert f"sha256${digest}" not in hashes


def test_the_credential_subject_is_not_named_by_the_learners_id(client, certificate):
    public = client.get(reverse("certificates:credential", args=[certificate.public_id])).json()
    subject_id = public["credentialSubject"]["id"]
    assert subject_id.startswith("urn:uuid:")
    import uuid

    assert uuid.UUID(subject_id.removeprefix("urn:uuid:")).version == 4  # random, not a count
    assert uuid.UUID(subject_id.removeprefix("urn:uuid:")).int != certificate.learner_id
    assert "/learners/" not in json.dumps(public)


def test_only_the_holder_receives_the_salt_that_proves_the_name(client, certificate):
    import hashlib

    client.force_login(certificate.learner)
    bundle = zipfile.ZipFile(io.BytesIO(client.get(reverse("certificates:transcript")).content))
    identity = json.loads(bundle.read(f"{certificate.number}.holder-identity.json"))
    credential = json.loads(bundle.read(f"{certificate.number}.credential.json"))
    digest = hashlib.sha256(("张小明" + identity["salt"]).encode("utf-8")).hexdigest()
    names = [i["identityHash"] for i in credential["credentialSubject"]["identifier"]]
    assert names == [f"sha256${digest}"]
    assert identity["salt"] not in json.dumps(credential)

    client.logout()
    public = client.get(reverse("certificates:credential", args=[certificate.public_id]))
    assert identity["salt"] not in public.content.decode()


@pytest.fixture
def issued_before_subject_privacy(certificate):
    """A credential as issued before: the learner's URL and name hashed, salts published."""
    from credits.certification.credentials import keys
    from credits.certification.credentials.builder import hashed_identity
    from credits.certification.credentials.signing import sign_credential

    document = copy.deepcopy(certificate.credential)
    document.pop("proof")
    subject = document["credentialSubject"]
    subject.pop("id")
    subject["identifier"] = [
        hashed_identity(
            f"https://nightschool.example/learners/{certificate.learner_id}",
            identity_type="identifier",
            salt="0a1b2c3d",
        ),
        hashed_identity("张小明", identity_type="name", salt="0a1b2c3d"),
    ]
    certificate.credential = sign_credential(
        document,
        private_key=keys.signing_key(),
        verification_method=keys.verification_method(document["issuer"]["id"]),
        created=certificate.issued_at,
    )
    certificate.save(update_fields=["credential"])
    return certificate


def test_an_older_credential_is_not_published_but_its_holder_still_has_it(
    client, issued_before_subject_privacy, reviewer
):
    certificate = issued_before_subject_privacy
    url = reverse("certificates:credential", args=[certificate.public_id])
    refused = client.get(url)
    assert refused.status_code == 403
    assert "0a1b2c3d" not in refused.content.decode()
    assert "identityHash" not in refused.content.decode()
    assert not VerificationLog.objects.filter(via="credential").exists()
    page = client.get(reverse("verify", args=[certificate.public_id]))
    assert page.status_code == 200 and "有效" in page.content.decode()

    for user in (certificate.learner, reviewer):
        client.force_login(user)
        served = client.get(url)
        assert served.status_code == 200
        assert served.json() == certificate.credential  # as signed, not re-signed
        assert check(served.json()).ok

    client.force_login(UserFactory())
    assert client.get(url).status_code == 403

    client.force_login(certificate.learner)
    bundle = zipfile.ZipFile(io.BytesIO(client.get(reverse("certificates:transcript")).content))
    assert f"{certificate.number}.credential.json" in bundle.namelist()
    assert f"{certificate.number}.holder-identity.json" not in bundle.namelist()


def test_the_verification_page_is_limited_per_address_and_trying_ids_costs_the_prober(
    client, certificate, settings
):
    settings.RATE_LIMIT_VERIFY = "5/m/ip"
    prober = {"REMOTE_ADDR": "203.0.113.7"}
    for n in range(5):  # guesses count too: they are what the limit is for
        assert client.get(reverse("verify", args=[f"guess-{n}"]), **prober).status_code == 404
    refused = client.get(reverse("verify", args=[certificate.public_id]), **prober)
    assert refused.status_code == 429
    assert "短时间内查验了太多证书" in refused.content.decode()
    assert not VerificationLog.objects.exists()
    # An employer at another address is not held up by the prober.
    employer = client.get(
        reverse("verify", args=[certificate.public_id]), REMOTE_ADDR="198.51.100.20"
    )
    assert employer.status_code == 200 and certificate.number in employer.content.decode()
