"""PowerPoint (.pptx) workshop deck: title, key figures, map, bars, gaps, highlights, sources.

Every slide carries speaker notes with the key figures, so a presenter has the numbers at hand.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

import pandas as pd
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from readiness.i18n import LANGUAGE_TAGS, RTL_LANGUAGES, normal_language, translate
from readiness.reports.model import FigureSpec, Report, Section, Table
from readiness.reports.writers import image_key, label_separator
from readiness.reports.writers import pptx_charts as charts
from readiness.uploads.safe import office_text

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MAX_TABLE_ROWS = 12
TITLE_ONLY, CONTENT = 5, 1  # the default template's layouts: title only, title and content
FINDINGS_PER_SLIDE = 4
# Slides in deck order: ("figure", section key, figure key), ("table", section key, index),
# ("bullets", section key, 0): a section's drafted findings, a few a slide, or ("experiences",
# section key, 0): the factor counts chart beside three of the studies.
DECK: tuple[tuple[str, str, str | int], ...] = (
    ("figure", "map", "map"),
    ("table", "scores", 0),
    ("figure", "comparison", "components"),
    ("figure", "members", "members"),
    ("table", "members", 0),
    ("figure", "spread", "spread"),
    ("figure", "gaps", "gaps"),
    ("table", "gaps", 0),
    ("bullets", "iot", 0),
    ("table", "iot", 0),
    ("table", "iot", 1),
    ("table", "iot", 2),
    ("experiences", "experiences", 0),
    ("table", "priorities", 0),
    ("figure", "strengths", "indicators"),
    ("table", "strengths", 0),
    ("table", "strengths", 1),
)


def write_pptx(report: Report, images: Mapping[str, bytes]) -> bytes:
    """The workshop deck as .pptx bytes (16:9)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = office_text(report.title)
    prs.core_properties.subject = office_text(report.subtitle)
    key_notes = _key_notes(report)

    slide = prs.slides.add_slide(prs.slide_layouts[0])
    for ph in slide.placeholders:  # the template is 4:3; centre its boxes on the 16:9 slide
        ph.left, ph.width = Inches(0.8), WIDTH - Inches(1.6)
    slide.shapes.title.text = office_text(report.title)
    slide.placeholders[1].text = office_text(report.subtitle)
    summary, findings = _drafted(report)
    _notes(slide, [report.title, report.subtitle, *key_notes, *summary])

    slide = _titled(prs, translate(report.lang, "report_layout.writer.key_figures"), CONTENT)
    sep = label_separator(report.lang)
    _bullets(slide, [f"{k.label}{sep}{k.value}" + (f" ({k.note})" if k.note else "")
                     for k in report.key_figures])  # fmt: skip
    _notes(slide, key_notes)
    _text_slides(prs, report, summary, findings, key_notes)

    sections = {s.key: s for s in report.sections}
    figure = translate(report.lang, "report_text.figure")  # the speaker notes name each chart
    for what, section_key, ref in DECK:
        section = sections.get(section_key)
        if section is None:
            continue
        if what == "table":
            if isinstance(ref, int) and ref < len(section.tables):
                _table_slide(prs, section.tables[ref], key_notes)
            continue
        if what == "bullets":
            _bullet_slides(prs, section.title, list(section.bullets), key_notes)
            continue
        if what == "experiences":
            _experiences_slide(prs, report.lang, section, images, key_notes)
            continue
        spec = next((f for f in section.figures if f.key == ref), None)
        chart = f"{figure}{sep}{spec.title}. {spec.caption}" if spec is not None else ""
        png = images.get(image_key(section_key, str(ref)))
        if spec is not None and png is not None:
            _figure_slide(prs, spec, png, [*key_notes, chart])
        if spec is not None and spec.kind in charts.NATIVE:
            title = translate(report.lang, "report_text.editable_chart", title=spec.title)
            charts.chart_slide(_titled(prs, title), spec, WIDTH)
            _notes(prs.slides[-1], [*key_notes, chart])

    slide = _titled(prs, translate(report.lang, "report_layout.writer.highlights"), CONTENT)
    _bullets(slide, list(report.highlights))
    _notes(slide, list(report.highlights))

    slide = _titled(prs, translate(report.lang, "report_layout.writer.sources"), CONTENT)
    lines = [f"{c.title} ({c.licence}). {c.citation}" for c in report.citations]
    _bullets(slide, lines, size=11)
    _notes(slide, [*key_notes, *lines])
    tag_language(prs, report.lang)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _key_notes(report: Report) -> list[str]:
    return [
        f"{k.label}: {k.value}" + (f" ({k.note})" if k.note else "") for k in report.key_figures
    ]


def _titled(prs, title: str, layout: int = TITLE_ONLY):
    """A slide on one of the template's layouts, its title in the title placeholder."""
    slide = prs.slides.add_slide(prs.slide_layouts[layout])
    head = slide.shapes.title
    head.left, head.top, head.width = Inches(0.5), Inches(0.3), WIDTH - Inches(1.0)
    head.text = office_text(title)
    head.text_frame.paragraphs[0].font.size = Pt(30)
    return slide


def _drafted(report: Report) -> tuple[list[str], list[str]]:
    """The report's drafted summary (without the line of groups) and findings."""
    keys = {s.key: s for s in report.sections}
    summary = list(keys["summary"].paragraphs[1:]) if "summary" in keys else []
    findings = list(keys["findings"].bullets) if "findings" in keys else []
    return summary, findings


def _text_slides(
    prs, report: Report, summary: list[str], findings: list[str], key_notes: list[str]
) -> None:
    """The summary, then the findings a few a slide; the notes carry every drafted sentence."""
    notes = [*key_notes, *summary, *findings]
    titles = {s.key: s.title for s in report.sections}
    if summary:
        slide = _titled(prs, titles.get("summary", ""), CONTENT)
        _bullets(slide, summary, size=16)
        _notes(slide, notes)
    for start in range(0, len(findings), FINDINGS_PER_SLIDE):
        slide = _titled(prs, titles.get("findings", ""), CONTENT)
        _bullets(slide, findings[start : start + FINDINGS_PER_SLIDE], size=15)
        _notes(slide, notes)


def _bullet_slides(prs, title: str, lines: list[str], key_notes: list[str]) -> None:
    """A section's drafted findings, a few a slide; the notes carry them all."""
    for start in range(0, len(lines), FINDINGS_PER_SLIDE):
        slide = _titled(prs, title, CONTENT)
        _bullets(slide, lines[start : start + FINDINGS_PER_SLIDE], size=15)
        _notes(slide, [*key_notes, *lines])


def _bullets(slide, lines: Iterable[str], size: int = 18) -> None:
    """Lines as bullets in the layout's body placeholder (a text box on a title-only slide)."""
    body = next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)
    if body is not None:
        body.left, body.top = Inches(0.7), Inches(1.5)
        body.width, body.height = WIDTH - Inches(1.4), Inches(5.6)
        frame = body.text_frame
        frame.word_wrap = True
        for k, line in enumerate(lines):
            p = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            p.text = office_text(line)
            p.font.size = Pt(size)
        return
    box = slide.shapes.add_textbox(Inches(0.7), Inches(1.6), Inches(12), Inches(5.5))
    frame = box.text_frame
    frame.word_wrap = True
    for k, line in enumerate(lines):
        p = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        p.text = office_text("\u2022 " + line)
        p.font.size = Pt(size)


def _notes(slide, lines: Iterable[str]) -> None:
    slide.notes_slide.notes_text_frame.text = office_text("\n".join(lines))


def _figure_slide(prs, spec: FigureSpec, png: bytes, notes: list[str]) -> None:
    from PIL import Image

    slide = _titled(prs, spec.title)
    with Image.open(io.BytesIO(png)) as im:
        w, h = im.size
    max_w, max_h = Inches(12.3), Inches(5.6)
    scale = min(max_w / w, max_h / h)
    width, height = Emu(int(w * scale)), Emu(int(h * scale))
    left = Emu(int((WIDTH - width) / 2))
    slide.shapes.add_picture(io.BytesIO(png), left, Inches(1.5), width=width, height=height)
    cap = slide.shapes.add_textbox(Inches(0.6), Inches(7.05), Inches(12), Inches(0.4))
    cap.text_frame.text = office_text(spec.caption)
    cap.text_frame.paragraphs[0].font.size = Pt(10)
    _notes(slide, notes)


def _experiences_slide(
    prs, lang: str, section: Section, images: Mapping[str, bytes], notes: list[str]
) -> None:
    """One slide: the factor counts chart (left) beside three of the studies (right); without a
    chart, the section's findings. The notes carry the findings and the studies' lines."""
    from PIL import Image

    from readiness.reports.experiences import FIGURE_KEY, deck_lines

    studies = deck_lines(section)
    slide = _titled(prs, section.title)
    png = images.get(image_key(section.key, FIGURE_KEY))
    left = Inches(0.5)
    if png is not None:
        with Image.open(io.BytesIO(png)) as im:
            w, h = im.size
        scale = min(Inches(7.2) / w, Inches(5.7) / h)
        slide.shapes.add_picture(io.BytesIO(png), left, Inches(1.4),
                                 width=Emu(int(w * scale)), height=Emu(int(h * scale)))  # fmt: skip
        left = Inches(7.9)
    box = slide.shapes.add_textbox(left, Inches(1.5), WIDTH - left - Inches(0.5), Inches(5.6))
    frame = box.text_frame
    frame.word_wrap = True
    lines = studies or [*section.paragraphs[-1:], *section.bullets[:3]]  # none: say so
    head = translate(lang, "report_experiences.deck.studies") if studies else ""
    for k, line in enumerate([head, *lines] if head else lines):
        p = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        p.text = office_text(line if (head and k == 0) else "\u2022 " + line)
        p.font.size = Pt(14 if head and k == 0 else 12)
        p.font.bold = bool(head and k == 0)
    _notes(slide, [*notes, *section.bullets, *studies])


def _table_slide(prs, table: Table, notes: list[str]) -> None:
    frame = table.frame
    if frame.empty:
        return
    for start in range(0, len(frame), MAX_TABLE_ROWS):
        part = frame.iloc[start : start + MAX_TABLE_ROWS]
        title = table.title + (" (continued)" if start else "")
        slide = _titled(prs, title)
        _add_table(slide, part)
        _notes(slide, [*notes, *_rows_as_text(part)])


def _add_table(slide, frame: pd.DataFrame) -> None:
    rows, cols = len(frame) + 1, len(frame.columns)
    shape = slide.shapes.add_table(
        rows, cols, Inches(0.5), Inches(1.5), Inches(12.3), Inches(0.4) * rows
    )
    grid = shape.table
    size = Pt(12 if cols <= 5 else 10 if cols <= 8 else 8)
    for j, name in enumerate(frame.columns):
        _cell(grid.cell(0, j), name, size)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            _cell(grid.cell(i, j), value, size)


def _cell(cell, value: object, size) -> None:
    cell.text = office_text("" if value is None else value)
    for p in cell.text_frame.paragraphs:
        p.font.size = size


def _rows_as_text(frame: pd.DataFrame) -> list[str]:
    return [
        "; ".join(f"{c}: {v}" for c, v in zip(frame.columns, row, strict=True) if str(v))
        for row in frame.itertuples(index=False)
    ]


def tag_language(prs, lang: str) -> None:
    """`lang` on every run (and paragraph end) of the slides and their notes; for Arabic,
    right-to-left paragraphs (`rtl="1"`, aligned right) as PowerPoint writes them."""
    lang = normal_language(lang)
    tag = LANGUAGE_TAGS[lang]
    rtl = lang in RTL_LANGUAGES
    parts = [s.element for s in prs.slides]
    parts += [s.notes_slide.element for s in prs.slides if s.has_notes_slide]
    for part in parts:
        for para in part.iter(qn("a:p")):
            if rtl:
                ppr = para.get_or_add_pPr()
                ppr.set("rtl", "1")
                ppr.set("algn", "r")
            for run in para.iter(qn("a:r")):
                run.get_or_add_rPr().set("lang", tag)
            end = para.find(qn("a:endParaRPr"))
            if end is not None:
                end.set("lang", tag)
