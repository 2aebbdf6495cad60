"""Word (.docx) writer: headings, key figures, tables, charts with captions, citations."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from readiness.i18n import LANGUAGE_TAGS, RTL_LANGUAGES, normal_language, translate
from readiness.reports.model import Report, Table
from readiness.reports.writers import image_key, label_separator
from readiness.uploads.safe import office_text

TABLE_STYLE = "Light Grid Accent 1"
WORDS = ("key_figures", "key_figure", "value", "note", "sources", "licence", "none")
IMAGE_WIDTH = Cm(16)
NUMBERED = ("contents", "toc_hint", "figure", "table")  # report_text words of the numbering


def write_docx(report: Report, images: Mapping[str, bytes]) -> bytes:
    """The report as Word document bytes."""
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.left_margin = sec.right_margin = Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    core = doc.core_properties
    core.title = office_text(report.title)
    core.subject = office_text(report.subtitle)
    core.author = "IoT and SSCC readiness dashboard"

    doc.add_heading(office_text(report.title), level=0)
    doc.add_paragraph(office_text(report.subtitle))
    word = {k: translate(report.lang, f"report_layout.writer.{k}") for k in WORDS}
    word.update({k: translate(report.lang, f"report_text.{k}") for k in NUMBERED})
    sep = label_separator(report.lang)
    contents(doc, word["contents"], word["toc_hint"])
    numbers: dict[str, int] = {}
    key = pd.DataFrame(
        {
            word["key_figure"]: [k.label for k in report.key_figures],
            word["value"]: [k.value for k in report.key_figures],
            word["note"]: [k.note for k in report.key_figures],
        }
    )
    _table(doc, Table(word["key_figures"], key), numbers, word["none"], word["table"], sep)
    for section in report.sections:
        doc.add_heading(office_text(section.title), level=1)
        for text in section.paragraphs:
            doc.add_paragraph(office_text(text))
        for text in section.bullets:
            doc.add_paragraph(office_text(text), style="List Bullet")
        for spec in section.figures:
            png = images.get(image_key(section.key, spec.key))
            if png is None:
                continue
            doc.add_picture(io.BytesIO(png), width=IMAGE_WIDTH)
            text = f"{spec.title}. {spec.caption}"
            caption(doc, (word["figure"], "Figure"), text, numbers, sep)
        for table in section.tables:
            _table(doc, table, numbers, word["none"], word["table"], sep)
    doc.add_heading(word["sources"], level=1)
    for c in report.citations:
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(office_text(c.title)).bold = True
        p.add_run(office_text(f" ({c.producer}; {word['licence']}{sep}{c.licence}). {c.citation}"))
        if c.url:
            p.add_run(office_text(f" {c.url}"))
    for note in report.notes:
        doc.add_paragraph().add_run(office_text(note)).italic = True
    tag_language(doc, report.lang)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _table(
    doc,
    table: Table,
    numbers: dict[str, int],
    none: str = "None.",
    label: str = "Table",
    sep: str = ": ",
) -> None:
    frame = table.frame
    caption(doc, (label, "Table"), table.title, numbers, sep)
    if frame.empty:
        doc.add_paragraph(none)
        return
    t = doc.add_table(rows=1, cols=len(frame.columns))
    t.style = doc.styles[TABLE_STYLE]
    small = len(frame.columns) > 6
    for cell, name in zip(t.rows[0].cells, frame.columns, strict=True):
        cell.text = office_text(name)
        _size(cell, small)
    for row in frame.itertuples(index=False):
        cells = t.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = office_text("" if value is None else value)
            _size(cell, small)
    if table.note:
        doc.add_paragraph(office_text(table.note))
    doc.add_paragraph()


def contents(doc, title: str, hint: str) -> None:
    """A table of contents field (headings 1-3) that Word fills when it opens the file."""
    doc.add_heading(office_text(title), level=1)
    para = doc.add_paragraph()
    _field(para, 'TOC \\o "1-3" \\h \\z \\u', office_text(hint))
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def caption(
    doc, kind: tuple[str, str], text: str, numbers: dict[str, int], sep: str = ": "
) -> None:
    """A numbered caption, "Figure 3: ...", with a SEQ field so Word renumbers and lists it.

    `kind` is (the word shown, the field's sequence name); `numbers` counts per sequence; `sep`
    is the language's label separator (" : " in French).
    """
    label, sequence = kind
    numbers[sequence] = numbers.get(sequence, 0) + 1
    para = doc.add_paragraph(style="Caption")
    para.add_run(office_text(f"{label} "))
    _field(para, f"SEQ {sequence} \\* ARABIC", str(numbers[sequence]))
    para.add_run(office_text(f"{sep}{text}"))


def _field(para, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, result shown until updated, end)."""

    def char(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    run = para.add_run()
    run._r.append(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    para.add_run()._r.append(instr)
    para.add_run()._r.append(char("separate"))
    para.add_run(shown)
    para.add_run()._r.append(char("end"))


def _size(cell, small: bool) -> None:
    if not small:
        return
    for p in cell.paragraphs:
        for run in p.runs:
            run.font.size = Pt(7.5)


# What follows each element in its parent, in the schema's order (Word rejects another order).
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_RTL = ("w:cs", "w:em", "w:lang", *_AFTER_LANG)
_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
_AFTER_BIDI_VISUAL = (
    "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing",
    "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
    "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip


def _lang_element(tag: str) -> Any:
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), LANGUAGE_TAGS["zh"] if tag.startswith("zh") else "en-GB")
    lang.set(qn("w:bidi"), tag if tag.startswith("ar") else LANGUAGE_TAGS["ar"])
    return lang


def tag_language(doc, lang: str) -> None:
    """w:lang on the default style and every run; for Arabic, right-to-left paragraphs (w:bidi),
    runs (w:rtl) and tables (w:bidiVisual), so Word lays the document out from the right."""
    lang = normal_language(lang)
    tag = LANGUAGE_TAGS[lang]
    rtl = lang in RTL_LANGUAGES
    doc.styles["Normal"].element.get_or_add_rPr().insert_element_before(
        _lang_element(tag), *_AFTER_LANG
    )
    body = doc.element.body
    for run in body.iter(qn("w:r")):
        rpr = run.get_or_add_rPr()
        if rtl:
            rpr.insert_element_before(OxmlElement("w:rtl"), *_AFTER_RTL)
        rpr.insert_element_before(_lang_element(tag), *_AFTER_LANG)
    if not rtl:
        return
    for para in body.iter(qn("w:p")):
        para.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
    for tbl in body.iter(qn("w:tbl")):
        tbl.tblPr.insert_element_before(OxmlElement("w:bidiVisual"), *_AFTER_BIDI_VISUAL)
