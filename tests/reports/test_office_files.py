"""Files people edit: Word headings, contents and numbered captions; PowerPoint layouts, native
charts and the findings in the speaker notes. Each file is opened back and checked."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from PIL import Image
from pptx import Presentation

from readiness.reports.build import Subject, build_report, scoring_context
from readiness.reports.model import Report
from readiness.reports.writers import image_key, write_report
from readiness.reports.writers.pptx_charts import NATIVE


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def reports(snapshot) -> dict[str, Report]:
    ctx = scoring_context(snapshot)
    return {
        "KEN": build_report(snapshot, Subject.economy("KEN"), context=ctx),
        "LDC": build_report(snapshot, Subject.group("LDC"), context=ctx),
    }


def _images(report: Report) -> dict[str, bytes]:
    png = _png()
    return {image_key(s.key, f.key): png for s in report.sections for f in s.figures}


def test_word_has_heading_styles_contents_and_numbered_captions(reports):
    report = reports["KEN"]
    data = write_report(report, "docx", _images(report))
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    for section in report.sections:
        assert section.title in headings
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'TOC \\o "1-3"' in xml
    settings = zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml").decode()
    assert "w:updateFields" in settings
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    figures = [c for c in captions if c.startswith("Figure ")]
    tables = [c for c in captions if c.startswith("Table ")]
    n_figures = len(report.figures())
    assert [c.split(":")[0] for c in figures] == [f"Figure {k}" for k in range(1, n_figures + 1)]
    n_tables = 1 + sum(len(s.tables) for s in report.sections)  # key figures first
    assert [c.split(":")[0] for c in tables] == [f"Table {k}" for k in range(1, n_tables + 1)]
    assert xml.count("SEQ Figure") == len(figures) and xml.count("SEQ Table") == n_tables


def test_word_carries_the_drafted_text_as_paragraphs(reports):
    report = reports["KEN"]
    doc = Document(io.BytesIO(write_report(report, "docx", {})))
    texts = [p.text for p in doc.paragraphs]
    for paragraph in report.section("summary").paragraphs:
        assert paragraph in texts
    for finding in report.section("findings").bullets:
        assert finding in texts


@pytest.mark.parametrize("code", ["KEN", "LDC"])
def test_powerpoint_uses_layouts_native_charts_and_notes(reports, code):
    report = reports[code]
    prs = Presentation(io.BytesIO(write_report(report, "pptx", _images(report))))
    slides = list(prs.slides)
    layouts = {s.slide_layout.name for s in slides}
    assert {"Title Slide", "Title and Content", "Title Only"} <= layouts
    text_slides = [s for s in slides if s.slide_layout.name == "Title and Content"]
    for slide in text_slides:  # the text sits in the layout's body placeholder
        assert any(ph.placeholder_format.idx == 1 and ph.text_frame.text for ph in
                   slide.placeholders)  # fmt: skip
    charts = {s.shapes.title.text: sh.chart for s in slides for sh in s.shapes if sh.has_chart}
    specs = [f for f in report.figures() if f.kind in NATIVE]
    assert len(charts) == len(specs) > 0
    for spec in specs:
        chart = charts[f"{spec.title} (editable chart)"]
        category = NATIVE[spec.kind][0]
        assert set(chart.plots[0].categories) <= set(spec.data[category].astype(str))
    findings = report.section("findings").bullets
    notes = [s.notes_slide.notes_text_frame.text for s in slides]
    carrying = [n for n in notes if all(f in n for f in findings)]
    assert len(carrying) >= 2  # the summary and findings slides
    shown = "\n".join(ph.text_frame.text for s in text_slides for ph in s.placeholders)
    for finding in findings:
        assert finding in shown


def test_native_chart_values_are_the_figure_numbers(reports):
    report = reports["KEN"]
    prs = Presentation(io.BytesIO(write_report(report, "pptx", {})))
    chart = next(sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart)
    spec = report.section("comparison").figures[0]
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    for col in spec.data.columns[1:]:
        assert series[col] == pytest.approx([round(float(v), 4) for v in spec.data[col]])


def test_pdf_carries_the_summary_and_findings(reports):
    from pypdf import PdfReader

    report = reports["KEN"]
    reader = PdfReader(io.BytesIO(write_report(report, "pdf", {})))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Findings" in text
    assert "Individuals using the Internet, 35.0% in 2024, is 65.0 short" in text
    standing = report.section("summary").paragraphs[1]
    assert " ".join(standing.split()[:12]) in text
