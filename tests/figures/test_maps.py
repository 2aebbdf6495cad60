"""World maps: no data apart from the lowest value, small-state markers, group highlight."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from readiness.figures import maps, palette


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
    fig = maps.choropleth(small_map_table(), unit="%")
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
    fig = maps.choropleth(small_map_table(), points=points, members=["AAA", "CCC"])
    traces = by_name(fig)
    assert list(traces["Small states"].lon) == [1.0]
    assert list(traces["Small states: No data"].lon) == [2.0]
    widths = dict(zip(traces["Value"].locations, traces["Value"].marker.line.width, strict=True))
    assert widths["AAA"] > widths["BBB"]
    filtered = by_name(maps.choropleth(small_map_table(), members=["AAA", "CCC"], mode="filter"))
    assert list(filtered["Value"].locations) == ["AAA"]
    assert set(filtered["Outside the group"].locations) == {"BBB", "DDD"}


def test_a_missing_value_with_a_note_says_why_instead_of_no_data():
    table = small_map_table().assign(note=["Low sample (22 samples)", "", "Not applicable", ""])
    traces = by_name(maps.choropleth(table))
    hovers = dict(zip(traces["No data"].locations, traces["No data"].customdata[:, 1], strict=True))
    assert hovers["CCC"] == "<b>Cland</b><br>Not applicable"  # not "No data", never a value
    valued = dict(zip(traces["Value"].locations, traces["Value"].customdata[:, 1], strict=True))
    assert "<br>Low sample (22 samples)<br>" in valued["AAA"]  # a line of its own
    assert "Low sample" not in valued["BBB"]
    plain = by_name(maps.choropleth(small_map_table()))["No data"]
    assert plain.customdata[0][1] == "<b>Cland</b><br>No data"


def test_log_indicators_colour_on_a_log_scale_over_their_goalposts(snapshot):
    """Exchange points per person: a few small hubs reach 487 per 10 million, so a linear scale
    paints nearly every economy the same; the index's log and goalposts set the colours."""
    from readiness.figures import maps as m
    from readiness.figures import vega_maps

    cat = snapshot.catalogue
    assert m.map_scale(cat, "internet_use") == {} and m.map_scale(cat, "INDEX") == {}
    scale = m.map_scale(cat, "ixp_density")
    assert scale == {"log": True, "zrange": (0.1, 10.0)}
    table = pd.DataFrame(
        {"iso3": ["MWI", "ERI", "LIE"], "name": ["Malawi", "Eritrea", "Liechtenstein"],
         "value": [0.9, 0.0, 487.5]}
    )  # fmt: skip
    fig = m.choropleth(table, **scale)
    z = [list(t.z) for t in fig.data if isinstance(t, go.Choropleth) and t.z is not None][-1]
    # a real 0 takes the low end, a hub the high end, Malawi between them
    assert z == pytest.approx([np.log10(0.9), -1.0, 1.0])
    bar = fig.layout.coloraxis.colorbar
    assert list(bar.ticktext) == ["0.1", "1", "10"] and fig.layout.coloraxis.cmin == -1
    spec = vega_maps.choropleth(table, **scale)
    colour = spec["layer"][2]["encoding"]["color"]["scale"]
    assert colour["type"] == "symlog" and colour["domain"] == [0.1, 10.0]
    legend = spec["layer"][2]["encoding"]["color"]["legend"]
    assert legend["values"] == pytest.approx([0.1, 1.0, 10.0])
