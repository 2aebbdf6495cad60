"""The world map for screens as a Vega-Lite spec: drawn by the browser's Vega (a fifth of
Plotly's script), from the same table and with the same rules as `maps.choropleth`.

Why a second drawing of the map: on a first visit Plotly's 4.7 MB script costs the browser
about a second before a shape is drawn, and the map is the page a room of participants opens
at once. Reports, and the map image a user downloads, keep Plotly's figure (`maps`).

The rules are the map's, whichever draws it: "no data" is grey and never a low value, small
states are markers so island states stay visible, a group is outlined in bold (or everyone else
greyed out), the colour scale runs the measure's way, and the hover names the value's year and
source. Shapes come from Plotly's world topojson served locally (no network).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from readiness.figures import palette
from readiness.figures.charts import FONT
from readiness.figures.maps import MAP_LABELS, _range, hover_texts, missing_text

# Vega's own colour schemes for the palette's Plotly names.
SCHEMES = {"Cividis": "cividis", "Oranges": "oranges", "RdBu": "redblue"}
SHAPES = "world_110m.json"
SOURCES = "sources"  # the parameter holding the hover's source texts
PICK = "pick"  # the selection a click on a shape makes: {"pick": [{"iso3": ...}]}
SELECTIONS = (PICK, f"{PICK}_marker")  # a shape's, a small state's marker's
# Plotly's map stops at 57° S and 84° N: no Antarctica, whose area would dwarf every country.
# The view is that band of the globe, its edges along the parallels (a point every 5°: a
# polygon's edges are great circles), wound so that its inside is the band (d3-geo's rule).
SOUTH, NORTH = -57, 84


def _band() -> dict:
    south = [[lon, SOUTH] for lon in range(-180, 181, 5)]
    north = [[lon, NORTH] for lon in range(180, -181, -5)]
    ring = [*south, *north, south[0]][::-1]
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {}}  # fmt: skip


VIEW = _band()
# A record's hover lines, by field: the short keys it is sent with (a map's records are sent
# to every session and parsed by Streamlit twice a run: the spec is kept small).
LINES = (("value", "v"), ("rank", "r"), ("year", "y"), ("source", "s"), ("note", "o"),
         ("estimate", "e"))  # fmt: skip
_FIELDS = ("iso3", "status", "member", "value", "n", *(short for _, short in LINES))


def rows(
    table: pd.DataFrame,
    lab: Mapping[str, str],
    digits: int,
    members: set[str] | None,
    mode: str,
) -> list[dict[str, Any]]:
    """One record per economy: its status and value, its name (`n`) and the texts of its hover
    lines under LINES' short keys (numbers written as the language writes them, see
    `charts.numbers_in`); a line without a value is left out, never written "nan"."""
    out = []
    for raw in table.to_dict("records"):
        rec: dict[str, Any] = {str(k): v for k, v in raw.items()}
        inside = members is None or rec["iso3"] in members
        value = rec.get("value")
        has = not pd.isna(value)
        status = "outside" if (mode == "filter" and not inside) else ("value" if has else "none")
        row: dict[str, Any] = {"iso3": rec["iso3"], "status": status, "n": str(rec["name"])}
        if members is not None and inside and mode != "filter":
            row["member"] = True
        if status == "value":
            row["value"] = float(value)  # type: ignore[arg-type]  # not missing: status says
            short = dict(LINES)
            row.update({short[f]: text for f, text in hover_texts(rec, lab, digits).items()})
        elif status == "none":  # "no data", or why there is none (a note: "not applicable")
            row["v"] = missing_text(rec, lab)
        out.append(row)
    return out


def _hover_labels(lab: Mapping[str, str]) -> dict[str, str]:
    """Short key -> the label its line shows (a note has none: a line of its own)."""
    return {short: ("\u200b" if field == "note" else lab[field]) for field, short in LINES}


def _tooltip(lab: Mapping[str, str]) -> dict:
    """The hover, an object vega-tooltip draws as a heading ("title") and labelled lines; a
    line a record lacks is undefined, and vega-tooltip leaves it out. A source is named by its
    place in the spec's SOURCES parameter (each text sent once, not once per economy)."""
    pairs = ['"title": datum.n']
    for short, label in _hover_labels(lab).items():
        value = f"{SOURCES}[datum.s]" if short == "s" else f"datum.{short}"
        pairs.append(f"{json.dumps(label, ensure_ascii=False)}: {value}")
    return {"expr": "{" + ", ".join(pairs) + "}"}


def _number_sources(records: list[dict[str, Any]]) -> list[str]:
    """Replace each record's source text by its place in the returned list (sent once)."""
    sources: list[str] = []
    for r in records:
        if "s" in r:
            if r["s"] not in sources:
                sources.append(r["s"])
            r["s"] = sources.index(r["s"])
    return sources


def _colour(
    scheme: str,
    reverse: bool,
    zrange: tuple[float, float],
    unit: str,
    digits: int,
    log: bool = False,
) -> dict:
    """Grey for no data, the lightest grey outside a filtered group, else the value's colour
    (on a log scale with `log`: a symmetric log, so a real 0 takes the low end of the range)."""
    scale: dict = {"scheme": scheme, "reverse": reverse, "domain": list(zrange), "clamp": True}
    legend: dict = {
        "title": unit or None,
        "orient": "right",
        "gradientLength": 300,
        "format": f",.{max(0, digits)}~f",  # 20, 40, 60, 80; 0.5 where it takes decimals
    }
    if log:  # ticks at the powers of ten within the range (0.1, 1, 10)
        scale |= {"type": "symlog", "constant": zrange[0]}
        low, high = math.ceil(math.log10(zrange[0])), math.floor(math.log10(zrange[1]))
        legend |= {
            "values": [10.0**k for k in range(low, high + 1)],
            "format": f",.{max(0, -low)}~f",
        }
    return {
        "condition": [
            {"test": "datum.status === 'outside'", "value": palette.OUTSIDE_GROUP},
            {"test": "datum.status !== 'value'", "value": palette.NO_DATA},
        ],
        "field": "value",
        "type": "quantitative",
        "scale": scale,
        "legend": legend,
    }


def _outline(width: float) -> dict:
    return {
        "stroke": {
            "condition": {"test": "datum.member", "value": palette.HIGHLIGHT_LINE},
            "value": palette.BORDER,
        },
        "strokeWidth": {"condition": {"test": "datum.member", "value": 1.6}, "value": width},
    }


def choropleth(
    table: pd.DataFrame,
    *,
    title: str = "",
    unit: str = "",
    points: pd.DataFrame | None = None,
    members: Sequence[str] | None = None,
    mode: str = "highlight",
    colorscale: str = palette.SEQUENTIAL,
    reverse: bool = False,
    zrange: tuple[float, float] | None = None,
    labels: Mapping[str, str] | None = None,
    digits: int = 1,
    height: int = 560,
    topojson_url: str = "app/static/topojson/",
    number_locale: Mapping[str, Any] | None = None,
    log: bool = False,
) -> dict:
    """A Vega-Lite spec of the world map; the arguments are `maps.choropleth`'s.

    `table` has iso3, name, value and optionally rank, of, year, source, note, estimate.
    A click selects an economy (the "pick" selection, on its iso3). `number_locale` is Vega's
    number locale (`readiness.i18n.vega_number_locale`) for the legend's ticks.
    """
    lab = {**MAP_LABELS, **(labels or {})}
    member_set = set(members) if members is not None else None
    records = rows(table, lab, digits, member_set, mode)
    sources = _number_sources(records)
    tip = _tooltip(lab)
    economies = [r["iso3"] for r in records] + ["ATA"]  # and Antarctica, south of the view
    values = [r["value"] for r in records if "value" in r]
    lo, hi = zrange if zrange is not None else _range(pd.Series(values, dtype=float))
    colour = _colour(
        SCHEMES.get(colorscale, colorscale.lower()), reverse, (lo, hi), unit, digits, log
    )
    shapes = {"url": topojson_url + SHAPES, "format": {"type": "topojson", "feature": "countries"}}
    pick = {"name": PICK, "select": {"type": "point", "fields": ["iso3"], "on": "click"}}
    lookup = {
        "lookup": "id",
        "from": {"data": {"values": records}, "key": "iso3", "fields": list(_FIELDS)},
    }
    layers: list[dict] = [
        {"data": {"values": [VIEW]}, "mark": {"type": "geoshape", "fill": "#f7fbff"}},
        {  # land that is no economy of the master (Western Sahara, ...), as Plotly's land layer
            "data": shapes,
            "transform": [{"filter": f"indexof({json.dumps(economies)}, datum.id) < 0"}],
            "mark": {
                "type": "geoshape",
                "fill": "#ececec",
                "stroke": palette.BORDER,
                "strokeWidth": 0.4,
            },
        },
        {
            "data": shapes,
            "transform": [lookup, {"filter": "isValid(datum.status)"}],
            "params": [pick],
            "mark": {"type": "geoshape", "cursor": "pointer", "tooltip": tip},
            "encoding": {"color": colour, **_outline(0.4)},
        },
    ]
    if points is not None and len(points):
        layers.append(_markers(records, points, colour, tip))
    spec: dict[str, Any] = {
        "params": [{"name": SOURCES, "value": sources}],
        "height": height,
        "width": "container",
        "projection": {"type": "naturalEarth1", "fit": VIEW},
        "layer": layers,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
        },
    }
    if title:
        spec["title"] = {"text": title, "anchor": "start", "fontSize": 16, "fontWeight": "normal"}
    if number_locale:
        spec["config"]["locale"] = {"number": dict(number_locale)}
    return spec


def _markers(records: list[dict], points: pd.DataFrame, colour: dict, tip: dict) -> dict:
    """A circle per small economy, coloured as its shape would be, so islands stay visible."""
    where = {
        str(iso3): (float(lon), float(lat))
        for iso3, lon, lat in points[["iso3", "lon", "lat"]].itertuples(index=False)
    }
    marked = [
        {**r, "lon": where[r["iso3"]][0], "lat": where[r["iso3"]][1]}
        for r in records
        if r["iso3"] in where and r["status"] != "outside"
    ]
    return {
        "data": {"values": marked},
        "params": [{"name": f"{PICK}_marker", "select": {"type": "point", "fields": ["iso3"]}}],
        "mark": {"type": "circle", "size": 55, "opacity": 1, "cursor": "pointer", "tooltip": tip},
        "encoding": {
            "longitude": {"field": "lon", "type": "quantitative"},
            "latitude": {"field": "lat", "type": "quantitative"},
            "color": colour,  # the shapes' scale and legend
            "stroke": {
                "condition": {"test": "datum.member", "value": palette.HIGHLIGHT_LINE},
                "value": palette.NO_DATA_LINE,
            },
            "strokeWidth": {"condition": {"test": "datum.member", "value": 2.0}, "value": 0.6},
        },
    }


def picked(selection: Mapping[str, Any] | None) -> str | None:
    """The economy a click selected (a shape or a small state's marker), from the chart's
    selection state ({"pick": [{"iso3": "KEN"}], ...}); None when nothing is selected."""
    for name in SELECTIONS:
        for point in (selection or {}).get(name) or []:
            if isinstance(point, Mapping) and point.get("iso3"):
                return str(point["iso3"])
    return None
