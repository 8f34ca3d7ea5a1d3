"""Every URL an issued credential names answers on the site, with what it names; a status
list that was never allocated, or an achievement that does not exist, is a 404."""

import pytest

from credits.certification.credentials.verification import verify_credential
from credits.certification.models import CertificationProgramme
from lms.accounts.models import Organisation
from tests.certification.site import (
    fetch,
    node_ids,
    our_urls,
    profile_key_resolver,
    site_status_lists,
)
from tests.credits.test_certificate_pdf import page_texts
from tests.factories import OrganisationFactory
from tests.helpers import certify

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(programme, eligible_learner, reviewer):
    return certify(eligible_learner, programme, reviewer)


def test_every_url_the_credential_names_answers_200_as_json_ld(client, certificate):
    credential = certificate.credential
    subject = credential["credentialSubject"]
    named = our_urls(credential)
    assert {
        credential["id"],
        credential["issuer"]["id"],
        credential["proof"][0]["verificationMethod"],
        credential["credentialStatus"]["statusListCredential"],
        subject["achievement"]["id"],
    } <= named
    assert all(url.startswith("https://nightschool.example/") for url in named)

    for url in sorted(named):
        response = fetch(client, url)

        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/ld+json"), url
        page, _, fragment = url.partition("#")
        document = response.json()
        assert document["id"] == page, url
        if fragment and url != credential["credentialStatus"]["id"]:
            assert url in node_ids(document), url  # a key of the profile, a result's unit


def test_what_the_site_serves_is_what_the_credential_names(client, certificate):
    credential = certificate.credential
    served = fetch(client, credential["id"]).json()
    assert served == credential
    achievement = fetch(client, credential["credentialSubject"]["achievement"]["id"]).json()
    embedded = credential["credentialSubject"]["achievement"]
    assert {k: v for k, v in achievement.items() if k != "@context"} == embedded

    result = verify_credential(
        served,
        resolve_key=profile_key_resolver(client),
        resolve_status_list=site_status_lists(client),
    )
    assert result.ok, result.failures


def test_a_status_list_never_allocated_is_not_found(client, certificate, evaluator):
    status = certificate.credential["credentialStatus"]["statusListCredential"]
    assert fetch(client, status).status_code == 200
    issuer = status.rsplit("/status/", 1)[0]

    assert fetch(client, f"{issuer}/status/2").status_code == 404
    assert fetch(client, f"{issuer}/status/0").status_code == 404
    other = OrganisationFactory(name="别的鉴定中心", kind=Organisation.Kind.EVALUATION)
    CertificationProgramme.objects.create(name_zh="电工五级", issuer=other, class_hours_required=1)
    other_issuer = issuer.rsplit("/", 1)[0] + f"/{other.pk}"
    assert fetch(client, other_issuer).status_code == 200  # the issuer exists
    assert fetch(client, f"{other_issuer}/status/1").status_code == 404  # its list does not


def test_an_achievement_that_does_not_exist_is_not_found(client, certificate):
    achievement = certificate.credential["credentialSubject"]["achievement"]["id"]
    missing = achievement.rsplit("-", 1)[0] + "-999999"
    assert fetch(client, missing).status_code == 404


def test_the_certificate_pdf_prints_a_verification_url_that_answers_whatever_host_served_it(
    client, certificate
):
    client.force_login(certificate.learner)
    pdf = client.get(
        f"/certificates/{certificate.public_id}/pdf", headers={"host": "10.0.0.7:8000"}
    )
    printed = "".join(page_texts(pdf.content)[0].split())

    url = f"https://nightschool.example/verify/{certificate.public_id}/"
    assert url in printed and "10.0.0.7" not in printed
    page = fetch(client, url)
    assert page.status_code == 200 and certificate.number in page.content.decode()
