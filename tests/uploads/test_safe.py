"""Safe output: formulas neutralised in CSV and Excel, labels escaped for HTML, Office and PDF."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from readiness.commands.common import neutralise_formulas as reexported
from readiness.uploads.safe import (
    html_text,
    markdown_text,
    neutralise_formulas,
    office_text,
    pdf_text,
    safe_cell,
    to_excel_bytes,
)

HOSTILE = ['=HYPERLINK("http://x.invalid","click")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_cells_get_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-5", "+3.5", "-1e3", "Kenya", "", 12, None, 3.5])
def test_numbers_and_plain_text_pass(value):
    assert safe_cell(value) == value


def test_neutralise_frame_and_headers():
    frame = pd.DataFrame({"=bad": ["=1+1", "ok"], "n": [1, 2]}).astype({"=bad": "string"})
    out = neutralise_formulas(frame)
    assert out.columns.tolist() == ["'=bad", "n"]
    assert out["'=bad"].tolist() == ["'=1+1", "ok"]
    assert frame.columns.tolist() == ["=bad", "n"]  # input untouched
    assert reexported is neutralise_formulas


def test_html_text():
    assert html_text('<script>alert("x")</script>&') == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"
    )
    assert html_text("a' onmouseover='x") == "a&#x27; onmouseover=&#x27;x"


def test_office_text_removes_xml_illegal_characters():
    assert office_text("A\x00B\x0bC\x1fD\ufffeE\tF\nG") == "ABCDE\tF\nG"
    import docx

    doc = docx.Document()
    doc.add_paragraph(office_text("Côte d'Ivoire \x07<b>&"))
    buffer = io.BytesIO()
    doc.save(buffer)
    assert docx.Document(io.BytesIO(buffer.getvalue())).paragraphs[0].text == "Côte d'Ivoire <b>&"


def test_pdf_text():
    assert pdf_text("Türkiye\x00\x1b[31m") == "Türkiye[31m"
    assert pdf_text("越南 Viet Nam", unicode_font=False) == "?? Viet Nam"


def test_markdown_text():
    assert markdown_text("[click](javascript:alert(1)) **b**") == (
        r"\[click\]\(javascript\:alert\(1\)\) \*\*b\*\*"
    )


def test_excel_writer_never_writes_formulas():
    frame = pd.DataFrame({"label": [*HOSTILE, "Viet Nam\x01"], "v": range(7)})
    book = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(frame)))
    sheet = book.active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    # xlsxwriter stores a carriage return as the escape _x000D_, which openpyxl leaves as is.
    values = [c.value.replace("_x000D_", "\r") for c in cells]
    assert values == ["'" + h for h in HOSTILE] + ["Viet Nam"]
    assert sheet["B8"].value == 6
