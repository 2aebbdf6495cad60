"""The Cities page's tables and figures, built from the core's results in one language.

No Streamlit here: each builder takes a CityScore (readiness.cities.scoring), stored values or a
NationalContext and a language, and returns a table with translated headers and labels (numbers
stay numbers; the page writes them as the language does) or a Plotly figure. User text (names,
sources, notes) is left as it is: tables show it as text, and figures get it escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from readiness.cities.columns import TEMPLATE_COLUMNS, column_label
from readiness.cities.kpis import (
    class_label,
    data_point_label,
    kpi_name,
    kpi_points,
    level_name,
    load_kpis,
    unit_label,
)
from readiness.cities.national import NationalContext
from readiness.cities.scoring import CityScore
from readiness.figures import charts
from readiness.i18n import MISSING, format_percent, has, plotly_separators, translate
from readiness.uploads.safe import html_text

COUNTS = (
    "kpis",
    "reported",
    "reported_core",
    "reported_advanced",
    "scored",
    "scored_core",
    "scored_advanced",
)
LEVELS = {
    "dimension": ("dimension",),
    "sub_dimension": ("dimension", "sub_dimension"),
    "category": ("dimension", "sub_dimension", "category"),
}


def col(lang: str, name: str) -> str:
    """A column header of the page's tables in `lang`."""
    return translate(lang, f"cities_page.col.{name}")


def kpi_label(code: str, point: str, lang: str) -> str:
    """A KPI's name in `lang`, with its data point where it has several ("... (4G)")."""
    name = kpi_name(code, lang)
    return f"{name} ({data_point_label(point, lang)})" if point else name


def _verification(lang: str) -> dict[str, str]:
    kpis = load_kpis()
    return {
        code: translate(lang, f"cities_page.verification.{level}")
        for code, level in kpis[["code", "verification_level"]].itertuples(index=False)
    }


def kpi_tables(score: CityScore, lang: str) -> dict[str, pd.DataFrame]:
    """One table per dimension (keyed by its English name): each KPI and data point with its
    value, unit, year, target and where the target comes from, percent of target, band, why it
    is not scored, data quality, source and how far its definition is verified."""
    k = score.kpis
    status = k["reason"].map(
        lambda r: translate(lang, f"u4ssc.reason.{r}") if r else _t(lang, "status_scored")
    )
    source_kind = k["target_source"].map(
        lambda s: translate(lang, f"u4ssc.target_source.{s}") if s else ""
    )
    verified = _verification(lang)
    table = pd.DataFrame(
        {
            col(lang, "sub_dimension"): k["sub_dimension"].map(
                lambda n: level_name("sub_dimension", n, lang)
            ),
            col(lang, "category"): k["category"].map(lambda n: level_name("category", n, lang)),
            col(lang, "code"): k["code"],
            col(lang, "kpi"): [
                kpi_label(c, p, lang) for c, p in zip(k["code"], k["data_point"], strict=True)
            ],
            col(lang, "class"): k["core_advanced"].map(lambda c: class_label(c, lang)),
            col(lang, "value"): k["value"].astype(float),
            col(lang, "unit"): k["unit"].map(lambda u: unit_label(u, lang)),
            col(lang, "year"): k["year"].astype("Int64"),
            col(lang, "target"): k["target"].astype(float),
            col(lang, "target_source"): source_kind,
            col(lang, "target_reference"): k["target_reference"],
            col(lang, "percent_of_target"): k["percent_of_target"].astype(float),
            col(lang, "band"): k["band"].astype("Int64"),
            col(lang, "status"): status,
            col(lang, "data_quality"): k["data_quality"].map(
                lambda q: translate(lang, f"u4ssc.data_quality.{q}") if q else ""
            ),
            col(lang, "source"): k["source"],
            col(lang, "note"): k["note"],
            col(lang, "verification"): k["code"].map(verified),
        }
    )
    return {
        str(dim): table[(k["dimension"] == dim).to_numpy()].reset_index(drop=True)
        for dim in k["dimension"].drop_duplicates()
    }


def reported_only(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows of a KPI table that carry a value."""
    return table[table[col(lang, "value")].notna()].reset_index(drop=True)


def _t(lang: str, key: str, **values: object) -> str:
    return translate(lang, f"cities_page.{key}", **values)


def level_table(score: CityScore, level: str, lang: str) -> pd.DataFrame:
    """A level's scores (dimension, sub-dimension or category) with the counts beside each."""
    frame = {
        "dimension": score.dimensions,
        "sub_dimension": score.sub_dimensions,
        "category": score.categories,
    }[level]
    out = pd.DataFrame(
        {
            col(lang, key): frame[key].map(lambda n, k=key: level_name(k, n, lang))
            for key in LEVELS[level]
        }
    )
    out[col(lang, "score")] = frame["score"].astype(float)
    for name in COUNTS:
        out[col(lang, name)] = frame[name].astype("int64")
    return out


@dataclass(frozen=True)
class Completeness:
    """How much of the framework a city reports: KPIs (not data points), core among them."""

    reported: int
    total: int
    core_reported: int
    core_total: int
    advanced_reported: int
    scored: int


def completeness(score: CityScore) -> Completeness:
    done = score.completeness()  # per class, each KPI counted once

    def cell(cls: str, column: str) -> int:
        return int(done.loc[cls, column]) if cls in done.index else 0

    return Completeness(
        reported=int(done["reported"].sum()),
        total=int(done["kpis"].sum()),
        core_reported=cell("Core", "reported"),
        core_total=cell("Core", "kpis"),
        advanced_reported=cell("Advanced", "reported"),
        scored=int(done["scored"].sum()),
    )


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    note: str


def dimension_metrics(score: CityScore, lang: str) -> list[Metric]:
    """Each dimension's score as the language writes it, with its counts beside it."""
    out = []
    for row in score.dimensions.to_dict("records"):
        points = float(row["score"])
        value = MISSING if pd.isna(points) else format_percent(points / 100, lang, 1)
        note = _t(
            lang,
            "counts",
            reported=row["reported"],
            core=row["reported_core"],
            advanced=row["reported_advanced"],
            scored=row["scored"],
        )
        out.append(Metric(level_name("dimension", str(row["dimension"]), lang), value, note))
    return out


def national_table(
    ctx: NationalContext,
    score: CityScore,
    names: dict[str, str],
    units: dict[str, str],
    sources: dict[str, str],
    lang: str,
) -> pd.DataFrame:
    """Each city KPI a national indicator matches: the city's value beside the national one,
    with its year and source, and whether the two are in the same unit (the note says how they
    differ; no ratio is drawn between different units)."""
    ind = ctx.indicators
    city = score.kpis.set_index(["code", "data_point"])["value"]
    city_values = [
        city.get((c, p), np.nan) for c, p in zip(ind["kpi_code"], ind["data_point"], strict=True)
    ]
    return pd.DataFrame(
        {
            col(lang, "kpi"): [
                kpi_label(c, p, lang)
                for c, p in zip(ind["kpi_code"], ind["data_point"], strict=True)
            ],
            col(lang, "city_value"): pd.Series(city_values, dtype=float),
            col(lang, "indicator"): ind["indicator"].map(lambda c: names.get(c, c)),
            col(lang, "national_value"): ind["value"].astype(float),
            col(lang, "unit"): ind["indicator"].map(lambda c: units.get(c, "")),
            col(lang, "year"): ind["year"].astype("Int64"),
            col(lang, "source"): ind["source"].map(lambda s: sources.get(s, s)),
            col(lang, "same_unit"): ind["same_unit"].map(
                lambda same: _t(lang, "same_yes" if same else "same_no")
            ),
            col(lang, "national_in_kpi_unit"): ind["value_in_kpi_unit"].astype(float),
            col(lang, "note"): [
                _t(lang, f"national_unit.{c}") if has(f"cities_page.national_unit.{c}") else note
                for c, note in zip(ind["indicator"], ind["note"], strict=True)
            ],
        }
    )


def compare_tables(
    scores: list[tuple[str, CityScore]], lang: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Dimension and sub-dimension scores of several cities (labelled), with their counts."""
    tables = []
    for level in ("dimension", "sub_dimension"):
        parts = []
        for label, score in scores:
            table = level_table(score, level, lang)
            table.insert(0, col(lang, "city"), label)
            parts.append(table)
        tables.append(pd.concat(parts, ignore_index=True))
    return tables[0], tables[1]


def compare_figure(dims: pd.DataFrame, lang: str) -> go.Figure:
    """Grouped bars: each dimension's score, one colour per city (a missing score: no bar)."""
    shown = dims.assign(**{col(lang, "city"): dims[col(lang, "city")].map(html_text)})
    with charts.numbers_in(lang):
        fig = charts.bars(
            shown,
            category=col(lang, "dimension"),
            value=col(lang, "score"),
            series=col(lang, "city"),
            unit=_t(lang, "score_axis"),
            horizontal=True,
        )
    fig.update_xaxes(range=[0, 105])
    fig.update_layout(separators=plotly_separators(lang))
    return fig


def values_download(values: pd.DataFrame, targets: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A city's stored values as a filled template (headers and labels in `lang`): the file
    can be corrected and imported again."""
    points = kpi_points().set_index(["code", "data_point"])
    aims = {(str(a["kpi_code"]), str(a["data_point"])): a for a in targets.to_dict("records")}
    rows = []
    for v in values.to_dict("records"):
        code, point = str(v["kpi_code"]), str(v["data_point"])
        key = (code, point)
        aim = aims.get(key)
        rows.append(
            {
                "kpi_code": code,
                "data_point": data_point_label(point, lang),
                "kpi_name": kpi_name(code, lang),
                "unit": unit_label(str(points.loc[key, "unit"]), lang)
                if key in points.index
                else v["unit"],
                "year": int(v["year"]),
                "value": float(v["value"]),
                "source": v["source"],
                "data_quality": v["data_quality"],
                "note": v["note"],
                "target": np.nan if aim is None else float(aim["target"]),
                "target_direction": "" if aim is None else aim["direction"],
                "target_source": "" if aim is None else aim["source"],
            }
        )
    frame = pd.DataFrame(rows, columns=list(TEMPLATE_COLUMNS))
    return frame.rename(columns={c: column_label(c, lang) for c in TEMPLATE_COLUMNS})


__all__ = [
    "Completeness",
    "Metric",
    "col",
    "compare_figure",
    "compare_tables",
    "completeness",
    "dimension_metrics",
    "kpi_label",
    "kpi_tables",
    "level_table",
    "national_table",
    "reported_only",
    "values_download",
]
