"""Native PowerPoint charts (python-pptx chart objects) for the report's bar-type figures.

A workshop can restyle or re-sort them in PowerPoint; the data are the figure's own table, the
same numbers the image shows.
"""

from __future__ import annotations

import math

import pandas as pd
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Inches, Pt

from readiness.reports.model import FigureSpec
from readiness.uploads.safe import office_text

# Figure kind -> (category column, value columns or None for every other numeric column, bar type)
NATIVE: dict[str, tuple[str, tuple[str, ...] | None, XL_CHART_TYPE]] = {
    "component_bars": ("component", None, XL_CHART_TYPE.COLUMN_CLUSTERED),
    "member_bars": ("name", ("score",), XL_CHART_TYPE.BAR_CLUSTERED),
    "indicator_bars": ("indicator", ("score",), XL_CHART_TYPE.BAR_CLUSTERED),
    "gap_bars": ("indicator", ("progress",), XL_CHART_TYPE.BAR_CLUSTERED),
}


def chart_data(spec: FigureSpec) -> CategoryChartData:
    """The figure's table as chart data: categories and one series per value column."""
    category, columns, kind = NATIVE[spec.kind]
    frame = spec.data
    values = list(columns or [c for c in frame.columns if c != category])
    if kind == XL_CHART_TYPE.BAR_CLUSTERED:
        frame = frame.dropna(subset=values).sort_values(values[0], kind="stable")
    data = CategoryChartData()
    data.categories = [office_text(str(c)) for c in frame[category]]
    for col in values:
        numbers = pd.to_numeric(frame[col], errors="coerce")
        data.add_series(
            office_text(str(col)),
            [None if math.isnan(v) else round(float(v), 4) for v in numbers],
        )
    return data


def chart_slide(slide, spec: FigureSpec, width) -> None:
    """An editable bar chart of `spec` below the slide's title."""
    _, columns, kind = NATIVE[spec.kind]
    data = chart_data(spec)
    frame = slide.shapes.add_chart(
        kind, Inches(0.5), Inches(1.4), width - Inches(1.0), Inches(5.8), data
    )
    chart = frame.chart
    chart.has_legend = columns is None
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    chart.category_axis.tick_labels.font.size = Pt(9)
    chart.value_axis.tick_labels.font.size = Pt(9)
    chart.value_axis.has_major_gridlines = True
