"""Reports in the six UN languages: files read back in their script, tagged, and drawn.

Charts are left out here (no chromium needed); their axis titles are checked on the figures.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest

from readiness.i18n import UN_LANGUAGES, mark_ltr_runs, translate
from readiness.reports.build import Subject, build_report, scoring_context
from readiness.reports.writers import write_report
from readiness.reports.writers.pdf import FALLBACKS, FONT_REGULAR

SCRIPTS = {"zh": re.compile(r"[\u4e00-\u9fff]"), "ar": re.compile(r"[\u0600-\u06ff]")}
FONTS_THERE = FONT_REGULAR.exists() and all(p[0].exists() for p in FALLBACKS.values())
needs_fonts = pytest.mark.skipif(not FONTS_THERE, reason="scripts/ensure-chromium.sh fonts")


@pytest.fixture(scope="module")
def context(snapshot):
    return scoring_context(snapshot, None, None)


@pytest.fixture(scope="module")
def reports(snapshot, context):
    return {
        lang: build_report(snapshot, Subject.economy("KEN"), context=context, lang=lang)
        for lang in UN_LANGUAGES
    }


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    # pypdf puts a NUL before each glyph of a CFF (OpenType) CID font such as Noto Sans CJK;
    # poppler's pdftotext reads the same file without them.
    return text.replace("\x00", "")


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def pptx_text(data: bytes) -> str:
    from pptx import Presentation

    lines = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines.append(shape.text_frame.text)
            if shape.has_table:
                lines += [c.text for r in shape.table.rows for c in r.cells]
    return "\n".join(lines)


def test_headings_names_and_labels_are_in_the_language(reports, snapshot):
    names = snapshot.countries.set_index("iso3")
    for lang, report in reports.items():
        assert report.lang == lang
        assert report.title == translate(
            lang, "report_layout.writer.title", name=names.loc["KEN", f"name_{lang}"]
        )
        titles = [s.title for s in report.sections]
        assert translate(lang, "report_layout.phrase.Summary") in titles
    zh = reports["zh"]
    assert SCRIPTS["zh"].search(zh.key_figures[0].label)
    scores = zh.section("scores").tables[0].frame
    assert "组成部分" in scores.columns  # "Component"
    # The numbers are those of the English report, character for character.
    en_scores = reports["en"].section("scores").tables[0].frame
    assert scores.iloc[:, 1].tolist() == en_scores.iloc[:, 1].tolist()


def test_chart_axes_and_labels_are_in_the_language(reports):
    from readiness.figures.report_charts import render

    for lang in ("zh", "ar"):
        specs = [f for f in reports[lang].figures() if f.kind != "map"]
        assert specs
        for spec in specs:
            fig = render(spec)
            assert SCRIPTS[lang].search(fig.layout.xaxis.title.text or ""), (lang, spec.kind)
            assert SCRIPTS[lang].search(fig.layout.title.text or ""), (lang, spec.kind)


@needs_fonts
@pytest.mark.parametrize("lang", ["zh", "ar"])
def test_files_read_back_in_the_script(reports, lang):
    report = reports[lang]
    for fmt, read in (("pdf", pdf_text), ("docx", docx_text), ("pptx", pptx_text)):
        raw = read(write_report(report, fmt, {}))
        text = re.sub(r"https?://\S+", "", raw)  # URLs have ?
        assert len(SCRIPTS[lang].findall(text)) > 200, fmt
        assert "\ufffd" not in text, fmt
        # A "?" stands for a glyph no font has, unless the report has one there (a source's
        # title in the experiences section: "Are we building it the wrong way?").
        own = _question_marks(report)
        flat = re.sub(r"\s+", "", raw)  # a URL the PDF wraps over two lines, read as one
        for url in {c.url for c in report.citations if c.url}:
            flat = flat.replace(url, "")
        assert flat.count("?") <= own, (fmt, text[text.find("?") - 40 : text.find("?") + 10])


def _question_marks(report) -> int:
    """How many "?" the report's own text holds, outside URLs."""
    texts = [report.title, report.subtitle, *report.notes, *report.highlights]
    for s in report.sections:
        texts += [s.title, *s.paragraphs, *s.bullets]
        for table in s.tables:
            texts += [table.title, table.note, *map(str, table.frame.columns)]
            texts += [str(v) for v in table.frame.to_numpy().ravel()]
    texts += [f"{c.title} {c.producer} {c.licence} {c.citation}" for c in report.citations]
    return sum(re.sub(r"https?://\S+", "", text).count("?") for text in texts)


@needs_fonts
def test_pdf_embeds_the_fonts_and_tags_the_language(reports):
    from pypdf import PdfReader

    for lang in ("zh", "ar"):
        reader = PdfReader(io.BytesIO(write_report(reports[lang], "pdf", {})))
        assert str(reader.trailer["/Root"].get("/Lang")) == lang
        fonts = {
            str(f.get_object()["/BaseFont"])
            for page in reader.pages
            for f in page["/Resources"]["/Font"].values()
        }
        wanted = "NotoSansCJK" if lang == "zh" else "NotoSansArabic"
        assert any(wanted in f for f in fonts), fonts


def test_word_sets_language_and_right_to_left(reports):
    for lang, tag in (("ar", "ar-SA"), ("zh", "zh-CN"), ("fr", "fr-FR")):
        with zipfile.ZipFile(io.BytesIO(write_report(reports[lang], "docx", {}))) as z:
            xml = z.read("word/document.xml").decode()
            styles = z.read("word/styles.xml").decode()
        assert f'w:val="{tag}"' in xml and f'w:val="{tag}"' in styles
        assert ("<w:bidi/>" in xml) == (lang == "ar")
        assert ("<w:rtl/>" in xml) == (lang == "ar")


def test_powerpoint_sets_language_and_right_to_left(reports):
    for lang, tag in (("ar", "ar-SA"), ("zh", "zh-CN")):
        with zipfile.ZipFile(io.BytesIO(write_report(reports[lang], "pptx", {}))) as z:
            slides = [z.read(n).decode() for n in z.namelist() if n.startswith("ppt/slides/slide")]
        assert all(f'lang="{tag}"' in s for s in slides)
        assert all(('rtl="1"' in s) == (lang == "ar") for s in slides)


@needs_fonts
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils")
@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_a_rendered_pdf_page_is_not_blank(reports, lang, tmp_path):
    from PIL import Image

    pdf = tmp_path / f"ken-{lang}.pdf"
    pdf.write_bytes(write_report(reports[lang], "pdf", {}))
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("p*.png")
    with Image.open(png) as im:
        grey = im.convert("L")
        inked = sum(1 for v in grey.tobytes() if v < 128)
    assert inked > 0.01 * grey.width * grey.height, f"{lang}: page 1 is nearly blank"


@needs_fonts
@pytest.mark.parametrize("lang", ["fr", "es", "ru"])
def test_files_write_numbers_as_the_language_does(reports, lang):
    """The Kenya index, 51.6 in English, is "51,6" in every file; no English decimal is left
    but the licences' versions and SDG target numbers, which are names."""
    index = reports["en"].key_figures[0].value
    local = reports[lang].key_figures[0].value
    assert local == index.replace(".", ",") != index
    names = re.compile(
        r"(BY|BY-NC-SA|CC0|ODD|ODS|ЦУР|Cible|Meta|Задача|SDG|target|indicator)\s\(?\d\.\d"
    )
    for fmt, read in (("pdf", pdf_text), ("docx", docx_text), ("pptx", pptx_text)):
        text = re.sub(r"https?://\S+", "", read(write_report(reports[lang], fmt, {})))
        assert local in text, fmt
        decimals = [m for m in re.finditer(r"\S{0,12}\s?\d+\.\d+", text) if not names.search(m[0])]
        assert not decimals, (fmt, [m[0] for m in decimals][:5])


def test_chart_numbers_are_written_in_the_language(reports):
    from readiness.figures.report_charts import render

    for lang, mark in (("fr", ","), ("ru", ","), ("zh", "."), ("en", ".")):
        (spec,) = [f for f in reports[lang].figures() if f.kind == "component_bars"]
        fig = render(spec)
        labels = [t for trace in fig.data for t in trace.text if t]
        assert f"51{mark}6" in labels, (lang, labels[:5])
        if lang != "en":
            assert (fig.layout.separators or "")[:1] == mark


@pytest.mark.skipif(shutil.which("chromium") is None, reason="charts need Debian chromium")
def test_cli_writes_a_report_in_the_language_asked(cli, tmp_path):
    out = tmp_path / "kenya-zh.docx"
    done = cli("report", "--country", "KEN", "--format", "docx", "--lang", "zh", "--out", str(out))
    assert done.code == 0, done.err
    assert SCRIPTS["zh"].search(docx_text(out.read_bytes()))
    bad = cli("report", "--country", "KEN", "--format", "docx", "--lang", "xx", "--out", str(out))
    assert bad.code == 2 and "--lang" in bad.err


def test_the_report_map_legend_is_in_the_language(reports):
    from readiness.figures.report_charts import render

    (spec,) = [f for f in reports["ar"].figures() if f.kind == "map"]
    names = [t.name for t in render(spec).data if t.name]
    assert names and all(SCRIPTS["ar"].search(n) for n in names), names


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("الثابت (5 GB)، %", "الثابت (\u200e5 GB)، %"),
        ("(256 kbit/s أو أكثر)", "(\u200e256 kbit/s أو أكثر)"),
        ("CC BY-NC-SA 3.0 IGO", "CC BY-NC-SA 3.0 IGO"),  # left to right already
        ("120 من 194؛ 5G و4G", "120 من 194؛ 5G و4G"),  # no Latin unit after a space
    ],
)
def test_a_number_before_a_latin_unit_gets_a_left_to_right_mark(text, marked):
    assert mark_ltr_runs(text) == marked
    assert mark_ltr_runs(marked) == marked


@needs_fonts
def test_arabic_files_print_5_gb_in_that_order(reports):
    """Without the mark the bidi algorithm printed "(GB 5)"; the mark shows in no file."""
    report = reports["ar"]
    texts = [t for s in report.sections for t in (*s.paragraphs, *s.bullets)]
    assert any("(\u200e5 GB)" in t for t in texts)
    assert "\u200e" not in "".join(s.paragraphs[0] for s in reports["en"].sections if s.paragraphs)
    pdf = pdf_text(write_report(report, "pdf", {}))  # pypdf reads the glyphs as they are drawn
    assert pdf.count("5 GB") >= 5 and "GB 5" not in pdf
    for fmt, read in (("docx", docx_text), ("pptx", pptx_text)):
        text = read(write_report(report, fmt, {}))
        assert "(\u200e5 GB)" in text and "GB 5" not in text, fmt


@pytest.mark.parametrize(("lang", "sep"), [("fr", " : "), ("zh", "："), ("en", ": ")])
def test_captions_and_speaker_notes_use_the_languages_label_separator(reports, lang, sep):
    """French captions read "Tableau 1 : Chiffres clés", Chinese "表 1："; the deck's notes
    name a chart with the language's word for figure, never the English "Chart:"."""
    from docx import Document
    from pptx import Presentation

    report = reports[lang]
    doc = Document(io.BytesIO(write_report(report, "docx", {})))
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    table = translate(lang, "report_text.table")
    key_figures = translate(lang, "report_layout.writer.key_figures")
    assert captions[0] == f"{table} 1{sep}{key_figures}"
    deck = Presentation(io.BytesIO(write_report(report, "pptx", {})))
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in deck.slides)
    figure = translate(lang, "report_text.figure")
    assert f"{figure}{sep}" in notes
    assert "Chart: " not in notes
