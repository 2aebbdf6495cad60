"""AppTest: the gaps page shows readiness.gaps.analysis figures for the chosen groups and year."""

from __future__ import annotations

import numpy as np
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


# --- IoT networks and data infrastructure (readiness.gaps.iot) ---------------------------------
def _iot_core(groups, year=2025):
    from readiness.data.snapshot import load_snapshot
    from readiness.gaps.iot import iot_gaps, iot_groups

    snap = load_snapshot()
    return iot_gaps(snap, year, iot_groups(snap, year, groups)).set_index(["group", "measure"])


def _iot_table(at, lang="en"):
    from readiness.i18n import translate

    column = translate(lang, "iot_gaps.col.gap_world")
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ru", "zh", "ar"])
def test_the_iot_section_shows_the_core_figures_in_every_language(lang):
    from readiness.i18n import translate

    def tr(key, **values):
        return translate(lang, key, **values)

    at = open_app(GAPS, lang=lang)
    assert tr("iot_gaps.title") in [s.value for s in at.subheader]
    table = _iot_table(at, lang)
    col = {c: tr(f"iot_gaps.col.{c}") for c in ("group", "measure", "value", "members",
                                                  "known", "unknown", "data_year", "world",
                                                  "source")}  # fmt: skip
    assert len(set(col.values())) == len(col)  # every column has its own label
    core = _iot_core(["LDC", "SIDS"])
    rows = table.set_index([col["group"], col["measure"]])
    for group in ("LDC", "SIDS"):
        for measure in ("ixp_share", "lpwa_share", "ipv6_median", "facilities_per_million"):
            shown = rows.loc[(tr(f"group.{group}"), tr(f"iot_gaps.measure.{measure}"))]
            ours = core.loc[(group, measure)]
            assert shown[col["value"]] == pytest.approx(ours["value"])
            assert shown[col["world"]] == pytest.approx(ours["world"])
            assert (shown[col["known"]], shown[col["unknown"]]) == (ours["known"], ours["unknown"])
            assert shown[col["data_year"]] == ours["data_year"]
    lpwa = rows.loc[(tr("group.LDC"), tr("iot_gaps.measure.lpwa_share"))]
    assert (lpwa[col["members"]], lpwa[col["unknown"]]) == (44, 43)  # only Bangladesh listed
    # the unknown LTE-M/NB-IoT counts are written under the chart, in the language
    unknown = tr("iot_gaps.unknown_of", group=tr("group.LDC"), unknown=43, members=44)
    assert any(unknown in c.value for c in at.caption), unknown
    assert any(c.value == tr("iot_gaps.note") for c in at.caption)


def test_the_iot_chart_draws_the_groups_beside_the_world_and_high_income():
    from readiness.i18n import translate

    at = open_app(GAPS, groups="LDC,LLDC")
    spec = next(
        figure(at, k) for k in range(len(at.get("plotly_chart")))
        if any(t.get("name") == translate("en", "iot_gaps.measure.ixp_share")
               for t in figure(at, k)["data"])
    )  # fmt: skip
    bars = {t["name"]: t for t in spec["data"]}
    core = _iot_core(["LDC", "LLDC", "WORLD", "HIC"])
    ixp = bars[translate("en", "iot_gaps.measure.ixp_share")]
    shown = dict(zip(ixp["y"], array(ixp["x"]), strict=True))
    assert list(shown) == [
        "Least developed countries (LDC)", "Landlocked developing countries (LLDC)", "World",
        "High income",
    ]  # fmt: skip
    assert shown["World"] == pytest.approx(core.loc[("WORLD", "ixp_share"), "value"])
    assert shown["High income"] == pytest.approx(core.loc[("HIC", "ixp_share"), "value"])
    assert set(bars) == {
        translate("en", f"iot_gaps.measure.{m}") for m in ("ixp_share", "lpwa_share", "cable_share")
    }
    # landlocked: no cable bar for the LLDCs (not applicable), never a 0
    cables = bars[translate("en", "iot_gaps.measure.cable_share")]
    lldc = dict(zip(cables["y"], array(cables["x"]), strict=True))
    assert np.isnan(lldc["Landlocked developing countries (LLDC)"])

    at.radio(key="gaps_iot_topic").set_value("density").run()
    open_tables(at, "gaps_iot_chart")
    assert not at.exception
    chart_table = next(
        d.value for d in at.dataframe
        if "Difference from the world" in d.value.columns and len(d.value) == 8
    )  # fmt: skip
    rows = chart_table.set_index(["Group", "Measure"])
    name = translate("en", "iot_gaps.measure.facilities_per_million")
    assert rows.loc[("World", name), "Value"] == pytest.approx(
        core.loc[("WORLD", "facilities_per_million"), "value"]
    )


def test_the_iot_table_shows_every_standard_group_on_request():
    from readiness.gaps.iot import DEFAULT_IOT_GROUPS, IOT_MEASURES
    from readiness.i18n import translate

    at = open_app(GAPS)
    at.toggle(key="gaps_iot_all").set_value(True).run()
    assert not at.exception
    table = _iot_table(at)
    assert list(dict.fromkeys(table["Group"])) == [
        translate("en", f"group.{g}") for g in DEFAULT_IOT_GROUPS
    ]
    assert len(table) == len(DEFAULT_IOT_GROUPS) * len(IOT_MEASURES)


def test_a_year_before_the_iot_sources_says_so_and_shows_no_zeros():
    from readiness.i18n import translate

    at = open_app(GAPS, groups="LDC")
    at.select_slider(key="_w_gaps_year").set_value(2020).run()
    assert not at.exception
    assert translate("en", "iot_gaps.no_data", year=2020) in [c.value for c in at.caption]
    table = _iot_table(at).set_index("Measure")
    ixp = table.loc[translate("en", "iot_gaps.measure.ixp_share")]
    assert np.isnan(ixp["Value"]) and ixp["Unknown"] == 44 and ixp["With a value"] == 0
