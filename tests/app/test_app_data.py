"""AppTest: the data page shows the catalogue, coverage per economy and indicator, and sources."""

from __future__ import annotations

import io

import pandas as pd

from dashboard.downloads import csv_bytes, excel_bytes
from readiness.figures.views import select_values
from tests.app.test_app_map import open_app, open_tables

DATA = "app_pages/data_sources.py"


def test_catalogue_and_sources(snapshot):
    at = open_app(DATA)
    catalogue = at.dataframe[0].value
    assert catalogue["Code"].tolist() == list(snapshot.catalogue.codes)
    assert catalogue["Definition"].tolist() == [
        i.description for i in snapshot.catalogue.indicators
    ]
    # the name column names an indicator, not an economy
    assert catalogue["Indicator"].tolist() == [i.name for i in snapshot.catalogue.indicators]
    assert "Economy" not in catalogue.columns
    roles = {"index": "In the index", "context": "Context", "benchmark": "Benchmark"}
    assert catalogue["Role"].tolist() == [roles[i.role] for i in snapshot.catalogue.indicators]
    (citations,) = [c.value for c in at.code]  # one block to copy as a report's references
    paragraphs = citations.split("\n\n")
    assert len(paragraphs) == len(snapshot.catalogue.sources)
    for text, src in zip(paragraphs, snapshot.catalogue.sources, strict=True):
        assert text.startswith(src.citation) and text.count(src.licence) == 1  # named once


def test_coverage_matrix_for_a_group_and_year(snapshot):
    at = open_app(DATA)
    at.selectbox(key="_w_data_group").set_value("SIDS").run()
    at.select_slider(key="_w_data_year").set_value(2021).run()
    assert not at.exception
    open_tables(at, "data_coverage_map")
    matrix = next(d.value for d in at.dataframe if "economy" in d.value.columns)
    sids = snapshot.countries[snapshot.countries["sids"]]
    assert len(matrix) == len(sids)
    used = select_values(snapshot.values, "internet_use", 2021, 5).set_index("iso3")["year"]
    fiji = matrix.set_index("economy").loc["Fiji", "internet_use"]
    assert fiji == used.get("FJI")
    at.radio(key="data_scope").set_value("all").run()
    matrix = next(d.value for d in at.dataframe if "economy" in d.value.columns)
    assert len(matrix.columns) == 1 + len(snapshot.catalogue.codes)


def test_downloads_are_exactly_the_table():
    table = pd.DataFrame(
        {"Economy": ["Kenya", "=HYPERLINK()"], "Value": [1.5, None],
         "Rank": pd.array([1, None], dtype="Int64")}
    )  # fmt: skip
    back = pd.read_csv(io.BytesIO(csv_bytes(table)), encoding="utf-8-sig")
    assert back["Economy"].tolist() == ["Kenya", "'=HYPERLINK()"]  # no formula runs
    assert back["Value"].iloc[0] == 1.5 and pd.isna(back["Value"].iloc[1])
    sheet = pd.read_excel(io.BytesIO(excel_bytes(table, "map INDEX 2025")))
    assert sheet.columns.tolist() == ["Economy", "Value", "Rank"]
    assert sheet["Rank"].iloc[0] == 1 and pd.isna(sheet["Rank"].iloc[1])


def test_sources_say_what_absence_means_and_flags_are_listed(snapshot):
    at = open_app(DATA)
    assert not at.exception
    sources = next(d.value for d in at.dataframe if "Producer" in d.value.columns)
    by_name = sources.set_index("Source")
    meaning = by_name["An economy the source does not list"]
    cat = snapshot.catalogue
    assert meaning[cat.source("PCH_IXP").name].startswith("has a real 0")
    assert meaning[cat.source("APNIC_IPV6").name].startswith("is unknown")
    assert "not applicable if landlocked" in meaning[cat.source("CABLES").name]
    assert meaning[cat.source("NATURAL_EARTH").name] == ""  # no indicator: nothing to say
    flags = next(d.value for d in at.dataframe if "Flag" in d.value.columns)
    assert len(flags) == len(snapshot.flags)
    russia = flags[(flags["Economy"] == "Russian Federation") & (flags["Data year"] == 2025)]
    assert russia["Flag"].tolist() == [
        "Low sample (1,594 samples, 572 in a later measurement); treat with care"
    ]
    rwanda = flags[(flags["Economy"] == "Rwanda") & (flags["Data year"] == 2022)]
    assert rwanda["Flag"].tolist() == ["Not applicable: landlocked economy"]
