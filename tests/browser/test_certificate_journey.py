"""A learner applies on a phone, a reviewer approves at a desk, the learner downloads the PDF,
and the QR code on it opens the public verification page."""

import pytest

from credits.certification.models import CertificationProgramme
from lms.accounts.models import Organisation
from tests.factories import OrganisationFactory, ReviewerFactory, UserFactory
from tests.helpers import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def qr_url_in(pdf: bytes) -> str:
    import pypdfium2
    import zxingcpp

    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=3).to_pil()
    (barcode,) = zxingcpp.read_barcodes(image)
    return barcode.text


def test_apply_approve_download_and_verify(live_server, phone, browser):
    from credits.ledger import services

    evaluator = OrganisationFactory(name="市职业技能鉴定中心", kind=Organisation.Kind.EVALUATION)
    CertificationProgramme.objects.create(
        name_zh="快递员五级学时证书",
        name_en="Courier level 5 hours",
        issuer=evaluator,
        class_hours_required=2,
    )
    admin = UserFactory(role="admin", is_superuser=True, is_staff=True)
    learner = UserFactory(real_name="张小明")
    services.ledger_adjust(
        learner=learner, minutes=95, reason="站点培训记录转入", actor=admin, transfer=True
    )
    reviewer = ReviewerFactory(organisation=evaluator, real_name="王审核")

    log_in(phone.context, live_server, learner)
    phone.goto(live_server.url + "/certificates/")
    assert "快递员五级学时证书" in phone.content()
    phone.get_by_role("button", name="申请证书").click()
    phone.wait_for_load_state()
    assert "已提交申请" in phone.content()
    screenshot(phone, "certificate-01-applied")

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    reviewer_page = desk.new_page()
    log_in(desk, live_server, reviewer)
    reviewer_page.goto(live_server.url + "/review/")
    reviewer_page.get_by_role("link", name="张小明").click()
    reviewer_page.get_by_label("理由").fill("转入记录有站点盖章证明，学时达标。")
    reviewer_page.get_by_role("button", name="批准并发证").click()
    reviewer_page.wait_for_load_state()
    assert "决定已记录" in reviewer_page.content()
    reviewer_page.screenshot(
        path=str(screenshot.__globals__["ARTIFACTS"] / "certificate-02-approved.png")
    )
    desk.close()

    phone.goto(live_server.url + "/certificates/")
    link = phone.get_by_role("link", name="下载证书（PDF）")
    pdf = phone.context.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    url = qr_url_in(pdf.body())
    assert "/verify/" in url
    screenshot(phone, "certificate-03-mine")

    phone.goto(live_server.url + url[url.index("/verify/") :])
    assert "有效" in phone.content() and "张*明" in phone.content()
    assert "张小明" not in phone.content()
    screenshot(phone, "certificate-04-verified")
