"""World maps: a choropleth with "no data" in grey, small states as markers, a group outlined.

Maps draw from Plotly's world topojson (50m, or 110m as the dashboard and reports do) served
locally: pass `charts.plotly_config()` (or set `topojsonURL` yourself) wherever a map is shown,
or nothing is drawn offline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from readiness.data.catalogue import Catalogue
from readiness.figures import palette
from readiness.figures.charts import fmt, layout

MAP_LABELS: dict[str, str] = {
    "value": "Value",
    "rank": "Rank",
    "year": "Data year",
    "source": "Source",
    "estimate": "Estimate",
    "yes": "yes",
    "no": "no",
    "no_data": "No data",
    "outside": "Outside the group",
    "small_states": "Small states",
    "of": "of",
}


def choropleth(
    table: pd.DataFrame,
    *,
    title: str = "",
    unit: str = "",
    points: pd.DataFrame | None = None,
    members: Sequence[str] | None = None,
    mode: str = "highlight",
    colorscale: str | list = palette.SEQUENTIAL,
    reverse: bool = False,
    zrange: tuple[float, float] | None = None,
    labels: Mapping[str, str] | None = None,
    digits: int = 1,
    height: int = 560,
    resolution: int = 50,
    log: bool = False,
) -> go.Figure:
    """A world choropleth (50m shapes, or 110m) with "no data" in grey and small states as markers.

    `table` has iso3, name, value and optionally rank, of, year, source, estimate (one row per
    economy; NaN value = no data). `points` (iso3, lon, lat) adds a marker per small economy so
    island states stay visible. `members` highlights a group (bold outlines) or, with
    mode="filter", greys out everyone else. `resolution` 110 draws Plotly's lighter shapes, for
    screens: economies too small for a 110m shape are then drawn by their marker only. With
    `log` (an indicator the index takes the log of, e.g. exchange points per person, where a few
    small hubs dominate) the colours follow log10 of the value within `zrange` (> 0), values
    below it (a real 0) at its low end; the hover still says the value itself.
    """
    lab = {**MAP_LABELS, **(labels or {})}
    t = table.copy()
    for col, default in (("rank", pd.NA), ("of", pd.NA), ("year", pd.NA), ("source", "")):
        if col not in t.columns:
            t[col] = default
    if "estimate" not in t.columns:
        t["estimate"] = False
    member_set = set(members) if members is not None else None
    inside = (
        t["iso3"].isin(member_set) if member_set is not None else pd.Series(True, index=t.index)
    )
    if mode == "filter" and member_set is not None:
        shown = inside
    else:
        shown = pd.Series(True, index=t.index)
    has = t["value"].notna() & shown
    t["_hover"] = _hover_lines(t, lab, digits)
    lo, hi = zrange if zrange is not None else _range(t.loc[has, "value"])
    t["_z"] = t["value"]
    if log:  # colour on log10, clipped to the range (a 0 takes the low end)
        t["_z"] = np.log10(t["value"].clip(lower=lo, upper=hi))

    fig = go.Figure()
    nodata = t[t["value"].isna() & shown]
    fig.add_trace(
        _flat_layer(
            nodata, palette.NO_DATA, lab["no_data"], "_hover", _outline(nodata, member_set, mode)
        )
    )
    if mode == "filter" and member_set is not None:
        out = t[~shown]
        line = {"color": "#cccccc", "width": 0.3}
        fig.add_trace(_flat_layer(out, palette.OUTSIDE_GROUP, lab["outside"], "name", line))
    valued = t[has]
    fig.add_trace(
        go.Choropleth(
            locations=valued["iso3"],
            z=valued["_z"],
            locationmode="ISO-3",
            coloraxis="coloraxis",
            name=lab["value"],
            showlegend=False,
            customdata=valued[["iso3", "_hover"]],
            hovertemplate="%{customdata[1]}<extra></extra>",
            marker={"line": _outline(valued, member_set, mode)},
        )
    )
    if points is not None and len(points):
        _small_state_markers(fig, t, points, member_set, mode, lab)
    _world_style(fig, colorscale, reverse, (lo, hi), unit, resolution, log)
    return layout(fig, title, height)


def _outline(rows: pd.DataFrame, member_set: set[str] | None, mode: str) -> dict:
    """Country borders: bold for the highlighted group's members, thin otherwise."""
    if member_set is None or mode == "filter":
        return {"color": palette.BORDER, "width": 0.4}
    hit = rows["iso3"].isin(member_set)
    return {
        "color": np.where(hit, palette.HIGHLIGHT_LINE, palette.BORDER).tolist(),
        "width": np.where(hit, 1.6, 0.4).tolist(),
    }


def _small_state_markers(
    fig: go.Figure,
    t: pd.DataFrame,
    points: pd.DataFrame,
    member_set: set[str] | None,
    mode: str,
    lab: Mapping[str, str],
) -> None:
    """A marker per small economy (coloured by value, grey for no data) so islands stay visible."""
    pts = t.merge(points[["iso3", "lon", "lat"]], on="iso3", how="inner")
    if mode == "filter" and member_set is not None:
        pts = pts[pts["iso3"].isin(member_set)]
    with_value = pts[pts["value"].notna()]
    without = pts[pts["value"].isna()]
    line_w = (
        np.where(with_value["iso3"].isin(member_set), 2.0, 0.6).tolist()
        if member_set is not None and mode != "filter"
        else 0.6
    )
    fig.add_trace(
        go.Scattergeo(
            lon=with_value["lon"],
            lat=with_value["lat"],
            mode="markers",
            marker={
                "size": 8,
                "color": with_value["_z"],
                "coloraxis": "coloraxis",
                "line": {"color": palette.HIGHLIGHT_LINE, "width": line_w},
            },
            name=lab["small_states"],
            showlegend=True,
            customdata=with_value[["iso3", "_hover"]],
            hovertemplate="%{customdata[1]}<extra></extra>",
        )
    )
    if len(without):
        fig.add_trace(
            go.Scattergeo(
                lon=without["lon"],
                lat=without["lat"],
                mode="markers",
                marker={
                    "size": 7,
                    "color": palette.NO_DATA,
                    "line": {"color": palette.NO_DATA_LINE, "width": 0.8},
                },
                name=f"{lab['small_states']}: {lab['no_data']}",
                showlegend=False,
                customdata=without[["iso3", "_hover"]],
                hovertemplate="%{customdata[1]}<extra></extra>",
            )
        )


def _world_style(
    fig: go.Figure,
    colorscale: str | list,
    reverse: bool,
    zrange: tuple[float, float],
    unit: str,
    resolution: int = 50,
    log: bool = False,
) -> None:
    """The map's projection, land and sea colours, colour bar and legend."""
    lo, hi = zrange
    colorbar: dict = {"title": {"text": unit}, "thickness": 14, "len": 0.75}
    if log:  # the colour axis is log10: ticks at the powers of ten, labelled with the values
        lo, hi = float(np.log10(lo)), float(np.log10(hi))
        ticks = np.arange(np.ceil(lo), np.floor(hi) + 1)
        colorbar |= {"tickvals": ticks.tolist(), "ticktext": [f"{10**k:g}" for k in ticks]}
    world_geos(fig, resolution)
    fig.update_layout(
        coloraxis={
            "colorscale": colorscale,
            "reversescale": reverse,
            "cmin": lo,
            "cmax": hi,
            "colorbar": colorbar,
        },
        legend={"orientation": "h", "yanchor": "top", "y": 0.02, "x": 0.01},
        dragmode=False,
    )


def _flat_layer(
    frame: pd.DataFrame, colour: str, name: str, hover_column: str, line: Mapping
) -> go.Choropleth:
    """Economies drawn in one flat colour (no data, outside the group), with a legend entry."""
    return go.Choropleth(
        locations=frame["iso3"],
        z=np.zeros(len(frame)),
        locationmode="ISO-3",
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        name=name,
        showlegend=True,
        customdata=frame[["iso3", hover_column]],
        hovertemplate="%{customdata[1]}<extra></extra>",
        marker={"line": line},
    )


def _range(values: pd.Series) -> tuple[float, float]:
    if values.empty:
        return (0.0, 1.0)
    lo, hi = float(values.min()), float(values.max())
    return (lo, hi if hi > lo else lo + 1.0)


def map_scale(catalogue: Catalogue, code: str) -> dict[str, Any]:
    """The map's colour scale for `code`: for an indicator the index takes the log of, a log
    scale over its goalposts (where a few hubs would otherwise paint every other economy the
    same colour); else the map's own (linear over the values shown)."""
    if code not in catalogue.codes or not catalogue.get(code).transform.log:
        return {}
    gp = catalogue.get(code).goalposts
    return {"log": True, "zrange": (gp.lo, gp.hi)}


def hover_texts(rec: Mapping[str, Any], lab: Mapping[str, str], digits: int) -> dict[str, str]:
    """An economy's hover lines with a value, by field (value, rank, year, source, note,
    estimate), as written for the map in Plotly and in Vega; a line without one is left out."""
    out = {"value": fmt(rec["value"], digits)}
    rank, of = rec.get("rank"), rec.get("of")
    if rank is not None and not pd.isna(rank):
        out["rank"] = f"{int(rank)} {lab['of']} {int(of)}" if not pd.isna(of) else str(int(rank))
    year = rec.get("year")
    if year is not None and not pd.isna(year):
        out["year"] = str(int(year))
    for field in ("source", "note"):
        if isinstance(rec.get(field), str) and rec[field]:
            out[field] = rec[field]
    est = rec.get("estimate")
    if isinstance(est, bool | np.bool_):
        out["estimate"] = lab["yes"] if est else lab["no"]
    elif isinstance(est, str) and est:
        out["estimate"] = est
    return out


def missing_text(rec: Mapping[Any, Any], lab: Mapping[str, str]) -> str:
    """What the hover says for an economy without a value: its note (why: "not applicable:
    landlocked", "not listed: unknown") where it has one, else "no data"."""
    note = rec.get("note")
    return note if isinstance(note, str) and note else lab["no_data"]


def _hover_lines(t: pd.DataFrame, lab: Mapping[str, str], digits: int) -> list[str]:
    out = []
    for rec in t.to_dict("records"):
        name = f"<b>{rec['name']}</b>"
        if pd.isna(rec["value"]):  # why there is none where known ("not applicable")
            out.append(f"{name}<br>{missing_text(rec, lab)}")
            continue
        texts = hover_texts(rec, lab, digits)  # type: ignore[arg-type]
        lines = [name, *(v if f == "note" else f"{lab[f]}: {v}" for f, v in texts.items())]
        out.append("<br>".join(lines))
    return out


def world_geos(fig: go.Figure, resolution: int, **ranges: Any) -> None:
    """The project's world map look (natural earth, grey land, pale sea, thin borders; no tiles
    from the network): the choropleth's and the Cities page's. `ranges` may set
    lataxis_range / lonaxis_range (default: the inhabited latitudes)."""
    fig.update_geos(
        resolution=resolution,
        projection_type="natural earth",
        showframe=False,
        showcoastlines=False,
        showcountries=True,
        countrycolor=palette.BORDER,
        countrywidth=0.4,
        showland=True,
        landcolor="#ececec",
        showocean=True,
        oceancolor="#f7fbff",
        showlakes=False,
        **({"lataxis_range": [-57, 84]} | ranges),
    )
