"""Exports: citations in every format, the licence note, formulas neutralised, UTF-8 JSON."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from readiness.errors import ReadinessError
from readiness.experiences.exports import LICENCE_NOTE, citation, export_poll, export_studies
from readiness.experiences.vocabulary import FACTORS


def test_citation_text(library):
    row = library.set_index("case_id").loc["CS004"]
    text = citation(row)
    assert text.startswith("Smart meters are helping to track water on the internet.")
    assert "Safaricom (newsroom), 2020" in text and text.endswith("(company news)")
    assert citation({"source_title": "T"}) == "T"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_every_format_carries_citations(library, coding, fmt):
    data = export_studies(library, coding, fmt)
    if fmt == "csv":
        table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    elif fmt == "xlsx":
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str)
        table = sheets["studies"].fillna("")
        assert LICENCE_NOTE in sheets["notes"]["text"].tolist()
    else:
        doc = json.loads(data.decode("utf-8"))
        assert doc["licence"] == LICENCE_NOTE
        table = pd.DataFrame(doc["studies"])
    assert len(table) == 50
    assert table["citation"].str.len().gt(0).all()
    for column in ("source_title", "source_publisher", "source_year", "source_url", "source_type"):
        assert column in table.columns
    kenya = table.set_index("case_id").loc["CS011"]
    assert kenya["enabling_factors"] == "payments;partnerships;operations"


def test_json_is_utf8_not_escaped(library, coding):
    data = export_studies(library, coding, "json")
    assert "Medellín".encode() in data and b"\\u00ed" not in data


def test_formulas_are_neutralised(library, coding):
    evil = library.head(1).copy()
    evil["summary"] = '=HYPERLINK("http://x","y")'
    evil["city_or_region"] = "+1+1"
    csv = export_studies(evil, coding, "csv").decode("utf-8")
    assert "'=HYPERLINK" in csv and "'+1+1" in csv
    sheets = pd.read_excel(io.BytesIO(export_studies(evil, coding, "xlsx")), sheet_name=None)
    assert sheets["studies"].loc[0, "summary"].startswith("'=")
    assert json.loads(export_studies(evil, coding, "json"))["studies"][0]["summary"].startswith("=")


def test_poll_export():
    tally = pd.DataFrame({"factor": list(FACTORS), "rank1": 0, "answers": 0, "share": 0.0})
    tally.loc[tally["factor"] == "power", ["rank1", "answers", "share"]] = [2, 3, 0.6]
    answers = pd.DataFrame({"answer_id": [1], "iso3": ["KEN"], "region": ["Africa"],
                            "role": ["city"], "factors": ["power;finance"],
                            "answered_at": ["2026-12-07T03:00:00Z"]})  # fmt: skip
    workshop = {"code": "ABCDEF", "title": "=cmd|' /C calc'!A0", "max_choices": 3}
    csv = export_poll(workshop, tally, answers, "csv", lang="fr").decode("utf-8")
    assert "Alimentation électrique" in csv
    doc = json.loads(export_poll(workshop, tally, answers, "json"))
    assert doc["workshop"]["code"] == "ABCDEF" and len(doc["answers"]) == 1
    sheets = pd.read_excel(io.BytesIO(export_poll(workshop, tally, answers, "xlsx")),
                           sheet_name=None)  # fmt: skip
    assert set(sheets) == {"tally", "answers", "notes"}
    assert not any(str(v).startswith("=") for v in sheets["notes"]["text"])
    with pytest.raises(ReadinessError, match="export format"):
        export_poll(workshop, tally, answers, "pdf")


def test_a_poll_as_the_store_gives_it_exports_its_times_as_utc_text():
    """The store's workshop and answers carry aware UTC datetimes: Excel takes no time zone and
    JSON no datetime, so every format writes them as ISO 8601 text."""
    import datetime as dt

    opened = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
    workshop = {"code": "K7MQ2X", "title": "Lomé", "created_at": opened, "closed_at": None}
    tally = pd.DataFrame({"factor": ["finance"], "rank1": [1], "answers": [1], "share": [1.0]})
    answers = pd.DataFrame({"iso3": ["TGO"], "factors": ["finance"],
                            "answered_at": [pd.Timestamp(opened)]})  # fmt: skip
    doc = json.loads(export_poll(workshop, tally, answers, "json"))
    assert doc["workshop"]["created_at"] == "2026-12-07T09:30:00+00:00"
    assert doc["answers"][0]["answered_at"] == "2026-12-07T09:30:00+00:00"
    book = pd.read_excel(io.BytesIO(export_poll(workshop, tally, answers, "xlsx")), None)
    assert book["answers"]["answered_at"].tolist() == ["2026-12-07T09:30:00+00:00"]
