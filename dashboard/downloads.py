"""Downloads of exactly what a page shows, as CSV and Excel, and charts paired with their table."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.i18n import grid, t
from readiness.figures import vega_maps
from readiness.figures.charts import APP_TOPOJSON_URL, plotly_config
from readiness.uploads.safe import neutralise_formulas, to_excel_bytes


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with a byte-order mark for spreadsheets); no cell can run as a formula."""
    return neutralise_formulas(table).to_csv(index=False).encode("utf-8-sig")


def excel_bytes(table: pd.DataFrame, sheet: str = "data") -> bytes:
    """One-sheet Excel workbook of the table; no cell is a formula or a link."""
    frame = table.copy()
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.api.extensions.ExtensionDtype):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return to_excel_bytes(frame, re.sub(r"[][:*?/\\\x00-\x1f'\x7f]", "", sheet)[:31] or "data")


def _slug(name: str) -> str:
    """A file name from a table's name: its letters and digits in any script, joined by "-"."""
    kept = (
        c if unicodedata.category(c)[0] in "LMN" else "-"
        for c in unicodedata.normalize("NFC", name.lower())
    )
    return re.sub(r"-+", "-", "".join(kept)).strip("-") or "table"


def offer(table: pd.DataFrame, name: str, key: str, image: go.Figure | None = None) -> None:
    """CSV and Excel downloads of `table` (built lazily, when the user clicks); with `image`,
    that figure as a PNG too (drawn by chromium on the click, as a report's charts are)."""
    slug = _slug(name)
    # One horizontal container, not st.columns: 3 messages to the browser instead of 6 per table
    # (a page with seven tables starts 21 messages lighter under fifty sessions).
    row = st.container(horizontal=True, gap="small")
    files = [
        ("csv", lambda: csv_bytes(table), "csv", "text/csv", "download"),
        ("excel", lambda: excel_bytes(table, name), "xlsx", XLSX, "download"),
    ]
    if image is not None:
        files.append(("image", lambda: image_png(image), "png", "image/png", "image"))
    for label, data, ext, mime, icon in files:
        row.download_button(
            t(f"download.{label}"),
            data=data,
            file_name=f"{slug}.{ext}",
            mime=mime,
            key=f"dl_{ext}_{key}",
            icon=f":material/{icon}:",
            on_click="ignore",
        )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMAGE_SIZE = (1400, 700, 2.0)  # width, height (px) and scale: sharp on a slide


def image_png(fig: go.Figure) -> bytes:
    """The figure as a PNG, drawn by the reports' chromium (readiness.reports.export)."""
    from readiness.reports.export import figure_png

    width, height, scale = IMAGE_SIZE
    # A copy: the export may change what it draws, and a shared figure is every session's.
    return figure_png(go.Figure(fig.to_dict()), width=width, height=height, scale=scale)


def table(
    frame: pd.DataFrame,
    name: str,
    key: str,
    height: int | str = "auto",
    digits: dict[str, int] | None = None,
) -> None:
    """A table and its downloads."""
    st.dataframe(**grid(frame, digits), hide_index=True, width="stretch", height=height)
    offer(frame, name, key)


# Starts fetching a map's shapes into Plotly's own store (window.PlotlyGeoAssets) while Plotly's
# script still loads; Plotly then draws from the store instead of fetching once it has started.
_PREFETCH_SHAPES = """<script>(() => {
  const w = window, name = "%(name)s";
  if (w.__shapes && w.__shapes[name]) return;
  w.__shapes = Object.assign(w.__shapes || {}, {[name]: true});
  fetch("%(url)s" + name + ".json").then(r => r.json()).then(d => {
    w.PlotlyGeoAssets = w.PlotlyGeoAssets || {topojson: {}};
    w.PlotlyGeoAssets.topojson[name] = w.PlotlyGeoAssets.topojson[name] || d;
  }).catch(() => {});
})();</script>"""


def prefetch_shapes(fig: go.Figure) -> None:
    """For a world map: fetch its topojson as soon as the page arrives, not after Plotly loads."""
    resolution = fig.layout.geo.resolution
    if resolution:
        with st.sidebar:
            html = _PREFETCH_SHAPES % {"name": f"world_{resolution}m", "url": APP_TOPOJSON_URL}
            st.html(html, unsafe_allow_javascript=True)


def figure(
    fig: go.Figure,
    frame: pd.DataFrame,
    name: str,
    key: str,
    *,
    on_select: str = "ignore",
    column_config: dict | None = None,
    lazy_table: bool = True,
    spec: dict | None = None,
) -> object:
    """A chart with its table one tab away, and downloads of that table; returns the event.

    With `spec`, a Vega-Lite spec of the same chart (readiness.figures.vega_maps), the page
    draws that, and `fig` is offered as a PNG: the browser then needs no Plotly to draw it.

    With `lazy_table` (the default) the table is drawn only once its tab is opened (a rerun):
    the browser then loads the data grid's scripts (1.5 MB) after the chart, not before it can
    draw, and a first load sends neither the table's message nor its Arrow copy (converting a
    table is a large share of the server's time when fifty sessions open a page at once). The
    table's downloads are in its tab too (three messages and two registered files fewer per
    chart on a first load); the map offers them, and its image, below its tabs.
    """
    if spec is None:
        prefetch_shapes(fig)
    if lazy_table:
        tabs = st.tabs([t("tabs.chart"), t("tabs.table")], key=f"tabs_{key}", on_change="rerun")
    else:
        tabs = st.tabs([t("tabs.chart"), t("tabs.table")])
    chart_tab, table_tab = tabs
    with chart_tab:
        kwargs: dict = {}
        if spec is not None:
            if on_select != "ignore":
                kwargs = {"on_select": on_select, "selection_mode": vega_maps.SELECTIONS}
            event = st.vega_lite_chart(spec, width="stretch", key=key, **kwargs)
        else:
            if on_select != "ignore":
                kwargs = {"on_select": on_select, "selection_mode": "points"}
            event = st.plotly_chart(
                fig, width="stretch", config=plotly_config(filename=_slug(name)), key=key, **kwargs
            )
    with table_tab:
        if not lazy_table or table_tab.open:
            st.dataframe(
                **grid(frame, column_config=column_config), hide_index=True, width="stretch"
            )
            if spec is None:  # a Plotly chart's own toolbar saves its image
                offer(frame, name, key)
    if spec is not None:  # the map: its data and, drawn by Plotly, its image
        offer(frame, name, key, image=fig)
    return event
