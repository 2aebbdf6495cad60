"""AppTest: the compare page puts the engine's numbers for economies and groups side by side."""

from __future__ import annotations

import pytest

from readiness.data.groups import group_mean, standard_groups
from readiness.figures.views import select_values
from readiness.index.engine import score_snapshot
from tests.app.test_app_map import figure, open_app, open_tables

COMPARE = "app_pages/compare.py"


def shown(at):
    """The chart's table, its tab opened as a user does."""
    if not at.dataframe:
        open_tables(at, f"compare_{at.radio(key='compare_view').value}")
    return at.dataframe[0].value


def test_bars_for_economies_and_the_world(snapshot):
    at = open_app(COMPARE, peers="KEN,GHA,NGA")
    table = shown(at).set_index("Economy or group")
    result = score_snapshot()
    for iso, name in (("KEN", "Kenya"), ("GHA", "Ghana"), ("NGA", "Nigeria")):
        assert table.loc[name, "Value"] == pytest.approx(result.index[iso])
    world = standard_groups(snapshot.countries)["WORLD"]
    expected = group_mean(result.index, world.members, result.units["population"])
    assert table.loc["World", "Value"] == pytest.approx(expected.simple)
    assert table.loc["World", "Coverage"] == expected.coverage
    assert figure(at)["data"][0]["type"] == "bar"


def test_an_indicator_with_a_group(snapshot):
    at = open_app(COMPARE, peers="KEN", indicator="internet_use", year="2022")
    at.multiselect(key="_w_compare_groups").set_value(["LDC"]).run()
    assert not at.exception
    values = select_values(snapshot.values, "internet_use", 2022, 5).set_index("iso3")["value"]
    ldc = standard_groups(snapshot.countries)["LDC"]
    table = shown(at).set_index("Economy or group")
    assert table.loc["Kenya", "Value"] == pytest.approx(values["KEN"])
    assert table.loc["Least developed countries (LDC)", "Value"] == pytest.approx(
        values.reindex(list(ldc.members)).mean()
    )


@pytest.mark.parametrize("view", ["radar", "heatmap", "time"])
def test_other_views(view):
    at = open_app(COMPARE, peers="KEN,GHA")
    at.radio(key="compare_view").set_value(view).run()
    assert not at.exception
    table = shown(at)
    result = score_snapshot()
    if view == "time":
        row = table[
            (table["Economy or group"] == "Kenya") & (table["Reference year"] == result.year)
        ]
        assert row["Value"].iloc[0] == pytest.approx(result.index["KEN"])
        assert table["Reference year"].nunique() > 5
    else:
        pillar = result.framework.pillars[0]
        name = result.framework.by_code[pillar].name
        row = table[(table["Economy or group"] == "Ghana") & (table["Measure"] == name)]
        assert row["Value"].iloc[0] == pytest.approx(result.scores.loc["GHA", pillar])
    assert figure(at)["data"], "a chart is drawn"


def test_radar_on_the_indicators_of_a_pillar():
    at = open_app(COMPARE, peers="KEN,GHA")
    at.radio(key="compare_view").set_value("radar").run()
    at.radio(key="compare_axes").set_value("BBAF").run()
    assert not at.exception
    result = score_snapshot()
    table = shown(at)
    kids = [c for c in result.framework.indicators if result.framework.by_code[c].parent == "BBAF"]
    assert sorted(set(table["Code"])) == sorted(kids)
    row = table[(table["Economy or group"] == "Kenya") & (table["Code"] == kids[0])].iloc[0]
    assert row["Value"] == pytest.approx(result.normalised.loc["KEN", kids[0]])


def test_nothing_picked_asks_for_a_choice():
    at = open_app(COMPARE, peers="KEN")
    at.multiselect(key="_w_compare_peers").set_value([]).run()
    at.multiselect(key="_w_compare_groups").set_value([]).run()
    assert not at.exception
    assert any("at least one" in i.value for i in at.info)


def test_groups_travel_in_the_link():
    at = open_app(COMPARE, peers="KEN", groups="LDC,SIDS")
    shown_groups = set(shown(at).loc[lambda f: f["Kind"] == "group", "Economy or group"])
    assert shown_groups == {
        "Least developed countries (LDC)", "Small island developing States (SIDS)",
    }  # fmt: skip
    at.multiselect(key="_w_compare_groups").set_value(["LLDC"]).run()
    assert at.query_params["groups"] == "LLDC"
