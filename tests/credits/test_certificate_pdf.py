import dataclasses
import datetime as dt
import io
import logging

import pypdf
import pypdfium2
import pytest
import zxingcpp

from credits.certification.certificate_pdf import (
    MISSING_GLYPH,
    CertificateContent,
    render_certificate_pdf,
    unsupported_characters,
)
from credits.certification.transcript_pdf import TranscriptRow, render_transcript_pdf

A4_LANDSCAPE = (841.89, 595.28)  # points

CONTENT = CertificateContent(
    number="NS-2026-000123",
    learner_name="张小明",
    programme_name_zh="快递员职业技能等级培训",
    programme_name_en="Courier Vocational Skills Training",
    occupation="4-02-07-08 快递员 Courier",
    level="五级 / Level 5",
    class_hours="60",
    minutes=2700,
    issued_on=dt.date(2026, 3, 5),
    issuer_name="北京市快递行业职业技能等级认定中心",
    verify_url="https://nightschool.example.cn/verify/NS-2026-000123/3f9c2a7e",
)


@pytest.fixture(scope="module")
def certificate() -> bytes:
    return render_certificate_pdf(CONTENT)


def page_texts(data: bytes) -> list[str]:
    """Text as PDFium (Chrome's PDF engine) reads it.

    pypdf does not read the embedded CMap that fpdf2 writes for CFF fonts and returns the text
    interleaved with NULs, so the text checks use PDFium.
    """
    document = pypdfium2.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def fonts_of(page) -> list:
    return [ref.get_object() for ref in page["/Resources"]["/Font"].values()]


def test_certificate_is_one_a4_landscape_page(certificate):
    reader = pypdf.PdfReader(io.BytesIO(certificate))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_LANDSCAPE, abs=0.1)


def test_certificate_embeds_every_font_it_uses(certificate):
    page = pypdf.PdfReader(io.BytesIO(certificate)).pages[0]

    fonts = fonts_of(page)
    assert fonts
    for font in fonts:
        assert font["/Subtype"] == "/Type0", "a CJK font must be a composite font"
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
    assert any("NotoSerifSC" in font["/BaseFont"] for font in fonts)


def test_certificate_text_carries_the_name_number_and_unit(certificate):
    (text,) = page_texts(certificate)

    assert "张小明" in text.replace(" ", "")
    assert "NS-2026-000123" in text
    assert "学时" in text
    assert "class hours" in text
    assert "2,700 minutes" in text
    assert "2026年3月5日" in text
    assert CONTENT.issuer_name in text


def test_certificate_qr_code_opens_the_verification_url(certificate):
    document = pypdfium2.PdfDocument(certificate)
    try:
        image = document[0].render(scale=2).to_pil().convert("L")
    finally:
        document.close()

    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image)]

    assert decoded == [CONTENT.verify_url]


def test_same_content_gives_the_same_bytes(certificate):
    assert render_certificate_pdf(CONTENT) == certificate


def test_extension_a_name_is_drawn_from_the_embedded_font():
    pdf = render_certificate_pdf(dataclasses.replace(CONTENT, learner_name="李䶮"))

    assert unsupported_characters("李䶮") == ""
    assert "李䶮" in page_texts(pdf)[0].replace(" ", "")


def test_name_beyond_the_font_renders_with_a_marked_gap_and_a_warning(caplog):
    caplog.set_level(logging.WARNING, logger="credits.certification.certificate_pdf")

    pdf = render_certificate_pdf(dataclasses.replace(CONTENT, learner_name="王𠮷"))

    assert unsupported_characters("王𠮷") == "𠮷"
    assert f"王{MISSING_GLYPH}" in page_texts(pdf)[0].replace(" ", "")
    assert "U+20BB7" in caplog.text


def test_long_transcript_runs_onto_more_pages_with_the_learner_on_each():
    rows = [
        TranscriptRow(
            number=f"NS-2026-{i:06d}",
            programme_name_zh="电动自行车安全驾驶与道路交通法规",
            programme_name_en="Safe e-bike riding and road traffic rules",
            class_hours="12.5",
            minutes=562,
            issued_on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
            revoked=i == 7,
            verify_url=f"https://nightschool.example.cn/verify/NS-2026-{i:06d}/3f9c2a7e",
        )
        for i in range(1, 31)
    ]

    pdf = render_transcript_pdf("张小明", rows, dt.date(2026, 5, 1))

    texts = page_texts(pdf)
    assert len(texts) > 1
    assert all("张小明" in text and "证书编号" in text for text in texts)
    everything = "".join(texts)
    assert all(row.number in everything for row in rows)
    assert everything.count("已撤销 Revoked") == 1
    assert everything.count("有效 Valid") == 29
    assert f"Page {len(texts)} of {len(texts)}" in texts[-1]


def test_empty_transcript_says_so():
    pdf = render_transcript_pdf("张小明", [], dt.date(2026, 5, 1))

    (text,) = page_texts(pdf)
    assert "No certificates yet" in text
