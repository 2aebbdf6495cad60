"""The figure builders and table shapers the dashboard and reports share (no Streamlit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.figures import charts, views
from readiness.index.engine import score_snapshot


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
