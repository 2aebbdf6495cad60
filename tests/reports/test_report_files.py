"""Report files read back: Word, PowerPoint and PDF show the CLI's numbers; PDF pages are drawn;
labels cannot inject markup. Every file is built once per module, sharing one chromium."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from docx import Document
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from readiness.reports.build import Subject, build_report, scoring_context
from readiness.reports.model import (
    MC_SAMPLES,
    MC_SEED,
    format_interval,
    format_rank,
    format_score,
)
from readiness.reports.writers import figure_images, write_report

PILLARS = ("CONN", "BBAF", "POLICY", "ENABLE", "IOT")
needs_chromium = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None,
    reason="chart images need Debian chromium (make browser)",
)


@pytest.fixture(scope="module")
def cli_scores(cli) -> pd.DataFrame:
    run = cli("scores", "--format", "csv", "--uncertainty", str(MC_SAMPLES), "--seed", str(MC_SEED))
    assert run.code == 0, run.err
    return pd.read_csv(io.StringIO(run.out)).set_index("iso3")


@pytest.fixture(scope="module")
def built(snapshot):
    """{(subject, format): bytes} and the reports, charts rendered once under one chromium."""
    from readiness.reports.export import image_server

    if not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None:
        pytest.skip("chart images need Debian chromium (make browser)")
    ctx = scoring_context(snapshot)
    reports = {
        "KEN": build_report(snapshot, Subject.economy("KEN"), context=ctx),
        "LDC": build_report(snapshot, Subject.group("LDC"), context=ctx),
    }
    files = {}
    with image_server():
        for code, report in reports.items():
            images = figure_images(report)
            for fmt in ("docx", "pdf", "pptx"):
                files[code, fmt] = write_report(report, fmt, images)
    return reports, files


def _cli_row(cli_scores: pd.DataFrame, iso3: str) -> list[str]:
    row = cli_scores.loc[iso3]
    return [format_score(row["index"]), *(format_score(row[p]) for p in PILLARS)]


def _docx_tables(data: bytes) -> list[pd.DataFrame]:
    doc = Document(io.BytesIO(data))
    out = []
    for table in doc.tables:
        cells = [[c.text for c in row.cells] for row in table.rows]
        out.append(pd.DataFrame(cells[1:], columns=cells[0]))
    return out


def _find(tables: list[pd.DataFrame], first_column: str, has: str) -> pd.DataFrame:
    for t in tables:
        if t.columns[0] == first_column and has in t.columns:
            return t
    raise AssertionError(f"no table with {first_column!r} and {has!r}")


# --- Word ---------------------------------------------------------------------------------------
def test_docx_economy_numbers_equal_the_cli(built, cli_scores):
    _, files = built
    tables = _docx_tables(files["KEN", "docx"])
    scores = _find(tables, "Component", "Rank interval (5-95%)")
    row = cli_scores.loc["KEN"]
    assert scores["Score"].tolist() == _cli_row(cli_scores, "KEN")
    assert scores.loc[0, "Rank"] == format_rank(row["rank"])
    assert scores.loc[0, "Rank interval (5-95%)"] == format_interval(
        row["rank_p05"], row["rank_p95"]
    )
    pillar_ranks = [format_rank(r) for r in _pillar_ranks(cli_scores, "KEN")]
    assert scores["Rank"].tolist()[1:] == pillar_ranks
    key = _find(tables, "Key figure", "Value").set_index("Key figure")
    assert key.loc["Readiness index", "Value"] == format_score(row["index"])


def _pillar_ranks(cli_scores: pd.DataFrame, iso3: str) -> list[float]:
    """Pillar ranks recomputed from the CLI's pillar scores (1 = best, ties share)."""
    out = []
    for p in PILLARS:
        col = cli_scores[p]
        out.append(float((col > col[iso3]).sum() + 1))
    return out


def test_docx_group_members_equal_the_cli(built, cli_scores):
    _, files = built
    members = _find(_docx_tables(files["LDC", "docx"]), "ISO3", "Rank interval (5-95%)")
    assert len(members) == 44
    for row in members.to_dict("records"):
        cli = cli_scores.loc[row["ISO3"]]
        pillars = list(row.values())[3 : 3 + len(PILLARS)]
        assert [row["Index"], *pillars] == _cli_row(cli_scores, row["ISO3"])
        assert row["Rank"] == format_rank(cli["rank"])
        assert row["Rank interval (5-95%)"] == format_interval(cli["rank_p05"], cli["rank_p95"])
        assert row["Tier"] == cli["tier"]


def test_docx_has_every_chart_and_the_citations(built):
    reports, files = built
    for code in ("KEN", "LDC"):
        doc = Document(io.BytesIO(files[code, "docx"]))
        pictures = [s for s in doc.inline_shapes]
        assert len(pictures) == len(reports[code].figures())
        text = "\n".join(p.text for p in doc.paragraphs)
        assert "Sources, licences and citations" in text
        assert "CC BY-NC-SA 3.0 IGO" in text
        assert "imply no opinion on the legal status" in text


# --- PowerPoint ---------------------------------------------------------------------------------
def _slides(data: bytes) -> list[tuple[str, list[str], str, int]]:
    """(title, texts, notes, pictures) per slide."""
    prs = Presentation(io.BytesIO(data))
    out = []
    for slide in prs.slides:
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        texts, pictures = [], 0
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.shape_type == 13:  # picture
                pictures += 1
            if shape.has_table:
                for r in shape.table.rows:
                    texts.append("\t".join(c.text for c in r.cells))
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        out.append((title, texts, notes, pictures))
    return out


def test_pptx_deck_structure_and_notes(built, cli_scores):
    reports, files = built
    slides = _slides(files["KEN", "pptx"])
    titles = [s[0] for s in slides]
    assert titles[0] == reports["KEN"].title
    assert "Key figures" in titles and titles[-1] == "Sources, licences and citations"
    assert "Highlights" in titles
    index = format_score(cli_scores.loc["KEN", "index"])
    for title, _, notes, _ in slides:
        assert f"Readiness index: {index}" in notes, title  # every slide: key figures in notes
    assert sum(s[3] for s in slides) == len(reports["KEN"].figures())
    map_slide = next(s for s in slides if "readiness index" in s[0] and s[3])
    assert map_slide[3] == 1


def test_pptx_tables_equal_the_cli(built, cli_scores):
    _, files = built
    slides = _slides(files["KEN", "pptx"])
    scores = next(s for s in slides if s[0] == "Scores, ranks and tiers")
    rows = [t.split("\t") for t in scores[1] if "\t" in t]
    assert rows[0][:2] == ["Component", "Score"]
    assert [r[1] for r in rows[1:]] == _cli_row(cli_scores, "KEN")
    group = _slides(files["LDC", "pptx"])
    member_rows = [
        t.split("\t")
        for s in group
        if s[0].startswith("Members' scores")
        for t in s[1]
        if "\t" in t and not t.startswith("ISO3")
    ]
    assert len(member_rows) == 44  # split over several slides, none lost
    for r in member_rows:
        assert [r[2], *r[3 : 3 + len(PILLARS)]] == _cli_row(cli_scores, r[0])


# --- PDF ----------------------------------------------------------------------------------------
def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_text_shows_the_cli_numbers(built, cli_scores):
    _, files = built
    text = _pdf_text(files["KEN", "pdf"])
    row = cli_scores.loc["KEN"]
    n = int(cli_scores["rank"].notna().sum())
    interval = format_interval(row["rank_p05"], row["rank_p95"])
    assert f"Readiness index {format_score(row['index'])} 0-100" in text
    assert f"Rank {format_rank(row['rank'])} of {n}" in text
    assert (
        f"Index {format_score(row['index'])} {format_rank(row['rank'])} {n} {interval} "
        f"{row['tier']}" in text
    )
    # Cells that wrap break extracted lines: compare with whitespace collapsed.
    flat = " ".join(_pdf_text(files["LDC", "pdf"]).split())
    for iso3 in _ldc(built):
        want = cli_scores.loc[iso3]
        row = " ".join(
            [
                iso3,
                str(want["name"]),
                *_cli_row(cli_scores, iso3),
                format_rank(want["rank"]),
                format_interval(want["rank_p05"], want["rank_p95"]),
                str(want["tier"]),
            ]
        )
        assert row in flat, row


def _ldc(built) -> list[str]:
    reports, _ = built
    return reports["LDC"].section("members").tables[0].frame["ISO3"].tolist()


def test_pdf_pages_render_and_are_not_blank(built, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is needed to render PDF pages")
    _, files = built
    for code in ("KEN", "LDC"):
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(files[code, "pdf"])
        subprocess.run(
            ["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / code)], check=True
        )
        pages = sorted(tmp_path.glob(f"{code}-*.png"))
        assert len(pages) == len(PdfReader(io.BytesIO(files[code, "pdf"])).pages) >= 3
        colourful = 0
        for page in pages:
            pixels = np.asarray(Image.open(page).convert("RGB"), dtype=float)
            assert pixels.std() > 3, f"{page.name} looks blank"
            assert (pixels.mean(axis=2) < 128).mean() > 0.0003, f"{page.name} has no text"
            spread = pixels.max(axis=2) - pixels.min(axis=2)
            colourful += int((spread > 60).mean() > 0.01)
        assert colourful >= 2, f"{code}: charts should put colour on at least two pages"


# --- labels cannot inject markup ----------------------------------------------------------------
EVIL = '<script>alert("x")</script> & <b>=HYPERLINK("http://e.vil")</b>\x07\x1b Kenya'
CLEAN = '<script>alert("x")</script> & <b>=HYPERLINK("http://e.vil")</b> Kenya'


@pytest.fixture(scope="module")
def evil_report(snapshot):
    countries = snapshot.countries.copy()
    countries.loc[countries["iso3"] == "KEN", "name_en"] = EVIL
    snap = replace(snapshot, countries=countries)
    return build_report(snap, Subject.economy("KEN"))


def test_injected_label_is_literal_in_word(evil_report):
    data = write_report(evil_report, "docx", {})
    doc = Document(io.BytesIO(data))
    assert doc.paragraphs[0].text == f"{CLEAN}: IoT and smart-city readiness"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "<script>" not in xml and "<b>" not in xml
    assert "&lt;script&gt;" in xml and "&amp; &lt;b&gt;=HYPERLINK" in xml
    assert "\x07" not in xml and "\x1b" not in xml


def test_injected_label_is_literal_in_powerpoint(evil_report):
    data = write_report(evil_report, "pptx", {})
    slides = _slides(data)
    assert slides[0][0] == f"{CLEAN}: IoT and smart-city readiness"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("ppt/slides/slide1.xml").decode("utf-8")
    assert "<script>" not in xml and "&lt;script&gt;" in xml and "\x07" not in xml


def test_injected_label_is_literal_in_pdf(evil_report):
    data = write_report(evil_report, "pdf", {})
    text = _pdf_text(data)
    assert '<script>alert("x")</script> &' in text
    assert '<b>=HYPERLINK("http://e.vil")</b>' in text
    assert "\x07" not in text and "\x1b" not in text


def test_injected_label_is_escaped_in_chart_titles(evil_report):
    from readiness.figures.report_charts import render

    for spec in evil_report.figures():
        fig = render(spec)
        title = fig.layout.title.text or ""
        assert "<script>" not in title and "<b>" not in title
        traces = [str(getattr(t, "y", "")) + str(getattr(t, "name", "")) for t in fig.data]
        assert not any("<script>" in t for t in traces)
    comparison = next(f for f in evil_report.figures() if f.kind == "component_bars")
    assert any("&lt;script&gt;" in (t.name or "") for t in render(comparison).data)


def test_missing_glyphs_become_question_marks():
    from readiness.reports.writers.pdf import FONT_REGULAR, pdf_label

    if not FONT_REGULAR.exists():
        pytest.skip("DejaVu Sans is not installed (fonts-dejavu-core)")
    assert pdf_label("Côte d’Ivoire Türkiye") == "Côte d’Ivoire Türkiye"
    assert pdf_label("中国 Россия مصر") == "中国 Россия مصر"  # Noto fallbacks (Debian fonts-noto-*)
    assert pdf_label("\U00013000 Egypt") == "? Egypt"  # a hieroglyph: no font has it


@needs_chromium
def test_a_chart_drawn_for_one_member_is_not_built_again_for_the_next(snapshot):
    """A batch builds each report's figures with the report (build_charts) and draws them
    apart (draw_charts): a chart the previous member drew (their region's study counts) is
    taken as drawn, not built and drawn again."""
    from readiness.reports.export import image_server
    from readiness.reports.writers import build_charts, draw_charts

    ctx = scoring_context(snapshot)
    first, second = (
        build_report(snapshot, Subject.economy(m), context=ctx) for m in ("BDI", "RWA")
    )
    assert not build_charts(first).kept  # no server open: nothing is kept
    with image_server():
        charts = build_charts(first)
        assert not charts.kept and len(charts.todo) == len(charts.keys)
        drawn = draw_charts(charts)
        again = build_charts(second)
        assert again.kept, "the region's chart is kept from the first member"
        for key, png in again.kept.items():
            assert png == drawn[key]
        assert len(again.todo) == len(again.keys) - len(again.kept)
        images = draw_charts(again)
    assert list(images) == list(again.keys)
    assert all(png.startswith(b"\x89PNG") for png in images.values())
