"""Chart builders the reports need: plain functions, tables in, Plotly figures out.

Same kind of functions as `charts` (to be merged there); `render(spec)` turns a report's
FigureSpec into a figure. Labels are passed as data, never as markup: plotly treats a few HTML
tags in text as markup, so every label is escaped with `_label` first.
"""

from __future__ import annotations

import contextlib
import functools
import html
import re
import textwrap
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from readiness.errors import ReadinessError
from readiness.figures import palette
from readiness.figures.charts import fmt, numbers_in
from readiness.i18n import plotly_separators
from readiness.paths import DATA_DIR

# The dashboard's colours (colour-blind safe); DejaVu first because chromium renders the
# images on Debian, where the dashboard's system-ui stack resolves to it anyway.
FONT = "DejaVu Sans, Arial, sans-serif"
CATEGORICAL = palette.CATEGORICAL
NO_DATA = palette.NO_DATA
BAND_COLOURS = palette.BANDS
# Report maps show a region or a group, never less: at 180 mm across, Plotly's 110m shapes look
# as the 50m ones do (economies too small for a 110m shape keep their marker), and chromium
# draws them in a third of the time (0.07 s against 0.2 s a map; a batch draws one a member).
REPORT_RESOLUTION = 110


def _label(text: object) -> str:
    """Plotly renders <b>, <br>, <a href> in text: escape so a label is shown literally."""
    return html.escape(str(text), quote=False)


def _wrapped(text: object, width: int = 40) -> str:
    """A long axis label on lines of at most `width` characters (escaped, joined by <br>), so
    the labels leave the bars most of the chart's width."""
    kept = re.sub(r"(\d) (?=[A-Za-z])", "\\1\N{NO-BREAK SPACE}", str(text))  # "5 GB" on one line
    lines = textwrap.wrap(kept, width) or [""]
    return "<br>".join(map(_label, lines))


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": _label(title), "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": 13, "color": palette.TEXT},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height,
    )
    return fig


@functools.cache
def _small_state_points() -> pd.DataFrame:
    path = DATA_DIR / "geo" / "points.csv"
    if not path.exists():
        return pd.DataFrame(columns=["iso3", "lon", "lat"])
    return pd.read_csv(path, dtype={"iso3": "string"})


def score_map(
    table: pd.DataFrame,
    title: str = "",
    highlight: str = "",
    labels: Mapping[str, str] | None = None,
    unit: str = "Index",
) -> go.Figure:
    """Scores (iso3, name, score) on Plotly's 110m map, zoomed to the economies shown.

    With `highlight`, that economy gets a bold outline; otherwise economies outside the table
    are greyed out. Small states are drawn as markers, as on the dashboard.
    """
    from readiness.figures import maps

    data = table.rename(columns={"score": "value"})[["iso3", "name", "value"]]
    members = [highlight] if highlight else list(data["iso3"])
    fig = maps.choropleth(
        data,
        title=_label(title),
        unit=_label(unit),
        points=_small_state_points(),
        members=members,
        mode="highlight" if highlight else "filter",
        zrange=(0.0, 100.0),
        labels={k: _label(v) for k, v in (labels or {}).items()},
        height=520,
        resolution=REPORT_RESOLUTION,
    )
    fig.update_geos(fitbounds="locations", lataxis_range=None)
    fig.update_layout(font={"family": FONT})
    return fig


def component_bars(table: pd.DataFrame, title: str = "") -> go.Figure:
    """Grouped horizontal bars: one row per component, one series per remaining column."""
    fig = go.Figure()
    series = [c for c in table.columns if c != "component"]
    for i, col in enumerate(series):
        values = table[col].astype(float)
        fig.add_trace(
            go.Bar(
                y=[_label(c) for c in table["component"]],
                x=values,
                orientation="h",
                name=_label(col),
                marker_color=CATEGORICAL[i % len(CATEGORICAL)],
                text=["" if np.isnan(v) else fmt(round(v, 4)) for v in values],
                textposition="outside",
            )
        )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.12})
    fig.update_xaxes(range=[0, 110], title={"text": "Score (0-100)"}, gridcolor="#e5e5e5")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, 160 + 28 * len(table) * max(1, len(series)))


def member_bars(table: pd.DataFrame, title: str = "") -> go.Figure:
    """One bar per member (name, score), highest first; members not scored are left out."""
    rows = table[table["score"].notna()].sort_values("score", ascending=False)
    fig = go.Figure(
        go.Bar(
            y=[_label(n) for n in rows["name"]],
            x=rows["score"],
            orientation="h",
            marker_color=CATEGORICAL[0],
            text=[fmt(round(v, 4)) for v in rows["score"]],
            textposition="outside",
        )
    )
    fig.update_xaxes(range=[0, 110], title={"text": "Readiness index (0-100)"}, gridcolor="#e5e5e5")
    fig.update_yaxes(autorange="reversed", tickfont={"size": 10})
    return _layout(fig, title, max(320, 80 + 16 * len(rows)))


def indicator_bars(
    table: pd.DataFrame, title: str = "", labels: Mapping[str, str] | None = None
) -> go.Figure:
    """Normalised indicator scores (indicator, pillar, score) coloured by pillar.

    `labels` may give the "no data" bar text in the report's language.
    """
    no_data = _label((labels or {}).get("no data", "no data"))
    fig = go.Figure()
    for i, (pillar, rows) in enumerate(table.groupby("pillar", sort=False)):
        fig.add_trace(
            go.Bar(
                y=[_label(n) for n in rows["indicator"]],
                x=rows["score"].fillna(0),
                orientation="h",
                name=_label(pillar),
                marker_color=CATEGORICAL[i % len(CATEGORICAL)],
                text=[no_data if np.isnan(v) else fmt(round(v, 4)) for v in rows["score"]],
                textposition="outside",
            )
        )
    fig.update_xaxes(range=[0, 115], title={"text": "Score (0-100)"}, gridcolor="#e5e5e5")
    fig.update_yaxes(autorange="reversed", tickfont={"size": 10})
    fig.update_layout(legend={"orientation": "h", "y": -0.12})
    return _layout(fig, title, 140 + 22 * len(table))


def spread_box(table: pd.DataFrame, title: str = "") -> go.Figure:
    """Box plots of each column's values (members x pillars), all points shown."""
    fig = go.Figure()
    for i, col in enumerate(table.columns):
        fig.add_trace(
            go.Box(
                x=table[col].dropna(),
                name=_label(col),
                boxpoints="all",
                jitter=0.4,
                marker_color=CATEGORICAL[i % len(CATEGORICAL)],
                orientation="h",
            )
        )
    fig.update_xaxes(range=[0, 100], title={"text": "Score (0-100)"}, gridcolor="#e5e5e5")
    fig.update_layout(showlegend=False)
    return _layout(fig, title, 160 + 60 * len(table.columns))


def gap_bars(
    table: pd.DataFrame, title: str = "", labels: Mapping[str, str] | None = None
) -> go.Figure:
    """Progress towards each 2030 target (indicator, progress 0-100, band), coloured by band.

    `band` holds ITU's band names in English (they choose the colour); `labels` may give the
    names the bars print, in the report's language.
    """
    rows = table.copy()
    shown = {str(b): _label((labels or {}).get(str(b), str(b))) for b in rows["band"]}
    fig = go.Figure(
        go.Bar(
            y=[_wrapped(n) for n in rows["indicator"]],
            x=rows["progress"].fillna(0),
            orientation="h",
            marker_color=[BAND_COLOURS.get(str(b), NO_DATA) for b in rows["band"]],
            text=[
                shown[str(b)] if np.isnan(p) else f"{fmt(round(p, 4))} ({shown[str(b)]})"
                for p, b in zip(rows["progress"], rows["band"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,  # the range leaves room for the label of a bar at 100
        )
    )
    fig.add_vline(x=100, line_dash="dot", line_color="#555555")
    fig.update_xaxes(range=[0, 135], title={"text": "Progress to the 2030 target (%)"})
    fig.update_yaxes(autorange="reversed", tickfont={"size": 10})
    lines = max((name.count("<br>") + 1 for name in fig.data[0].y), default=1)
    return _layout(fig, title, 140 + (14 + 12 * lines) * len(rows))


_BUILDERS: dict[str, Callable[[Any], go.Figure]] = {
    "map": lambda spec: score_map(
        spec.data,
        spec.title,
        spec.option("highlight", ""),
        dict(spec.option("labels", ())),  # in the report's language (readiness.reports.localise)
        spec.option("unit", "Index"),
    ),
    "component_bars": lambda spec: component_bars(spec.data, spec.title),
    "member_bars": lambda spec: member_bars(spec.data, spec.title),
    "indicator_bars": lambda spec: indicator_bars(
        spec.data, spec.title, dict(spec.option("labels", ()))
    ),
    "spread_box": lambda spec: spread_box(spec.data, spec.title),
    "gap_bars": lambda spec: gap_bars(spec.data, spec.title, dict(spec.option("labels", ()))),
}


def register(kind: str, builder: Callable[[Any], go.Figure]) -> None:
    """Let `render` draw figure specs of `kind` with `builder` (a higher layer's chart, such as
    the experiences section's, which this layer cannot import); the first registration holds."""
    _BUILDERS.setdefault(kind, builder)


def render(spec) -> go.Figure:
    """The figure for a report FigureSpec."""
    builder = _BUILDERS.get(spec.kind)
    if builder is None:
        raise ReadinessError(f"no chart builder for figure kind {spec.kind!r}")
    lang = spec.option("lang")  # set by readiness.reports.localise; English when absent
    with numbers_in(lang) if lang else contextlib.nullcontext():
        fig = builder(spec)
    if lang:
        fig.update_layout(separators=plotly_separators(lang))
    axis = spec.option("axis_title")  # in the report's language (readiness.reports.localise)
    if axis:
        fig.update_xaxes(title={"text": _label(axis)})
    return fig


def figure_size(fig: go.Figure) -> tuple[int, int]:
    """Width and height to export at: the layout's height, a page-wide width."""
    height = int(fig.layout.height or 500)
    return 900, min(max(height, 300), 1200)
