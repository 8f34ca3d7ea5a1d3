"""A learner's certificates as an A4 PDF table, in the certificate's embedded fonts.

The table runs onto as many pages as it needs, repeating its headings, with the learner's name
and page count on every page so a loose page still says whose it is.
"""

import datetime as dt
from dataclasses import dataclass

from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode

from .certificate_pdf import (
    INK,
    MUTED,
    NAVY,
    configure_document,
    date_zh,
    printable,
)

VALID = "有效 Valid"
REVOKED = "已撤销 Revoked"
REVOKED_RED = (170, 30, 30)


@dataclass(frozen=True)
class TranscriptRow:
    number: str
    programme_name_zh: str
    programme_name_en: str
    class_hours: str
    minutes: int
    issued_on: dt.date
    revoked: bool
    verify_url: str

    @property
    def status(self) -> str:
        return REVOKED if self.revoked else VALID


class _Transcript(FPDF):
    def __init__(self, *, learner_name: str, generated_on: dt.date) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.learner_name = learner_name
        self.generated_on = generated_on

    def header(self) -> None:
        self.set_text_color(*NAVY)
        self.set_font("serif", size=18)
        self.text(self.l_margin, 20, "学习记录 · Transcript of certificates")
        self.set_font("sans", size=10)
        self.set_text_color(*INK)
        self.text(self.l_margin, 28, f"学员 Learner: {self.learner_name}")
        generated = (
            f"生成日期 Generated: {date_zh(self.generated_on)} / {self.generated_on:%Y-%m-%d}"
        )
        self.text(self.w - self.r_margin - self.get_string_width(generated), 28, generated)
        self.set_draw_color(*NAVY)
        self.set_line_width(0.4)
        self.line(self.l_margin, 31, self.w - self.r_margin, 31)
        self.set_y(36)

    def footer(self) -> None:
        self.set_font("sans", size=8)
        self.set_text_color(*MUTED)
        self.set_y(-12)
        self.cell(
            0,
            5,
            f"第 {self.page_no()} 页，共 {{nb}} 页 · Page {self.page_no()} of {{nb}}",
            align="C",
        )


def render_transcript_pdf(
    learner_name: str, rows: list["TranscriptRow"], generated_on: dt.date
) -> bytes:
    """The transcript as PDF bytes; an empty list gives a page that says there is nothing yet."""
    name = printable(learner_name, context="transcript")
    pdf = _Transcript(learner_name=name, generated_on=generated_on)
    configure_document(
        pdf, created_on=generated_on, title=f"学习记录 Transcript {name}", author="Night School"
    )
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()

    if not rows:
        pdf.set_font("sans", size=11)
        pdf.set_text_color(*MUTED)
        pdf.cell(0, 10, "暂无证书 · No certificates yet")
        return bytes(pdf.output())

    pdf.set_font("sans", size=9)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(190, 190, 190)
    pdf.set_line_width(0.2)
    headings = FontFace(family="sans", size_pt=9, color=(255, 255, 255), fill_color=NAVY)
    with pdf.table(
        col_widths=(32, 70, 22, 25, 28, 90),
        headings_style=headings,
        line_height=5,
        padding=(1.5, 2),
        text_align=("LEFT", "LEFT", "RIGHT", "LEFT", "LEFT", "LEFT"),
        cell_fill_color=(244, 246, 250),
        cell_fill_mode=TableCellFillMode.ROWS,
        repeat_headings=1,
    ) as table:
        table.row(
            (
                "证书编号\nCertificate No.",
                "培训项目\nProgramme",
                "学时\nClass hours",
                "发证日期\nIssued",
                "状态\nStatus",
                "验证网址\nVerify at",
            )
        )
        for row in rows:
            cells = table.row()
            cells.cell(printable(row.number))
            cells.cell(printable(row.programme_name_zh) + "\n" + printable(row.programme_name_en))
            cells.cell(f"{printable(row.class_hours)}\n({row.minutes} 分钟 min)")
            cells.cell(f"{row.issued_on:%Y-%m-%d}")
            cells.cell(row.status, style=FontFace(color=REVOKED_RED) if row.revoked else None)
            cells.cell(printable(row.verify_url), style=FontFace(size_pt=8))
    return bytes(pdf.output())
