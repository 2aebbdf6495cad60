"""PDF writer (fpdf2): embedded fonts for the six UN languages; text in plain cells, never markup.

DejaVu Sans draws Latin and Cyrillic; Noto Sans Arabic and Noto Sans CJK SC (Debian's
fonts-noto-core and fonts-noto-cjk, SIL Open Font License) are its fallbacks, and text shaping
(fpdf2 with uharfbuzz) joins Arabic letters and runs them right to left. A character no font
has is shown as "?" rather than dropped silently. Without DejaVu the writer falls back to the
core Helvetica font and latin-1 text.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.image_parsing import SETTINGS as image_settings

from readiness.i18n import direction, translate
from readiness.reports.model import Report, Table
from readiness.reports.writers import image_key, label_separator
from readiness.reports.writers.pdf_speed import (
    FastTable,
    add_font,
    install_font_subsets,
    install_image_cache,
    install_line_widths,
)
from readiness.uploads.safe import pdf_text

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu"
NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
# family -> (regular, bold, index in a font collection): tried in this order for a missing glyph.
FALLBACKS = {
    "NotoSansArabic": (NOTO / "NotoSansArabic-Regular.ttf", NOTO / "NotoSansArabic-Bold.ttf", 0),
    "NotoSansCJKsc": (NOTO_CJK / "NotoSansCJK-Regular.ttc", NOTO_CJK / "NotoSansCJK-Bold.ttc", 2),
}
ARABIC = "NotoSansArabic"
PAGE_WIDTH_MM = 180  # A4 minus 15 mm margins
WORDS = ("key_figures", "key_figure", "value", "note", "sources", "licence")


def _fallbacks() -> dict[str, tuple[Path, Path, int]]:
    return {k: v for k, v in FALLBACKS.items() if v[0].exists() and v[1].exists()}


@functools.cache
def _cmap() -> frozenset[int] | None:
    if not FONT_REGULAR.exists():
        return None
    from fontTools.ttLib import TTFont

    codes = set(TTFont(str(FONT_REGULAR), lazy=True).getBestCmap())
    for regular, _, number in _fallbacks().values():
        codes.update(TTFont(str(regular), lazy=True, fontNumber=number).getBestCmap())
    return frozenset(codes)


def pdf_label(value: object) -> str:
    """Text safe for a plain cell in our fonts: controls removed, missing glyphs shown as '?'."""
    text = pdf_text(value)
    cmap = _cmap()
    if cmap is None:
        return text.encode("latin-1", errors="replace").decode("latin-1")
    return "".join(ch if (ord(ch) in cmap or ch in "\n\t") else "?" for ch in text)


@functools.cache
def _dejavu_cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(FONT_REGULAR), lazy=True).getBestCmap())


def report_chars(report: Report) -> set[int]:
    """Every character a report prints (titles, figures, text, tables, citations)."""
    texts = [report.title, report.subtitle]
    texts += [f"{k.label}{k.value}{k.note}" for k in report.key_figures]
    for s in report.sections:
        texts += [s.title, *s.paragraphs, *s.bullets]
        texts += [f"{f.title}{f.caption}" for f in s.figures]
        for table in s.tables:
            texts += [table.title, table.note, *map(str, table.frame.columns)]
            texts += [str(v) for v in table.frame.to_numpy().ravel()]
    texts += [f"{c.title}{c.producer}{c.licence}{c.citation}{c.url}" for c in report.citations]
    return {ord(ch) for text in texts for ch in text}


def _fonts(pdf: FPDF, lang: str, chars: set[int] | None = None) -> str | None:
    """Register the fonts, with shaping when uharfbuzz is there; the main family (None: none).

    Arabic reports are set in Noto Sans Arabic (DejaVu's Arabic is basic), the others in DejaVu
    Sans; the rest are fallbacks for the characters the main font lacks. Given the report's
    `chars`, fallbacks are registered only when DejaVu lacks some of them and shaping runs only
    for Arabic script: loading the CJK collection and shaping every line cost about 2 s a report.
    """
    if not (FONT_REGULAR.exists() and FONT_BOLD.exists()):
        return None
    add_font(pdf, FAMILY, "", FONT_REGULAR)
    add_font(pdf, FAMILY, "B", FONT_BOLD)
    families = [FAMILY]
    latin = chars is not None and lang != "ar" and chars <= (_dejavu_cmap() | {9, 10, 13})
    if latin:
        return FAMILY
    for family, (regular, bold, number) in _fallbacks().items():
        add_font(pdf, family, "", regular, number)
        add_font(pdf, family, "B", bold, number)
        families.append(family)
    main = ARABIC if lang == "ar" and ARABIC in families else FAMILY
    pdf.set_fallback_fonts([f for f in families if f != main], exact_match=False)
    arabic = lang == "ar" or chars is None or any(0x0600 <= c <= 0x08FF or 0xFB50 <= c <= 0xFEFF
                                                   for c in chars)  # fmt: skip
    if not arabic:
        return main
    try:
        import uharfbuzz  # noqa: F401  (fpdf2's shaping engine)
    except ImportError:
        return main
    pdf.set_text_shaping(True)
    return main


def warm_fonts() -> None:
    """Parse the fonts and character tables every PDF needs (a batch's writers, at start)."""
    if FONT_REGULAR.exists() and FONT_BOLD.exists():
        add_font(FPDF(), FAMILY, "", FONT_REGULAR)
        add_font(FPDF(), FAMILY, "B", FONT_BOLD)
    _cmap()


class _PDF(FPDF):
    footer_text = ""
    family = "Helvetica"
    lang = "en"
    align = "L"  # "R" for a right-to-left language
    wrapmode = WrapMode.WORD  # CHAR for Chinese, which puts no spaces between words

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, size=7)
        self.set_text_color(110)
        page = translate(self.lang, "report_layout.writer.page", n=self.page_no())
        self.cell(0, 5, f"{self.footer_text} | {page}", align="C")
        self.set_text_color(0)

    def para(self, height: float, text: str, **kwargs: object) -> None:
        """A paragraph from the left margin, aligned for the language's direction."""
        kwargs.setdefault("align", self.align)
        kwargs.setdefault("wrapmode", self.wrapmode)
        self.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, **kwargs)  # type: ignore[arg-type]


# zlib level of the charts fpdf2 re-compresses (it decodes each PNG and deflates its pixels):
# level 1 deflates a chart in a third of level 6's time for a fifth more bytes.
IMAGE_COMPRESSION = 1


def write_pdf(report: Report, images: Mapping[str, bytes]) -> bytes:
    """The report as PDF bytes (A4 portrait)."""
    install_line_widths()
    install_font_subsets()
    install_image_cache()
    image_settings.compression_level = IMAGE_COMPRESSION
    pdf = _PDF(orientation="portrait", unit="mm", format="A4")
    pdf.family = _fonts(pdf, report.lang, report_chars(report)) or pdf.family
    pdf.lang = report.lang
    pdf.align = "R" if direction(report.lang) == "rtl" else "L"
    pdf.wrapmode = WrapMode.CHAR if report.lang == "zh" else WrapMode.WORD
    pdf.set_lang(report.lang)
    pdf.footer_text = pdf_label(f"{report.title} - {report.year}")
    pdf.set_title(pdf_label(report.title))
    pdf.set_subject(pdf_label(report.subtitle))
    pdf.set_creator("IoT and SSCC readiness dashboard")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    f = pdf.family

    pdf.set_font(f, "B", 18)
    pdf.para(9, pdf_label(report.title))
    pdf.set_font(f, "", 11)
    pdf.para(6, pdf_label(report.subtitle))
    pdf.ln(3)
    words = {k: translate(report.lang, f"report_layout.writer.{k}") for k in WORDS}
    _heading(pdf, words["key_figures"], 2)
    rows = [[words["key_figure"], words["value"], words["note"]]] + [
        [pdf_label(k.label), pdf_label(k.value), pdf_label(k.note)] for k in report.key_figures
    ]
    _grid(pdf, rows, (60, 50, 70), 9)
    for section in report.sections:
        # Keep a heading with what follows: a chart when the section opens with one.
        first = next(
            (images.get(image_key(section.key, spec.key)) for spec in section.figures), None
        )
        starts_with_chart = first is not None and not section.paragraphs and not section.bullets
        _heading(pdf, section.title, 1, _image_size(first)[1] + 12 if starts_with_chart else 40)
        pdf.set_font(f, "", 10)
        for text in section.paragraphs:
            pdf.para(5, pdf_label(text))
            pdf.ln(1)
        for text in section.bullets:
            pdf.para(5, pdf_label("\u2022 " + text))
        for spec in section.figures:
            png = images.get(image_key(section.key, spec.key))
            if png is None:
                continue
            _image(pdf, png)
            pdf.set_font(f, "", 8)
            pdf.para(4, pdf_label(f"{spec.title}. {spec.caption}"))
            pdf.ln(2)
        for table in section.tables:
            _table(pdf, table)
    _heading(pdf, words["sources"], 1)
    pdf.set_font(f, "", 9)
    for note in report.notes:
        pdf.para(4.5, pdf_label(note))
        pdf.ln(1)
    sep = label_separator(report.lang)
    for c in report.citations:
        text = f"\u2022 {c.title} ({c.producer}; {words['licence']}{sep}{c.licence}). {c.citation}"
        if c.url:
            text += f" {c.url}"
        pdf.para(4.5, pdf_label(text))
        pdf.ln(0.5)
    return bytes(pdf.output())


def _heading(pdf: _PDF, text: str, level: int, keep: float = 40) -> None:
    """A heading; a new page first unless `keep` mm fit below it."""
    if pdf.get_y() + keep > pdf.h - 20:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(pdf.family, "B", 14 if level == 1 else 11)
    pdf.para(7, pdf_label(text))
    pdf.set_font(pdf.family, "", 10)


def _image_size(png: bytes | None) -> tuple[float, float]:
    """Width and height in mm of a chart on the page: full width, at most 200 mm high."""
    from PIL import Image

    if png is None:
        return 0.0, 0.0
    with Image.open(io.BytesIO(png)) as im:
        w, h = im.size
    width: float = PAGE_WIDTH_MM
    height = width * h / w
    if height > 200:
        height = 200
        width = height * w / h
    return width, height


def _image(pdf: _PDF, png: bytes) -> None:
    width, height = _image_size(png)
    if pdf.get_y() + height > pdf.h - 20:
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=width, h=height)


def _table(pdf: _PDF, table: Table) -> None:
    frame = table.frame
    _heading(pdf, table.title, 2)
    if frame.empty:
        pdf.para(5, translate(pdf.lang, "report_layout.writer.none"))
        return
    rows = [[pdf_label(c) for c in frame.columns]] + [
        [pdf_label("" if v is None else v) for v in row] for row in frame.itertuples(index=False)
    ]
    size, widths = _layout(rows)
    _grid(pdf, rows, widths, size)
    if table.note:
        pdf.para(4, pdf_label(table.note))


# Millimetres per character per point of font size: DejaVu Sans Bold averages about 0.62 em.
_CHAR_MM = 0.24
_PAD_MM = 3.0


def _layout(rows: list[list[str]]) -> tuple[float, tuple[float, ...]]:
    """The largest font size (9 down to 5.5 pt) at which no word has to be split, and widths.

    Each column gets at least its longest word; the rest of the page goes to columns in
    proportion to how much longer their longest cell is (so numbers stay on one line).
    """
    n = len(rows[0])
    word = [max((len(w) for r in rows for w in r[j].split()), default=2) for j in range(n)]
    word = [max(2, w) for w in word]
    body = rows[1:] or rows
    full = [min(45, max(word[j], *(len(r[j]) for r in body))) for j in range(n)]
    size, mins, wants = 9.0, [0.0] * n, [0.0] * n
    for size in (9.0, 8.0, 7.0, 6.5, 6.0, 5.5):
        char = _CHAR_MM * size
        mins = [w * char + _PAD_MM for w in word]
        wants = [f * char + _PAD_MM for f in full]
        if sum(mins) <= PAGE_WIDTH_MM:
            break
    extra = PAGE_WIDTH_MM - sum(mins)
    spare = [w - m for w, m in zip(wants, mins, strict=True)]
    if sum(wants) <= PAGE_WIDTH_MM:
        widths = [w * PAGE_WIDTH_MM / sum(wants) for w in wants]
    elif extra > 0 and sum(spare) > 0:
        widths = [m + s * extra / sum(spare) for m, s in zip(mins, spare, strict=True)]
    else:
        widths = [m * PAGE_WIDTH_MM / sum(mins) for m in mins]
    return size, tuple(widths)


def _grid(pdf: _PDF, rows: list[list[str]], widths: tuple[float, ...], size: float) -> None:
    pdf.set_font(pdf.family, "", size)
    if pdf.align == "R":  # right to left: the first column on the right
        rows, widths = [r[::-1] for r in rows], widths[::-1]
    grid = FastTable(
        pdf,
        col_widths=widths,
        width=sum(widths),
        align="RIGHT" if pdf.align == "R" else "LEFT",
        text_align="RIGHT" if pdf.align == "R" else "LEFT",
        line_height=size * 0.5,
        first_row_as_headings=True,
        markdown=False,
        padding=0.8,
        wrapmode=pdf.wrapmode,
    )
    for values in rows:
        row = grid.row()
        for v in values:
            row.cell(v)
    grid.render()
    pdf.set_font(pdf.family, "", 10)
    pdf.ln(2)
