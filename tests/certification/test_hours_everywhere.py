"""The credential, the public verification page and the PDFs state one figure of class hours
(by ``credits.ledger.hours``), each with its minutes, and the certificate prints its level in
words."""

import io
import zipfile

from django.urls import reverse

import pytest

from credits.certification.models import CertificationProgramme
from tests.credits.test_certificate_pdf import page_texts
from tests.factories import UserFactory
from tests.helpers import bank, certify

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(evaluator, admin, reviewer):
    programme = CertificationProgramme.objects.create(
        name_zh="快递员五级",
        name_en="Courier, level 5",
        issuer=evaluator,
        level="5",
        class_hours_required=6,
        assessment=CertificationProgramme.Assessment.EXAM,
    )
    learner = UserFactory(real_name="张小明")
    bank(learner, admin, 200)
    bank(learner, admin, 90)  # 290 minutes: 6.444… class hours of 45
    return certify(learner, programme, reviewer)


def _flat(text: str) -> str:
    return "".join(text.split())


def test_credential_page_and_pdfs_state_the_same_class_hours_with_their_minutes(
    client, certificate
):
    results = {
        r["resultDescription"].rsplit("#", 1)[1]: r["value"]
        for r in certificate.credential["credentialSubject"]["result"]
    }
    assert (results["class-hours"], results["minutes"]) == ("6.4", "290")

    chinese = client.get(reverse("verify", args=[certificate.public_id])).content.decode()
    assert "6.4 学时（290 分钟）" in chinese
    client.cookies["django_language"] = "en"
    english = client.get(reverse("verify", args=[certificate.public_id])).content.decode()
    assert "6.4 class hours (290 minutes)" in english

    client.force_login(certificate.learner)
    pdf = page_texts(client.get(reverse("certificates:pdf", args=[certificate.public_id])).content)
    flat = _flat(pdf[0])
    assert "6.4学时/6.4classhours" in flat and "共290分钟" in flat
    assert "6.44" not in flat

    bundle = zipfile.ZipFile(io.BytesIO(client.get(reverse("certificates:transcript")).content))
    transcript = _flat(page_texts(bundle.read("transcript.pdf"))[0])
    assert "6.4(290分钟min)" in transcript


def test_the_certificate_prints_its_level_in_chinese_and_english(client, certificate):
    client.force_login(certificate.learner)
    pdf = page_texts(client.get(reverse("certificates:pdf", args=[certificate.public_id])).content)
    assert "五级/Level5" in _flat(pdf[0])
