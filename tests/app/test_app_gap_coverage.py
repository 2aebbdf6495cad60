"""AppTest: the gaps page says each group value's data year and the population it covers, says
why a withheld value has no number, and offers the nowcast as a labelled estimate."""

from __future__ import annotations

import numpy as np
import pytest

from readiness.gaps.analysis import gap_table
from readiness.gaps.cube import gap_inputs
from readiness.i18n import translate
from tests.app.test_app_map import open_app, open_tables

GAPS = "app_pages/gaps.py"


@pytest.fixture(scope="module")
def table():
    return gap_table(gap_inputs())


def _values(at, lang: str = "en"):
    """The group values table: the one with the population-covered columns and no band."""
    reported = translate(lang, "coverage.col.reported")
    band = translate(lang, "col.band")
    return next(
        d.value for d in at.dataframe if reported in d.value.columns and band not in d.value.columns
    )


def _row(shown, group_label: str, measure: str):
    hit = shown[(shown["Group"] == group_label) & (shown["Measure"] == measure)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_group_values_show_data_year_coverage_withheld_values_and_the_nowcast(table):
    at = open_app(GAPS, groups="ITU_ARB,LDC")
    latest = int(table["year"].max())
    ours = table[(table["group"] == "ITU_ARB") & (table["year"] == latest)]
    ours = ours.set_index("code").loc["internet_use"]
    shown = _values(at)
    nowcast = translate("en", "coverage.col.nowcast", year=latest)
    assert nowcast not in shown.columns
    arab = _row(shown, ours["group_label"], ours["name"])
    # Arab States, Internet use: Sudan, Syria and Yemen estimated, about a quarter of the people
    assert arab["Value (population-weighted)"] == pytest.approx(ours["weighted"])
    assert arab["Data year"] == ours["median_data_year"] == 2023
    assert arab["Coverage"] == ours["coverage"]
    assert arab["Population with reported values (%)"] == pytest.approx(
        100 * ours["population_share"]
    )
    assert (
        20 < arab["Population with estimates (%)"] == pytest.approx(100 * ours["estimated_share"])
    )
    assert arab["Why no value"] == ""
    # the heat map's table carries the same coverage columns
    heat = open_tables(at, "gaps_targets").dataframe[0].value
    assert {"Population with reported values (%)", "Why no value"} <= set(heat.columns)

    at.checkbox(key="gaps_nowcast").check().run()
    assert not at.exception
    shown = _values(at)
    assert shown.columns[-1] == nowcast == "Nowcast 2025 (estimate)"
    assert _row(shown, ours["group_label"], ours["name"])[nowcast] == pytest.approx(ours["nowcast"])
    caption = translate("en", "coverage.page.nowcast_caption", year=latest)
    assert caption in [c.value for c in at.caption] and "docs/GAPS.md" in caption

    # 2019: the LDCs' mobile-phone ownership rests on too little of their population
    at.select_slider(key="_w_gaps_year").set_value(2019).run()
    assert not at.exception
    ldc = table[(table["group"] == "LDC") & (table["year"] == 2019)]
    ldc = ldc.set_index("code").loc["mobile_ownership"]
    assert ldc["withheld"]
    shown = _values(at)
    assert translate("en", "coverage.col.nowcast", year=2019) in shown.columns
    row = _row(shown, ldc["group_label"], ldc["name"])
    assert np.isnan(row["Value (population-weighted)"])
    assert np.isnan(row[translate("en", "coverage.col.nowcast", year=2019)])
    share = 100 * (ldc["population_share"] + ldc["estimated_share"])
    assert row["Why no value"] == (
        f"No value: members with a value or an estimate hold {share:.0f}% of the population, "
        "less than two thirds."
    )


def test_the_group_values_speak_the_pages_language():
    at = open_app(GAPS, lang="fr", groups="ITU_ARB")
    assert translate("fr", "coverage.page.title") in [s.value for s in at.subheader]
    assert at.checkbox(key="gaps_nowcast").label == "Prévision immédiate pour 2025 (estimation)"
    shown = _values(at, "fr")
    for key in ("reported", "estimated", "withheld"):
        assert translate("fr", f"coverage.col.{key}") in shown.columns
    assert translate("fr", "col.data_year") in shown.columns
    assert set(shown[translate("fr", "col.group_label")]) >= {translate("fr", "group.ITU_ARB")}
