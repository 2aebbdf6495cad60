"""Hostile text in the questionnaire: stored as text, shown only as text, exported safe, and
refused with a message when it is longer than the limits.

The editors' queue is where a submission's text is first shown; there it must sit in text or
table elements only, never in markdown, captions, alerts, headings or widget labels, where
Streamlit would render markdown (and a link or an image would become live).
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pandas as pd

from readiness.experiences.exports import export_studies
from readiness.i18n import translate
from tests.app.experiences_support import (
    KEY,
    VALID,
    counts,
    db,
    fill,
    open_page,
    send,
    submit_valid,
)
from tests.app.store_support import sign_in, widgets

__all__ = ["db"]  # the fixture
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
BOLD = "**bold**"
LINK = "[x](javascript:alert(1))"
FORMULA = '=HYPERLINK("http://evil","x")'
RTL = "\u202egnp.exe"  # a right-to-left override: "exe.png" read backwards
PAYLOADS = (SCRIPT, IMG, BOLD, LINK, FORMULA)
HOSTILE: dict[str, Any] = {
    "city_or_region": SCRIPT,
    "technology": IMG,
    "summary": "\n".join((*PAYLOADS, RTL)),
    "outcomes": f"{BOLD} {LINK}",
    "source_title": FORMULA,
    "source_publisher": LINK,
    "enabling_words": {"payments": IMG, "partnerships": FORMULA},
    "limiting_words": {"power": SCRIPT},
}


def _markdown_elements(at) -> list[str]:
    """Every shown text that Streamlit renders as markdown, and every widget label."""
    kinds = ("markdown", "caption", "success", "error", "warning", "info", "title", "header",
             "subheader", "toast")  # fmt: skip
    values = [str(e.value) for kind in kinds for e in at.get(kind)]
    values += [e.proto.label for e in at.get("expander")]
    values += [label for _, _, label in widgets(at._tree)]
    values += [str(o) for s in at.selectbox for o in s.options]
    return values


def _clear_of_payloads(at) -> None:
    for shown in _markdown_elements(at):
        for payload in (*PAYLOADS, RTL, "\u202e", "javascript:", "onerror"):
            assert payload not in shown, (payload, shown)


def test_hostile_text_is_stored_and_shown_as_text_and_exported_safe(db, editors):
    participant = submit_valid(open_page(), **HOSTILE)
    assert next(s.value for s in participant.success).startswith("Received, reference SUB-000001")
    _clear_of_payloads(participant)
    editor = sign_in(open_page())
    # The whole submission, as typed (but the bidi override, which the questionnaire drops).
    texts = [x.value for x in editor.text]
    assert f"City or region: {SCRIPT}" in texts and f"Technology: {IMG}" in texts
    assert f"What the project does: {chr(10).join(PAYLOADS)}\ngnp.exe" in texts
    assert f"Title of the source: {FORMULA}" in texts and f"Publisher: {LINK}" in texts
    coded = next(d.value for d in editor.dataframe if "Submitter's own words" in d.value.columns)
    assert sorted(coded["Submitter's own words"]) == sorted([IMG, FORMULA, SCRIPT])
    _clear_of_payloads(editor)
    next(b for b in editor.button if b.label == "Publish").click().run()
    assert not editor.exception
    _clear_of_payloads(editor)
    from dashboard.cities.store import store

    cases = store().cases
    stored = cases.get("SUB-000001")
    assert stored["status"] == "published" and stored["city_or_region"] == SCRIPT
    assert stored["summary"] == "\n".join((*PAYLOADS, "gnp.exe"))
    assert stored["source_title"] == FORMULA and stored["outcomes"] == f"{BOLD} {LINK}"
    # The exports of published studies: no cell a spreadsheet would run as a formula.
    studies, factors = cases.studies(), cases.factors()
    book = openpyxl.load_workbook(io.BytesIO(export_studies(studies, factors, "xlsx")))
    sheet = book["studies"]
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert f"'{FORMULA}" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    table = pd.read_csv(io.BytesIO(export_studies(studies, factors, "csv")), dtype=str)
    mine = table[table.iloc[:, 0] == "SUB-000001"].iloc[0]
    assert f"'{FORMULA}" in mine.tolist()
    assert not [v for v in mine.dropna() if str(v).startswith(("=", "+", "@"))]


def test_text_over_the_limits_is_refused_with_a_message(db):
    at = open_page()
    before = counts(db)
    ten_kb = (SCRIPT * 410)[:10_240]  # 10 kB
    fill(at, **{**VALID, "summary": ten_kb, "city_or_region": ten_kb,
                "enabling_words": {"payments": ten_kb}})  # fmt: skip
    send(at)
    assert [e.value for e in at.error] == [translate("en", "experiences_submit.problems", n=3)]
    assert sorted(x.value.removeprefix("• ") for x in at.text) == sorted([
        "What the project does: 10240 characters; at most 2000 are allowed.",
        "City or region: 10240 characters; at most 200 are allowed.",
        "Enabling factors in your own words (optional): the words for one factor have at most "
        "200 characters.",
    ])  # fmt: skip
    assert not at.success and counts(db) == before
    _clear_of_payloads(at)
    # Cut to the limits, the same text is received.
    fill(at, summary=ten_kb[:2000], city_or_region=ten_kb[:200],
         enabling_words={"payments": ten_kb[:200]})  # fmt: skip
    send(at)
    assert next(s.value for s in at.success).startswith("Received, reference SUB-000001")
    assert counts(db)["case_studies"] == before["case_studies"] + 1
    assert at.text_area(key=f"{KEY}summary").value == ""
