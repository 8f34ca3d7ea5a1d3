"""The certificate as a one-page A4 PDF, in Chinese and English, with a QR code to verify it.

The Chinese fonts come from the `pylopdf-fonts-zh-cn` package (Noto Sans SC and Noto Serif SC,
SIL OFL) and are embedded as subsets, so the PDF looks the same in every viewer and no machine
that makes one needs a CJK font installed. The same input always gives the same bytes: the
document dates come from the issue date, which lets tests and caches compare PDFs directly.
"""

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import segno
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import MethodReturnValue

logger = logging.getLogger(__name__)

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILES = {"sans": "NotoSansSC-Regular.otf", "serif": "NotoSerifSC-Regular.otf"}
# The white square Chinese editions print where a character cannot be shown (缺字符号).
MISSING_GLYPH = "\u25a1"

NAVY = (27, 45, 79)
GOLD = (168, 134, 62)
INK = (33, 33, 33)
MUTED = (105, 105, 105)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# The national occupational skill levels (国家职业技能等级), 五级 the entry level.
SKILL_LEVELS_ZH = {"1": "一级", "2": "二级", "3": "三级", "4": "四级", "5": "五级"}


def skill_level_text(level: str) -> str:
    """A programme's level as the certificate prints it: "5" reads "五级 / Level 5". A level
    outside the national five is printed as it was entered."""
    level = (level or "").strip()
    if level in SKILL_LEVELS_ZH:
        return f"{SKILL_LEVELS_ZH[level]} / Level {level}"
    return level


@dataclass(frozen=True)
class CertificateContent:
    number: str
    learner_name: str
    programme_name_zh: str
    programme_name_en: str
    occupation: str
    level: str
    class_hours: str
    minutes: int
    issued_on: dt.date
    issuer_name: str
    verify_url: str


def font_path(style: str) -> str:
    """The font file inside the installed package; nothing is looked up on the system."""
    return str(resources.files(FONT_PACKAGE).joinpath(FONT_FILES[style]))


@cache
def _covered_codepoints() -> frozenset[int]:
    covered = None
    for style in FONT_FILES:
        font = TTFont(font_path(style), lazy=True)
        codepoints = set(font.getBestCmap())
        font.close()
        covered = codepoints if covered is None else covered & codepoints
    return frozenset(covered)


def unsupported_characters(text: str) -> str:
    """Characters the embedded fonts cannot draw, so an issuer can be warned before printing.

    Noto Sans/Serif SC (the region subsets) cover about 30,900 characters, GBK's ideographs and CJK
    Extension A (e.g. 䶮) among them, but not most of Extension B and beyond (e.g. 𠮷).
    """
    covered = _covered_codepoints()
    seen: dict[str, None] = {}
    for char in text:
        if ord(char) not in covered and not char.isspace():
            seen[char] = None
    return "".join(seen)


def printable(text: str, *, context: str = "") -> str:
    """One line of text the fonts can draw: whitespace collapsed, gaps marked with □.

    A character missing from the font would otherwise come out blank, silently shortening a
    name; the square shows a reader that something is there that could not be printed.
    """
    text = " ".join(unicodedata.normalize("NFC", text).split())
    missing = unsupported_characters(text)
    if not missing:
        return text
    logger.warning(
        "%s: no glyph for %s; printed as %s",
        context or "PDF",
        ", ".join(f"{char} (U+{ord(char):04X})" for char in missing),
        MISSING_GLYPH,
    )
    return "".join(MISSING_GLYPH if char in missing else char for char in text)


def new_document(*, orientation: str, created_on: dt.date, title: str, author: str) -> FPDF:
    """An A4 document with the embedded fonts registered and reproducible metadata."""
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    configure_document(pdf, created_on=created_on, title=title, author=author)
    return pdf


def configure_document(pdf: FPDF, *, created_on: dt.date, title: str, author: str) -> None:
    for style in FONT_FILES:
        pdf.add_font(style, fname=font_path(style))
    pdf.set_creation_date(dt.datetime.combine(created_on, dt.time(), tzinfo=dt.UTC))
    pdf.set_creator("Night School")
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_lang("zh-CN")


def date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def date_en(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _fit(pdf: FPDF, text: str, *, family: str, size: float, width: float, smallest: float) -> None:
    """Select the largest font size up to `size` at which `text` fits in `width`."""
    pdf.set_font(family, size=size)
    text_width = pdf.get_string_width(text)
    if text_width > width:
        pdf.set_font(family, size=max(smallest, size * width / text_width))


def _centred(
    pdf: FPDF,
    text: str,
    *,
    baseline: float,
    family: str,
    size: float,
    colour: tuple[int, int, int] = INK,
    width: float = 240,
    smallest: float = 7,
    spacing: float = 0,
    centre: float | None = None,
) -> float:
    pdf.set_char_spacing(spacing)
    _fit(pdf, text, family=family, size=size, width=width, smallest=smallest)
    pdf.set_text_color(*colour)
    # Character spacing is added after every character, the last one too.
    text_width = pdf.get_string_width(text) - spacing * 25.4 / 72
    middle = pdf.w / 2 if centre is None else centre
    pdf.text(middle - text_width / 2, baseline, text)
    pdf.set_char_spacing(0)
    return text_width


def _rule(pdf: FPDF, *, y: float, width: float, colour=GOLD, line: float = 0.3) -> None:
    pdf.set_draw_color(*colour)
    pdf.set_line_width(line)
    pdf.line(pdf.w / 2 - width / 2, y, pdf.w / 2 + width / 2, y)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.35)
    pdf.rect(11.5, 11.5, pdf.w - 23, pdf.h - 23)
    pdf.set_line_width(0.8)
    arm, inset = 14, 15.5
    right, bottom = pdf.w - inset, pdf.h - inset
    for x, y, dx, dy in (
        (inset, inset, 1, 1),
        (right, inset, -1, 1),
        (inset, bottom, 1, -1),
        (right, bottom, -1, -1),
    ):
        pdf.line(x, y, x + dx * arm, y)
        pdf.line(x, y, x, y + dy * arm)


def draw_qr(pdf: FPDF, url: str, *, x: float, y: float, size: float) -> None:
    """The QR code as filled vector rectangles, sharp at any zoom, with its quiet zone."""
    qr = segno.make_qr(url, error="m")
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=4)]
    module = size / len(rows)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # A hair of overlap keeps viewers' anti-aliasing from drawing seams between modules.
            pdf.rect(
                x + start * module, y + r * module, (c - start) * module + 0.02, module + 0.02, "F"
            )
    pdf.link(x, y, size, size, url)


def _wrap(pdf: FPDF, text: str, *, width: float, most: int) -> list[str] | None:
    """`text` broken into lines of `width` at the current font, or None if it takes too many."""
    if pdf.get_string_width(text) <= width:
        return [text]
    lines = pdf.multi_cell(width, 1, text, dry_run=True, output=MethodReturnValue.LINES)
    return lines if len(lines) <= most else None


def _url_lines(pdf: FPDF, url: str, *, width: float) -> list[str]:
    """`url` in lines no wider than `width`, broken after a slash or similar where possible."""
    pieces = re.findall(r"[^/?&=#-]*[/?&=#-]?", url)
    lines, line = [], ""
    for piece in filter(None, pieces):
        if line and pdf.get_string_width(line + piece) > width:
            lines.append(line)
            line = ""
        for char in piece:
            if line and pdf.get_string_width(line + char) > width:
                lines.append(line)
                line = ""
            line += char
    return [*lines, line] if line else lines


def _detail(
    pdf: FPDF, *, x: float, y: float, width: float, label: str, value: str, note: str = ""
) -> None:
    pdf.set_char_spacing(0)
    pdf.set_font("sans", size=8.5)
    pdf.set_text_color(*MUTED)
    pdf.text(x, y, label)
    pdf.set_text_color(*INK)
    _fit(pdf, value, family="sans", size=12, width=width, smallest=9)
    lines = [value] if note else _wrap(pdf, value, width=width, most=2)
    if lines is None:
        _fit(pdf, value, family="sans", size=9, width=width, smallest=5)
        lines = [value]
    for number, line in enumerate(lines):
        pdf.text(x, y + 6.5 + number * 4.5, line)
    if note:
        _fit(pdf, note, family="sans", size=8.5, width=width, smallest=6)
        pdf.set_text_color(*MUTED)
        pdf.text(x, y + 11.5, note)


def _is_cjk_name(name: str) -> bool:
    return bool(name) and all(
        char == MISSING_GLYPH or unicodedata.name(char, "").startswith("CJK") for char in name
    )


def render_certificate_pdf(content: CertificateContent) -> bytes:
    """The certificate as PDF bytes, ready to send or store."""
    context = f"certificate {content.number}"
    name = printable(content.learner_name, context=context)
    programme_zh = printable(content.programme_name_zh, context=context)
    programme_en = printable(content.programme_name_en, context=context)

    pdf = new_document(
        orientation="landscape",
        created_on=content.issued_on,
        title=f"证书 Certificate {printable(content.number)}",
        author=printable(content.issuer_name),
    )
    pdf.set_subject(f"{programme_zh} / {programme_en}")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_page()
    _frame(pdf)

    _centred(pdf, "证　书", baseline=38, family="serif", size=38, colour=NAVY, spacing=4)
    _centred(pdf, "CERTIFICATE", baseline=48.5, family="serif", size=14, colour=NAVY, spacing=5)
    _rule(pdf, y=53, width=70)

    _centred(
        pdf, "兹证明 / This is to certify that", baseline=66, family="sans", size=11, colour=MUTED
    )
    name_width = _centred(
        pdf,
        name,
        baseline=85,
        family="serif",
        size=36,
        width=200,
        smallest=14,
        spacing=10 if _is_cjk_name(name) and len(name) <= 4 else 0,
    )
    _rule(pdf, y=90, width=max(120, name_width + 16), colour=NAVY, line=0.25)
    _centred(
        pdf,
        "已完成以下培训项目 / has completed the training programme",
        baseline=100,
        family="sans",
        size=11,
        colour=MUTED,
    )
    _centred(pdf, programme_zh, baseline=111, family="serif", size=19, width=220, smallest=9)
    _centred(
        pdf,
        programme_en,
        baseline=119.5,
        family="serif",
        size=12.5,
        colour=MUTED,
        width=220,
        smallest=7,
    )

    hours = printable(content.class_hours, context=context)
    left, right, top, step = 30, 125, 136, 19
    details = (
        (
            left,
            top,
            88,
            "职业（工种） Occupation",
            printable(content.occupation, context=context),
            "",
        ),
        (right, top, 76, "等级 Level", printable(content.level, context=context), ""),
        (
            left,
            top + step,
            88,
            "学时 Class hours",
            f"{hours} 学时 / {hours} class hours",
            f"共 {content.minutes} 分钟 / {content.minutes:,} minutes in total",
        ),
        (
            right,
            top + step,
            76,
            "发证日期 Date of issue",
            f"{date_zh(content.issued_on)} / {date_en(content.issued_on)}",
            "",
        ),
        (
            left,
            top + 2 * step,
            88,
            "证书编号 Certificate No.",
            printable(content.number, context=context),
            "",
        ),
        (
            right,
            top + 2 * step,
            76,
            "发证机构 Issued by",
            printable(content.issuer_name, context=context),
            "",
        ),
    )
    for x, y, width, label, value, note in details:
        _detail(pdf, x=x, y=y, width=width, label=label, value=value, note=note)

    qr_size, qr_centre = 40, 240
    _centred(
        pdf,
        "扫码验证 / Scan to verify",
        baseline=134,
        family="sans",
        size=8.5,
        colour=MUTED,
        centre=qr_centre,
        width=60,
    )
    draw_qr(pdf, content.verify_url, x=qr_centre - qr_size / 2, y=136, size=qr_size)
    # Long URLs wrap under the code rather than shrink past reading or run into the issuer.
    url = printable(content.verify_url, context=context)
    _fit(pdf, url, family="sans", size=7, width=66, smallest=5.5)
    pdf.set_text_color(*MUTED)
    lines = _url_lines(pdf, url, width=66)
    for number, line in enumerate(lines):
        pdf.text(qr_centre - pdf.get_string_width(line) / 2, 180 + number * 3, line)

    return bytes(pdf.output())
