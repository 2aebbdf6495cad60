"""Figures of the country experiences: factor counts (limiting beside enabling) and a world map
of studies per economy. Tables in, Plotly figures out; no Streamlit (the page and the reports
share them). Every text a figure shows is escaped: Plotly reads HTML in its labels.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from readiness.experiences.vocabulary import factor_label, side_label
from readiness.figures import charts
from readiness.figures.maps import MAP_LABELS, choropleth
from readiness.i18n import format_number, format_percent, plotly_separators, translate
from readiness.uploads.safe import html_text

# Limiting on the left (read as "against"), enabling on the right; colours of the project's
# categorical palette that stay apart for colour-blind readers (orange against blue).
SIDE_COLOURS = {"limiting": "#d55e00", "enabling": "#0072b2"}
MAP_SCALE = [[0.0, "#e3eaf3"], [1.0, "#08306b"]]  # 0 studies pale, never the grey of "no data"
MAP_RESOLUTION = 110  # the screen map's shapes, as the world map page draws them


def _label(text: str) -> str:
    """A label of ours as Plotly text: markup characters escaped, apostrophes kept as they are
    (an axis category shows its text as given)."""
    return html.escape(text, quote=False)


def _of(n: int, total: int, lang: str) -> str:
    return translate(
        lang,
        "experiences_page.n_of",
        n=format_number(n, lang, 0),
        total=format_number(total, lang, 0),
    )


def factor_chart(counts: pd.DataFrame, lang: str = "en", *, title: str = "") -> go.Figure:
    """Limiting (left, bars growing leftwards) beside enabling (right) for one key's counts:
    rows factor, side, studies, n_studies (readiness.experiences.counts.factor_counts, one key).
    Every factor of the table gets its row, 0 shown as 0; the vocabulary's order top down."""
    factors = list(dict.fromkeys(counts["factor"]))
    names = [_label(factor_label(f, lang)) for f in factors]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.02,
        subplot_titles=[_label(side_label(s, lang)) for s in ("limiting", "enabling")],
    )
    top = 1
    for col, side in enumerate(("limiting", "enabling"), start=1):
        rows = counts[counts["side"] == side].set_index("factor").reindex(factors)
        n = rows["studies"].fillna(0).astype(int)
        total = rows["n_studies"].fillna(0).astype(int)
        top = max(top, int(n.max()) if len(n) else 0)
        hover = [
            f"<b>{name}</b><br>{html_text(side_label(side, lang))}: "
            f"{html_text(_of(k, m, lang))}"
            + (f" ({html_text(format_percent(k / m, lang))})" if m else "")
            for name, k, m in zip(names, n, total, strict=True)
        ]
        fig.add_trace(
            go.Bar(
                y=names,
                x=n.tolist(),
                orientation="h",
                marker={"color": SIDE_COLOURS[side]},
                text=[format_number(k, lang, 0) for k in n],
                textposition="outside",
                cliponaxis=False,
                hovertext=hover,
                hoverinfo="text",
                name=html_text(side_label(side, lang)),
                showlegend=False,
            ),
            row=1,
            col=col,
        )
    span = [0, top * 1.25 + 0.5]  # room for the counts written beside the bars
    fig.update_xaxes(range=span[::-1], row=1, col=1, showgrid=True, zeroline=True)
    fig.update_xaxes(range=span, row=1, col=2, showgrid=True, zeroline=True)
    fig.update_xaxes(tickformat="d", gridcolor="#eeeeee", dtick=max(1, round(top / 5)))
    fig.update_yaxes(autorange="reversed", automargin=True, row=1, col=1)
    fig.update_layout(separators=plotly_separators(lang), bargap=0.25, dragmode=False)
    charts.layout(fig, html_text(title), height=120 + 30 * len(factors))
    return fig


def economy_counts(
    studies: pd.DataFrame, names: Mapping[str, str], economies: list[str] | None = None
) -> pd.DataFrame:
    """Studies per economy: iso3, name, value (distinct studies naming it; every economy of
    `names`, or of `economies`, listed, 0 where none). A study naming three economies counts
    for each."""
    codes = (
        studies["economies"].fillna("").str.split(";").explode().str.strip().str.upper()
        if len(studies)
        else pd.Series(dtype=str)
    )
    counted = codes[codes != ""].value_counts()
    wanted = list(economies) if economies is not None else list(names)
    return pd.DataFrame(
        {
            "iso3": wanted,
            "name": [names.get(c, c) for c in wanted],
            "value": [int(counted.get(c, 0)) for c in wanted],
        }
    )


def studies_map(
    table: pd.DataFrame, lang: str = "en", *, points: pd.DataFrame | None = None, title: str = ""
) -> go.Figure:
    """The world map of studies per economy (table from `economy_counts`): darker with more
    studies, 0 pale (never the grey of "no data"); small states with a study get a marker."""
    shown = table.assign(name=table["name"].map(html_text))
    named = set(shown.loc[shown["value"] > 0, "iso3"])
    pts = points[points["iso3"].isin(named)] if points is not None else None
    top = max(1, int(shown["value"].max()) if len(shown) else 1)
    label = translate(lang, "experiences_page.map_value")
    labels = {k: html_text(translate(lang, f"map.hover.{k}")) for k in MAP_LABELS}
    with charts.numbers_in(lang):  # the hover's counts written as the language writes them
        fig = choropleth(
            shown,
            title=html_text(title),
            unit=html_text(label),
            points=pts,
            colorscale=MAP_SCALE,
            zrange=(0.0, float(top)),
            labels={**labels, "value": html_text(label)},
            digits=0,
            height=520,
            resolution=MAP_RESOLUTION,
        )
    fig.update_layout(separators=plotly_separators(lang))
    fig.update_coloraxes(colorbar={"tickformat": "d", "dtick": max(1, round(top / 5))})
    return fig


__all__ = ["economy_counts", "factor_chart", "studies_map"]
