"""The PDF writer's fpdf2 speed-ups: cached fonts, linear line widths and one-line text change no
byte of a file; the table measured once draws the same pages."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from fpdf.line_break import CurrentLine, MultiLineBreak
from fpdf.table import Table

from readiness.reports import build
from readiness.reports.writers import pdf, pdf_speed

FIXED = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def reports(snapshot):
    ctx = build.scoring_context(snapshot)
    return [
        build.build_report(snapshot, build.Subject.economy("KEN"), context=ctx, lang=lang)
        for lang in ("en", "ar", "zh", "ru")
    ] + [build.build_report(snapshot, build.Subject.group("LDC"), context=ctx, lang="fr")]


def _fixed_date(monkeypatch) -> None:
    init = pdf._PDF.__init__

    def fixed(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.set_creation_date(FIXED)

    monkeypatch.setattr(pdf._PDF, "__init__", fixed)


def test_same_bytes_as_plain_fpdf2(reports, monkeypatch) -> None:
    if not pdf.FONT_REGULAR.exists():
        pytest.skip("DejaVu Sans is not installed")
    _fixed_date(monkeypatch)
    assert pdf_speed.install_line_widths()
    fast = [pdf.write_pdf(r, {}) for r in reports]
    fast_again = [pdf.write_pdf(r, {}) for r in reports]  # templates reused, not worn out

    def plain_add_font(doc, family, style, path, number=0):
        doc.add_font(family, style, str(path), collection_font_number=number)

    monkeypatch.setattr(pdf, "add_font", plain_add_font)
    monkeypatch.setattr(CurrentLine, "width", pdf_speed._FPDF_WIDTH)
    monkeypatch.setattr(MultiLineBreak, "get_line", pdf_speed._FPDF_GET_LINE)
    plain = [pdf.write_pdf(r, {}) for r in reports]
    for r, a, b, c in zip(reports, fast, fast_again, plain, strict=True):
        assert a == c, f"{r.subject.code} {r.lang}: the patched writer changed the file"
        assert b == c, f"{r.subject.code} {r.lang}: a second file from cached fonts differs"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")
def test_table_measured_once_draws_the_same_pages(reports, monkeypatch, tmp_path: Path) -> None:
    """Only the order of glyphs in the font subsets may differ (fpdf2's dry run picks them)."""
    if not pdf.FONT_REGULAR.exists():
        pytest.skip("DejaVu Sans is not installed")
    _fixed_date(monkeypatch)
    for r in reports[:1] + reports[2:]:  # en, zh, ru, fr; Arabic is shaped: fpdf2's dry run
        fast = pdf.write_pdf(r, {})
        with monkeypatch.context() as m:
            m.setattr(pdf, "FastTable", Table)
            plain = pdf.write_pdf(r, {})
        pages = {}
        for name, data in (("fast", fast), ("plain", plain)):
            (tmp_path / f"{name}.pdf").write_bytes(data)
            prefix = tmp_path / f"{name}-{r.lang}"
            subprocess.run(["pdftoppm", "-r", "40", "-png", str(tmp_path / f"{name}.pdf"),
                            str(prefix)], check=True)  # fmt: skip
            pages[name] = [p.read_bytes() for p in sorted(tmp_path.glob(f"{prefix.name}-*.png"))]
        assert pages["fast"], r.lang
        assert pages["fast"] == pages["plain"], f"{r.subject.code} {r.lang}: pages differ"


def test_line_breaking_same_lines_as_fpdf2(monkeypatch) -> None:
    """The one-fragment line breaking gives fpdf2's lines on awkward text: words longer than the
    cell, runs of spaces, a space where the line is full, close fits, justified text, and
    characters it leaves to fpdf2 (line break, no-break space, soft hyphen, zero-width space)."""
    import random

    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    if not pdf.FONT_REGULAR.exists():
        pytest.skip("DejaVu Sans is not installed")
    assert pdf_speed.install_line_widths()
    rng = random.Random(23)
    words = ["a", "IoT", "readiness", "connectivity", "Kiribati", "2021-2022", "(n/a)",
             "antidisestablishmentarianism-and-more", "0.34", "Ēwe", "Связь"]  # fmt: skip
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))) for _ in range(60)]
    texts += ["a  b   c    d", "trailing   ", "   leading", "x" * 90, "line\nbreak",
              "no\u00a0break space", "soft\u00adhyphen", "zero\u200bwidth space", ""]  # fmt: skip
    widths = (9.0, 11.5, 20.0, 33.3, 47.25, 90.0, 180.0)
    used = []
    fast_line = pdf_speed._fast_line

    def counting(self):
        line = fast_line(self)
        used.append(line is not None)
        return line

    def document() -> bytes:
        doc = FPDF()
        doc.set_creation_date(FIXED)
        pdf_speed.add_font(doc, "DejaVu", "", pdf.FONT_REGULAR)
        doc.add_page()
        for size in (7, 10):
            doc.set_font("DejaVu", "", size)
            for width in widths:
                for align in ("L", "J", "R"):
                    for text in texts:
                        doc.multi_cell(width, 4, text, align=align, new_x=XPos.LMARGIN,
                                       new_y=YPos.NEXT)  # fmt: skip
        return bytes(doc.output())

    monkeypatch.setattr(pdf_speed, "_fast_line", counting)
    fast = document()
    assert sum(used) > 1000 and not all(used)  # both the fast path and fpdf2's own ran
    monkeypatch.setattr(MultiLineBreak, "get_line", pdf_speed._FPDF_GET_LINE)
    assert document() == fast
