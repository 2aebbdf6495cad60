"""Word (.docx) writer: headings, key figures, tables, charts with captions, citations."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt

from readiness.reports.model import Report, Table
from readiness.reports.writers import image_key
from readiness.uploads.safe import office_text

TABLE_STYLE = "Light Grid Accent 1"
IMAGE_WIDTH = Cm(16)


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
    key = pd.DataFrame(
        {
            "Key figure": [k.label for k in report.key_figures],
            "Value": [k.value for k in report.key_figures],
            "Note": [k.note for k in report.key_figures],
        }
    )
    _table(doc, Table("Key figures", key))
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
            cap = doc.add_paragraph(office_text(f"{spec.title}. {spec.caption}"))
            cap.style = doc.styles["Caption"]
        for table in section.tables:
            _table(doc, table)
    doc.add_heading("Sources, licences and citations", level=1)
    for c in report.citations:
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(office_text(c.title)).bold = True
        p.add_run(office_text(f" ({c.producer}; licence: {c.licence}). {c.citation}"))
        if c.url:
            p.add_run(office_text(f" {c.url}"))
    for note in report.notes:
        doc.add_paragraph().add_run(office_text(note)).italic = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _table(doc, table: Table) -> None:
    frame = table.frame
    doc.add_paragraph(office_text(table.title), style="Heading 3")
    if frame.empty:
        doc.add_paragraph("None.")
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


def _size(cell, small: bool) -> None:
    if not small:
        return
    for p in cell.paragraphs:
        for run in p.runs:
            run.font.size = Pt(7.5)
