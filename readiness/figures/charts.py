"""Figure builders shared by the dashboard and the reports: tables in, Plotly figures out.

No Streamlit here. Every builder takes a tidy table (or a wide matrix), labels for the words it
shows (English defaults; the dashboard passes translated ones) and returns a `go.Figure`.
Maps are in `maps`; every figure shares this module's template, number format and
`plotly_config()`, which points Plotly at the topojson served locally (nothing draws offline
without it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from readiness.figures import palette
from readiness.i18n import format_number
from readiness.paths import STATIC_DIR

TOPOJSON_DIR = STATIC_DIR / "topojson"
# Relative to the page, so it works on sub-pages and under a base URL path.
APP_TOPOJSON_URL = "app/static/topojson/"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def plotly_config(topojson_url: str = APP_TOPOJSON_URL, filename: str = "chart") -> dict:
    """The Plotly config every chart is shown with: local topojson, no logo, PNG export name."""
    return {
        "topojsonURL": topojson_url,
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def file_topojson_url() -> str:
    """A file:// URL of the local topojson folder, for static image export (kaleido)."""
    return Path(TOPOJSON_DIR).resolve().as_uri() + "/"


# One template holds the shared look, so each figure sets it in one cheap assignment.
TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": FONT, "size": 14, "color": palette.TEXT},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"font": {"family": FONT}},
        "colorway": list(palette.CATEGORICAL),
    }
)


def layout(fig: go.Figure, title: str = "", height: int | None = None) -> go.Figure:
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        height=height,
    )
    return fig


# The language chart texts write their numbers in (Babel's marks), for the figures built inside
# `numbers_in(lang)`; None writes them as Python does ("12,345.6"), as English reports' charts do.
_NUMBER_LANGUAGE: ContextVar[str | None] = ContextVar("number_language", default=None)


@contextlib.contextmanager
def numbers_in(lang: str) -> Iterator[None]:
    """Figures built inside write the numbers of their texts as `lang` does ("54,4" in French)."""
    token = _NUMBER_LANGUAGE.set(lang)
    try:
        yield
    finally:
        _NUMBER_LANGUAGE.reset(token)


def fmt(value: float, digits: int = 1, thousands: bool = True) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value):
        return ""
    lang = _NUMBER_LANGUAGE.get()
    if lang is not None:
        return format_number(float(value), lang, digits, grouping=thousands)
    return f"{value:,.{digits}f}" if thousands else f"{value:.{digits}f}"


# --- bars, lines, radar, heat maps ---------------------------------------------------------------
def bars(
    table: pd.DataFrame,
    *,
    category: str,
    value: str,
    series: str | None = None,
    title: str = "",
    unit: str = "",
    horizontal: bool = True,
    highlight: str | None = None,
    accent: Sequence[str] = (),
    digits: int = 1,
    height: int | None = None,
) -> go.Figure:
    """Bars of `value` per `category`, grouped by `series` when given (one colour each).

    Without series, `highlight` (one category) or `accent` (several, e.g. groups beside
    economies) get the second colour.
    """
    fig = go.Figure()
    groups = [(None, table)] if series is None else list(table.groupby(series, sort=False))
    for i, (name, rows) in enumerate(groups):
        colours: str | list[str] = palette.colour(i)
        marked = {highlight, *accent} - {None}
        if marked and series is None:
            colours = [
                palette.CATEGORICAL[1] if c in marked else palette.CATEGORICAL[0]
                for c in rows[category]
            ]
        text = [fmt(v, digits) for v in rows[value]]
        kw = (
            {"y": rows[category], "x": rows[value], "orientation": "h"}
            if horizontal
            else {"x": rows[category], "y": rows[value]}
        )
        fig.add_trace(
            go.Bar(
                **kw,
                name=str(name) if name is not None else value,
                marker_color=colours,
                text=text,
                textposition="outside",
                textfont={"size": 12},
                cliponaxis=False,
                hovertemplate="%{"
                + ("y" if horizontal else "x")
                + "}: %{text}<extra>"
                + (str(name) if name is not None else "")
                + "</extra>",
            )
        )
    fig.update_layout(barmode="group", showlegend=series is not None)
    axis = {"title": {"text": unit}}
    if horizontal:
        fig.update_xaxes(**axis, gridcolor="#e5e5e5")
        fig.update_yaxes(autorange="reversed")
    else:
        fig.update_yaxes(**axis, gridcolor="#e5e5e5")
    if height is None:
        n = table[category].nunique()
        k = 1 if series is None else max(1, table[series].nunique())
        height = max(260, min(1400, 60 + n * (18 + 10 * k))) if horizontal else 420
    return layout(fig, title, height)


def lines(
    table: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    title: str = "",
    unit: str = "",
    dash: str | None = None,
    height: int = 420,
) -> go.Figure:
    """One line per `series` over `x` (years); missing points leave gaps, never zeros."""
    fig = go.Figure()
    for i, (name, rows) in enumerate(table.groupby(series, sort=False)):
        rows = rows.sort_values(x)
        style = {"color": palette.colour(i), "width": 2.5}
        if dash is not None and bool(rows[dash].iloc[0]):
            style["dash"] = "dot"
        fig.add_trace(
            go.Scatter(
                x=rows[x],
                y=rows[y],
                mode="lines+markers",
                name=str(name),
                line=style,
                connectgaps=False,
                hovertemplate=f"{name}<br>%{{x}}: %{{y:,.1f}}<extra></extra>",
            )
        )
    n_years = table[x].nunique()
    fig.update_xaxes(dtick=1 if n_years <= 15 else 5, gridcolor="#eeeeee")
    fig.update_yaxes(title={"text": unit}, gridcolor="#e5e5e5")
    fig.update_layout(legend={"orientation": "h", "y": -0.15})
    return layout(fig, title, height)


def radar(
    table: pd.DataFrame,
    *,
    axis: str,
    value: str,
    series: str,
    title: str = "",
    range_: tuple[float, float] = (0, 100),
    height: int = 480,
) -> go.Figure:
    """A radar (polar) chart: one closed line per `series` across the `axis` categories."""
    fig = go.Figure()
    for i, (name, rows) in enumerate(table.groupby(series, sort=False)):
        theta = [*rows[axis].tolist(), rows[axis].iloc[0]]
        r = [*rows[value].tolist(), rows[value].iloc[0]]
        fig.add_trace(
            go.Scatterpolar(
                r=r,
                theta=theta,
                name=str(name),
                line={"color": palette.colour(i), "width": 2.5},
                fill="toself",
                opacity=0.55,
                hovertemplate=f"{name}<br>%{{theta}}: %{{r:,.1f}}<extra></extra>",
            )
        )
    fig.update_layout(
        polar={"radialaxis": {"range": list(range_), "angle": 90, "tickfont": {"size": 10}}},
        showlegend=True,
    )
    fig = layout(fig, title, height)
    fig.update_layout(margin={"l": 110, "r": 110})  # room for the axis labels around the circle
    return fig


def heatmap(
    matrix: pd.DataFrame,
    *,
    title: str = "",
    unit: str = "",
    colorscale: str | list = palette.SEQUENTIAL,
    reverse: bool = False,
    zrange: tuple[float, float] | None = None,
    zmid: float | None = None,
    text: bool = True,
    digits: int = 0,
    thousands: bool = True,
    height: int | None = None,
) -> go.Figure:
    """Rows x columns coloured by value; missing cells stay blank (the grey background)."""
    z = matrix.to_numpy(dtype=float)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(c) for c in matrix.columns],
            y=[str(i) for i in matrix.index],
            colorscale=colorscale,
            reversescale=reverse,
            zmin=None if zrange is None else zrange[0],
            zmax=None if zrange is None else zrange[1],
            zmid=zmid,
            text=[[fmt(v, digits, thousands) for v in row] for row in z] if text else None,
            texttemplate="%{text}" if text else None,
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>"
            if text
            else "%{y}<br>%{x}: %{z:,.1f}<extra></extra>",
            colorbar={
                "title": {"text": unit},
                "thickness": 14,
                "tickformat": ",.0f" if thousands else "d",
            },
            hoverongaps=True,
            xgap=1,
            ygap=1,
        )
    )
    fig.update_layout(plot_bgcolor=palette.NO_DATA)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top", automargin=True, tickangle=-40)
    longest = max((len(str(c)) for c in matrix.columns), default=0)
    top = min(260, 40 + 6 * longest)  # room for the slanted column labels
    row = 34 if len(matrix) <= 20 else 18
    fig = layout(fig, title, height or max(260, min(4200, top + 60 + row * len(matrix))))
    fig.update_layout(plot_bgcolor=palette.NO_DATA)
    return fig


# --- the framework and the method --------------------------------------------------------------
def sunburst(tree: pd.DataFrame, *, title: str = "", height: int = 560) -> go.Figure:
    """The framework as a sunburst: tree has id, parent, label and value (effective weight)."""
    fig = go.Figure(
        go.Sunburst(
            ids=tree["id"],
            parents=tree["parent"].fillna(""),
            labels=tree["label"],
            values=tree["value"],
            branchvalues="total",
            hovertemplate="<b>%{label}</b><br>%{value:.1%}<extra></extra>",
            insidetextorientation="radial",
            marker={"colors": tree.get("colour")},
        )
    )
    return layout(fig, title, height)


def rank_intervals(
    table: pd.DataFrame,
    *,
    title: str = "",
    highlight: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
    height: int | None = None,
) -> go.Figure:
    """Nominal rank and its 5-95% interval per unit (name, nominal_rank, rank_p05, rank_p95)."""
    lab = {"nominal": "Rank", "interval": "5-95% of samples", **(labels or {})}
    t = table.dropna(subset=["nominal_rank"]).sort_values("nominal_rank")
    hit = t["name"].isin(highlight) if highlight else pd.Series(False, index=t.index)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=t["nominal_rank"],
            y=t["name"],
            mode="markers",
            name=lab["nominal"],
            marker={
                "color": np.where(hit, palette.CATEGORICAL[5], palette.CATEGORICAL[0]).tolist(),
                "size": np.where(hit, 11, 6).tolist(),
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (t["rank_p95"] - t["nominal_rank"]).clip(lower=0),
                "arrayminus": (t["nominal_rank"] - t["rank_p05"]).clip(lower=0),
                "color": "#7f7f7f",
                "thickness": 1.2,
                "width": 0,
            },
            customdata=t[["rank_p05", "rank_p95"]],
            hovertemplate=(
                "<b>%{y}</b><br>"
                + lab["nominal"]
                + ": %{x}<br>"
                + lab["interval"]
                + ": %{customdata[0]:.0f}-%{customdata[1]:.0f}<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(range=[len(t) - 0.5, -0.5], tickfont={"size": 10}, automargin=True, dtick=1)
    fig.update_xaxes(title={"text": lab["nominal"]}, gridcolor="#e5e5e5", side="top")
    return layout(fig, title, height or max(400, 14 * len(t) + 80))


def rank_shift(
    table: pd.DataFrame, *, title: str = "", labels: Mapping[str, str] | None = None
) -> go.Figure:
    """Rank under the default method against the what-if rank (name, default_rank, rank)."""
    lab = {"default": "Default rank", "new": "What-if rank", **(labels or {})}
    t = table.dropna(subset=["default_rank", "rank"])
    moved = t["default_rank"] != t["rank"]
    fig = go.Figure(
        go.Scatter(
            x=t["default_rank"],
            y=t["rank"],
            mode="markers",
            text=t["name"],
            marker={
                "color": np.where(moved, palette.CATEGORICAL[5], palette.CATEGORICAL[0]).tolist(),
                "size": 7,
            },
            hovertemplate="<b>%{text}</b><br>"
            + lab["default"]
            + ": %{x}<br>"
            + lab["new"]
            + ": %{y}<extra></extra>",
        )
    )
    n = float(max(t["default_rank"].max(), t["rank"].max())) if len(t) else 1.0
    fig.add_shape(type="line", x0=1, y0=1, x1=n, y1=n, line={"color": "#aaaaaa", "dash": "dot"})
    fig.update_xaxes(title={"text": lab["default"]}, autorange="reversed")
    fig.update_yaxes(title={"text": lab["new"]}, autorange="reversed")
    return layout(fig, title, 460)


__all__ = [
    "APP_TOPOJSON_URL",
    "bars",
    "file_topojson_url",
    "heatmap",
    "lines",
    "plotly_config",
    "radar",
    "rank_intervals",
    "rank_shift",
    "sunburst",
]
