"""The screen's world map (Vega-Lite): the map's rules, with hovers that never say "nan"."""

from __future__ import annotations

import json
import re

import pandas as pd

from readiness.figures import palette, vega_maps
from readiness.figures.charts import numbers_in

TABLE = pd.DataFrame(
    {
        "iso3": ["AAA", "BBB", "CCC", "DDD"],
        "name": ["Aland", "Bland", "Cland", "Dland"],
        "value": [10.0, 1234.5, float("nan"), 50.0],
        "rank": pd.array([3, 1, None, 2], dtype="Int64"),
        "of": 3,
        "year": pd.array([2024, 2023, None, 2024], dtype="Int64"),
        "source": ["S", "S", "", "S"],
        "estimate": [False, True, False, False],
    }
)
POINTS = pd.DataFrame({"iso3": ["BBB", "CCC"], "lon": [10.0, 20.0], "lat": [-5.0, 5.0]})


def layers(spec: dict) -> tuple[dict, dict | None, dict]:
    """The economies' shapes, the small states' markers (if any) and the other land."""
    shapes = next(lay for lay in spec["layer"] if lay.get("params") and "transform" in lay)
    marks = next((lay for lay in spec["layer"] if lay["mark"]["type"] == "circle"), None)
    land = spec["layer"][1]
    return shapes, marks, land


def hover_of(spec: dict, record: dict) -> dict:
    """The hover the browser draws for a record: the spec's tooltip expression, read back.

    The expression is an object of `"label": datum.<key>` (a source: `sources[datum.s]`);
    vega-tooltip leaves out a line whose value is undefined (a key the record lacks)."""
    shapes = next(lay for lay in spec["layer"] if lay.get("params") and "transform" in lay)
    expr = shapes["mark"]["tooltip"]["expr"]
    sources = next(p["value"] for p in spec["params"] if p["name"] == vega_maps.SOURCES)
    out = {}
    for label, short in re.findall(r'("(?:[^"\\]|\\.)*"): (?:sources\[)?datum\.(\w+)', expr):
        if short in record:
            out[json.loads(label)] = sources[record[short]] if short == "s" else record[short]
    return out


def records(spec: dict) -> dict[str, dict]:
    """iso3 -> an economy's record, with `tip`: the hover the browser draws for it."""
    shapes, _, _ = layers(spec)
    rows = shapes["transform"][0]["from"]["data"]["values"]
    return {r["iso3"]: {**r, "tip": hover_of(spec, r)} for r in rows}


def marker_rows(spec: dict) -> list[dict]:
    _, marks, _ = layers(spec)
    assert marks is not None
    return list(marks["data"]["values"])


def test_no_data_is_its_own_status_never_a_value():
    rec = records(vega_maps.choropleth(TABLE, points=POINTS))
    assert rec["CCC"]["status"] == "none" and "value" not in rec["CCC"]
    assert rec["CCC"]["tip"] == {"title": "Cland", "Value": "No data"}
    assert rec["AAA"]["value"] == 10.0
    assert rec["AAA"]["tip"] == {
        "title": "Aland", "Value": "10.0", "Rank": "3 of 3", "Data year": "2024", "Source": "S",
        "Estimate": "no",
    }  # fmt: skip
    # no line is written for what a record lacks (Vega-Lite's field tooltips would say "undefined")
    assert "nan" not in json.dumps(rec) and "undefined" not in json.dumps(rec)


def test_the_colour_scale_spans_the_values_and_runs_the_measures_way():
    spec = vega_maps.choropleth(TABLE, reverse=True)
    colour = layers_without_points(spec)["encoding"]["color"]
    assert colour["scale"]["domain"] == [10.0, 1234.5]
    assert colour["scale"]["reverse"] is True and colour["scale"]["scheme"] == "cividis"
    assert colour["condition"][-1] == {"test": "datum.status !== 'value'", "value": palette.NO_DATA}


def layers_without_points(spec: dict) -> dict:
    return next(lay for lay in spec["layer"] if lay.get("params"))


def test_a_group_is_outlined_or_everyone_else_greyed_out():
    rec = records(vega_maps.choropleth(TABLE, points=POINTS, members=["AAA", "CCC"]))
    assert {c for c, r in rec.items() if r.get("member")} == {"AAA", "CCC"}
    spec = vega_maps.choropleth(TABLE, points=POINTS, members=["AAA", "CCC"], mode="filter")
    rec = records(spec)
    assert rec["BBB"]["status"] == "outside" and rec["BBB"]["tip"] == {"title": "Bland"}
    assert not any(r.get("member") for r in rec.values())  # filtered, not outlined
    assert [m["iso3"] for m in marker_rows(spec)] == ["CCC"]  # outside: no marker


def test_small_states_are_markers_coloured_as_their_shape():
    drawn = {m["iso3"]: m for m in marker_rows(vega_maps.choropleth(TABLE, points=POINTS))}
    assert set(drawn) == {"BBB", "CCC"}
    assert drawn["BBB"]["value"] == 1234.5 and (drawn["BBB"]["lon"], drawn["BBB"]["lat"]) == (
        10,
        -5,
    )
    assert drawn["CCC"]["status"] == "none"


def test_land_that_is_no_economy_is_drawn_grey_and_antarctica_left_out():
    _, _, land = layers(vega_maps.choropleth(TABLE))
    assert land["mark"]["fill"] == "#ececec"
    test = land["transform"][0]["filter"]
    assert json.dumps(["AAA", "BBB", "CCC", "DDD", "ATA"]) in test


def test_the_view_is_the_band_plotly_shows():
    ring = vega_maps.VIEW["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    assert {lat for _, lat in ring} == {vega_maps.SOUTH, vega_maps.NORTH} == {-57, 84}
    assert min(lon for lon, _ in ring) == -180 and max(lon for lon, _ in ring) == 180


def test_numbers_are_written_as_the_language_writes_them():
    with numbers_in("fr"):
        rec = records(vega_maps.choropleth(TABLE, labels={"value": "Valeur"}))
    assert rec["BBB"]["tip"]["Valeur"] == "1\u202f234,5"
    spec = vega_maps.choropleth(TABLE, number_locale={"decimal": ",", "thousands": " "})
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_shapes_come_from_the_local_topojson_only():
    spec = vega_maps.choropleth(TABLE, topojson_url="app/static/topojson/")
    urls = [lay["data"]["url"] for lay in spec["layer"] if "url" in lay.get("data", {})]
    assert urls and all(u == "app/static/topojson/world_110m.json" for u in urls)
    assert "http" not in json.dumps(spec)


def test_a_click_names_the_economy_on_a_shape_or_a_marker():
    assert vega_maps.picked({"pick": [{"iso3": "KEN"}], "pick_marker": [{}]}) == "KEN"
    assert vega_maps.picked({"pick": [{}], "pick_marker": [{"iso3": "TUV"}]}) == "TUV"
    assert vega_maps.picked({"pick": [], "pick_marker": []}) is None
    assert vega_maps.picked(None) is None


def test_a_note_is_sent_only_where_an_economy_has_one():
    """A flag's text rides on its own hover line; an economy without a value and with a note
    (a landlocked economy's cables) says why instead of "No data"."""
    table = TABLE.assign(note=["Low sample (22 samples)", "", "Not applicable", ""])
    rec = records(vega_maps.choropleth(table))
    assert rec["AAA"]["tip"]["\u200b"] == "Low sample (22 samples)"
    assert "o" not in rec["BBB"] and "o" not in rec["DDD"]  # nothing sent where there is none
    assert rec["CCC"]["status"] == "none" and "value" not in rec["CCC"]
    assert rec["CCC"]["tip"] == {"title": "Cland", "Value": "Not applicable"}
