"""AppTest: the gaps page shows readiness.gaps.analysis figures for the chosen groups and year."""

from __future__ import annotations

import pytest

from readiness.gaps.analysis import economy_gaps, gap_table
from readiness.gaps.cube import gap_inputs
from tests.app.test_app_map import array, figure, open_app, open_tables

GAPS = "app_pages/gaps.py"


def test_group_gaps_to_targets_match_the_gap_table():
    at = open_app(GAPS)
    table = gap_table(gap_inputs())
    latest = int(table["year"].max())
    row = table[(table["group"] == "LDC") & (table["year"] == latest)]
    row = row[row["code"] == "internet_use"].iloc[0]
    shown = open_tables(at, "gaps_targets").dataframe[0].value
    hit = shown[(shown["Group"] == row["group_label"]) & (shown["Code"] == "internet_use")].iloc[0]
    assert hit["Value (population-weighted)"] == pytest.approx(row["weighted"])
    assert hit["Gap to target"] == pytest.approx(row["gap"])
    assert hit["Band"] == row["band"]
    assert hit["Coverage"] == row["coverage"]


def test_the_pace_table_shows_the_years_each_trend_rests_on():
    at = open_app(GAPS)
    table = gap_table(gap_inputs())
    latest = table[(table["year"] == table["year"].max()) & (table["code"] == "internet_use")]
    pace = next(d.value for d in at.dataframe if "Pace needed per year" in d.value.columns
                and "Band" not in d.value.columns)  # fmt: skip
    assert {"Trend from", "Trend to"} <= set(pace.columns)
    rows = pace[pace["Measure"] == latest["name"].iloc[0]].set_index("Group")
    assert len(rows)
    for label, row in rows.iterrows():
        ours = latest[latest["group_label"] == label].iloc[0]
        assert (row["Trend from"], row["Trend to"]) == (ours["trend_from"], ours["trend_to"])
        assert row["Pace per year"] == pytest.approx(ours["trend"], nan_ok=True)


def test_changing_groups_year_level_and_measure():
    at = open_app(GAPS)
    at.multiselect(key="_w_gaps_groups").set_value(["SIDS"]).run()
    at.select_slider(key="_w_gaps_year").set_value(2022).run()
    at.radio(key="gaps_level").set_value("pillar").run()
    at.radio(key="gaps_against").set_value("gap_to_high_income").run()
    at.selectbox(key="_w_gaps_indicator").set_value("CONN").run()
    assert not at.exception
    open_tables(at, "gaps_targets", "gaps_benchmarks", "gaps_time")
    table = gap_table(gap_inputs())
    sids = table[(table["group"] == "SIDS") & (table["year"] == 2022)]
    bench = at.dataframe[1].value
    conn = bench[bench["Code"] == "CONN"].iloc[0]
    expected = sids[sids["code"] == "CONN"].iloc[0]
    assert conn["Gap to high income"] == pytest.approx(expected["gap_to_high_income"])
    over_time = at.dataframe[2].value
    assert set(over_time["Group"]) == {expected["group_label"], "World", "High income"}
    latest = over_time[over_time["Reference year"] == 2022]
    conn_value = latest[latest["Group"] == expected["group_label"]]["Value (population-weighted)"]
    assert conn_value.iloc[0] == pytest.approx(expected["weighted"])


def test_map_of_gaps_shows_each_economy_gap():
    at = open_app(GAPS)
    maps = [figure(at, k) for k in range(len(at.get("plotly_chart")))]
    choropleth = next(f for f in maps if any(t["type"] == "choropleth" for t in f["data"]))
    values = next(t for t in choropleth["data"] if t.get("name") == "Gap to target")
    gaps = economy_gaps(gap_inputs(), None, codes=["internet_use"]).set_index("iso3")["gap"]
    shown = dict(zip(values["locations"], array(values["z"]), strict=True))
    assert shown["KEN"] == pytest.approx(gaps["KEN"])
    assert len(shown) == gaps.notna().sum()


def test_no_group_asks_for_one():
    at = open_app(GAPS)
    at.multiselect(key="_w_gaps_groups").set_value([]).run()
    assert not at.exception
    assert at.info


def test_a_group_report_is_offered_for_the_picked_groups():
    at = open_app(GAPS, groups="LDC,SIDS")
    picker = at.selectbox(key="gaps_report")
    assert picker.options == [
        "Least developed countries (LDC)", "Small island developing States (SIDS)",
    ]  # fmt: skip
    assert at.button(key="gaps_report_file_prepare").label == "Prepare report"


def test_the_heat_maps_name_groups_and_targets_in_the_pages_language():
    """French: the distance-to-target heat map's rows are the groups' French names and its
    columns the indicators' (the gap analytics write them in English)."""
    import json

    from readiness.i18n import translate

    at = open_app(GAPS, lang="fr")
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    heat = next(t for t in spec["data"] if t.get("type") == "heatmap")
    rows, columns = [str(y) for y in heat["y"]], [str(x) for x in heat["x"]]
    assert translate("fr", "group.LDC") in rows and "Least developed countries" not in rows
    assert translate("fr", "term.indicator.internet_use.name") in columns
    assert "Individuals using the Internet" not in columns
