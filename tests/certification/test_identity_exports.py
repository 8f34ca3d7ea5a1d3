"""What a reviewer and a learner download never carries a resident ID number: not the roster
(CSV, XLSX), the certificate PDF, the credential, nor the learner's transcript bundle."""

import io

from django.urls import reverse

import pytest

from credits.certification import services
from credits.certification.models import Certificate
from lms.accounts.identity import identity_declare
from tests.identity_scan import (
    NUMBER,
    assert_absent_from_bytes,
    assert_absent_from_pdf,
    assert_absent_from_zip,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared(eligible_learner):
    identity_declare(
        user=eligible_learner, real_name="张小明", id_number=NUMBER, groups=["gig_worker"]
    )
    return eligible_learner


@pytest.fixture
def certificate(programme, declared, reviewer):
    application = services.application_submit(learner=declared, programme=programme)
    services.application_record_exam(
        reviewer=reviewer, application_id=application.pk, score=80, reason="笔试"
    )
    services.application_decide(
        reviewer=reviewer, application_id=application.pk, action="approve", reason="齐全"
    )
    return Certificate.objects.get(application=application)


def test_the_roster_csv_has_no_id_number(client, certificate, reviewer):
    client.force_login(reviewer)
    data = client.get(reverse("review:roster_csv")).content
    assert "张小明".encode() in data  # the learner is on it
    assert_absent_from_bytes(data)


def test_the_roster_xlsx_has_no_id_number_in_any_cell_or_part(client, certificate, reviewer):
    from openpyxl import load_workbook

    client.force_login(reviewer)
    data = client.get(reverse("review:roster_xlsx")).content
    members = assert_absent_from_zip(data)
    assert any(name.startswith("xl/worksheets/") for name in members)
    book = load_workbook(io.BytesIO(data))
    cells = [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert "张小明" in cells
    for value in cells:
        assert NUMBER not in value and NUMBER[:17] not in value


def test_the_certificate_pdf_has_no_id_number(client, certificate, declared):
    client.force_login(declared)
    data = client.get(reverse("certificates:pdf", args=[certificate.public_id])).content
    text = assert_absent_from_pdf(data)
    assert certificate.number in text


def test_the_credential_and_the_transcript_bundle_have_no_id_number(client, certificate, declared):
    client.force_login(declared)
    credential = client.get(reverse("certificates:credential", args=[certificate.public_id]))
    assert credential.status_code == 200
    assert_absent_from_bytes(credential.content)
    members = assert_absent_from_zip(client.get(reverse("certificates:transcript")).content)
    assert_absent_from_pdf(members["transcript.pdf"])
    assert f"{certificate.number}.credential.json" in members


def test_the_review_page_shows_the_masked_number_beside_the_name(
    client, programme, declared, reviewer
):
    application = services.application_submit(learner=declared, programme=programme)
    client.force_login(reviewer)
    page = client.get(reverse("review:application", args=[application.pk])).content.decode()
    assert "110***********002X" in page and "张小明" in page
    assert NUMBER not in page and NUMBER[:17] not in page


def test_the_review_page_says_when_no_identity_was_declared(
    client, programme, eligible_learner, reviewer
):
    application = services.application_submit(learner=eligible_learner, programme=programme)
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("review:application", args=[application.pk])).content.decode()
    assert "No real-name identity declared." in page
