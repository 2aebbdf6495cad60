"""The figure builders and table shapers the dashboard and reports share (no Streamlit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from readiness.figures import charts, palette, views
from readiness.index.engine import score_snapshot


def small_map_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "DDD"],
            "name": ["Aland", "Bland", "Cland", "Dland"],
            "value": [10.0, 90.0, np.nan, 50.0],
            "rank": pd.array([3, 1, None, 2], dtype="Int64"),
            "of": 3,
            "year": pd.array([2024, 2023, None, 2024], dtype="Int64"),
            "source": ["S", "S", "", "S"],
            "estimate": [False, True, False, False],
        }
    )


def by_name(fig: go.Figure) -> dict[str, go.BaseTraceType]:
    return {t.name: t for t in fig.data}


def test_choropleth_keeps_no_data_apart_from_the_lowest_value():
    fig = charts.choropleth(small_map_table(), unit="%")
    traces = by_name(fig)
    assert list(traces["No data"].locations) == ["CCC"]
    assert list(traces["Value"].locations) == ["AAA", "BBB", "DDD"]
    assert fig.layout.coloraxis.cmin == 10 and fig.layout.coloraxis.cmax == 90
    grey = traces["No data"].colorscale[0][1]
    assert grey == palette.NO_DATA
    assert fig.layout.geo.resolution == 50
    hover = traces["Value"].customdata[1][1]
    assert "Bland" in hover and "Rank: 1 of 3" in hover and "Estimate: yes" in hover


def test_choropleth_points_highlight_and_filter():
    points = pd.DataFrame({"iso3": ["AAA", "CCC"], "lon": [1.0, 2.0], "lat": [3.0, 4.0]})
    fig = charts.choropleth(small_map_table(), points=points, members=["AAA", "CCC"])
    traces = by_name(fig)
    assert list(traces["Small states"].lon) == [1.0]
    assert list(traces["Small states: No data"].lon) == [2.0]
    widths = dict(zip(traces["Value"].locations, traces["Value"].marker.line.width, strict=True))
    assert widths["AAA"] > widths["BBB"]
    filtered = by_name(charts.choropleth(small_map_table(), members=["AAA", "CCC"], mode="filter"))
    assert list(filtered["Value"].locations) == ["AAA"]
    assert set(filtered["Outside the group"].locations) == {"BBB", "DDD"}


def test_plotly_config_points_maps_at_the_local_topojson():
    config = charts.plotly_config()
    assert config["topojsonURL"] == "app/static/topojson/"
    assert (charts.TOPOJSON_DIR / "world_50m.json").exists()
    assert charts.file_topojson_url().startswith("file://")


def test_other_builders_return_figures():
    long = pd.DataFrame(
        {"who": ["A", "A", "B", "B"], "measure": ["x", "y", "x", "y"], "value": [1, 2, 3, np.nan],
         "year": [2020, 2021, 2020, 2021]}
    )  # fmt: skip
    assert charts.bars(long, category="measure", value="value", series="who").data
    assert charts.radar(long, axis="measure", value="value", series="who").data
    assert charts.lines(long, x="year", y="value", series="who").data
    heat = charts.heatmap(long.pivot_table(index="who", columns="measure", values="value"))
    assert heat.data[0].type == "heatmap"


def test_views_map_table_for_the_index_and_an_indicator(snapshot):
    result = score_snapshot()
    names = snapshot.countries.set_index("iso3")["name_en"]
    index = views.map_table(snapshot.catalogue, snapshot.values, result, "INDEX", names)
    assert len(index) == len(snapshot.countries)
    assert index.set_index("iso3").loc["KEN", "value"] == pytest.approx(result.index["KEN"])
    price = views.map_table(snapshot.catalogue, snapshot.values, result, "price_mobile_5gb", names)
    cheapest = price.loc[price["value"].idxmin()]
    assert cheapest["rank"] == 1  # lower is better for a price basket


def test_views_rank_change_and_framework_tree():
    from readiness.index.method import Method

    default, heavier = score_snapshot(), score_snapshot(method=Method(weights={"POLICY": 4.0}))
    change = views.rank_change(default, heavier)
    row = change.set_index("code").loc["KEN"]
    assert row["change"] == default.rank["KEN"] - heavier.rank["KEN"]
    tree = views.framework_tree(default)
    assert tree.loc[0, "value"] == pytest.approx(1.0)
    pillars = tree[tree["parent"] == default.framework.index_code]
    assert pillars["value"].sum() == pytest.approx(1.0)
