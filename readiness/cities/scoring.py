"""U4SSC scoring of one city: each KPI's percent of target to a band of 1-4 points, then the
points summed to % scores per category, sub-dimension and dimension (docs/CITIES.md).

- The value of each KPI and data point is its latest (at or before `year` when one is asked).
- Its target is the user's when there is one, else a documented reference (targets.yaml);
  without a target, or without knowing whether higher or lower is better, it is shown but not
  scored. Missing values are never 0.
- Percent of target: value / target x 100 when higher is better, target / value x 100 when
  lower is better (a value of 0 meets any ceiling); capped at 100, floored at 0.
- Band: under 33% = 1, 33% to under 66% = 2, 66% to under 95% = 3, 95% and over = 4.
- A KPI with several data points (3G and 4G, pollutants, mode shares) counts once: its points
  are the mean of the bands of its scored data points.
- A level's score = points of its scored KPIs / (4 x KPIs scored) x 100; beside it the KPIs
  reported and scored, each split into core and advanced (the Wi-Fi KPI, whose class is
  unresolved, is in the totals only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from readiness.cities.kpis import kpi_points
from readiness.cities.targets import load_targets
from readiness.errors import ReadinessError

BAND_EDGES = (33.0, 66.0, 95.0)
MAX_POINTS = 4
KPI_SCORE_COLUMNS = (
    "code", "data_point", "name", "dimension", "sub_dimension", "category", "core_advanced",
    "unit", "value", "year", "source", "data_quality", "note", "target", "target_source",
    "target_reference", "target_url", "direction", "percent_of_target", "band", "reason",
)  # fmt: skip
COUNT_COLUMNS = (
    "kpis", "reported", "reported_core", "reported_advanced", "scored", "scored_core",
    "scored_advanced", "points", "max_points", "score",
)  # fmt: skip
LEVEL_KEYS = {
    "dimension": ("dimension",),
    "sub_dimension": ("dimension", "sub_dimension"),
    "category": ("dimension", "sub_dimension", "category"),
}
TARGET_INPUT_COLUMNS = ("kpi_code", "data_point", "target", "direction", "source")
CLASSES = ("Core", "Advanced", "Unresolved")  # a KPI's class in the U4SSC list


@dataclass(frozen=True, eq=False)
class CityScore:
    """A city's scores: one row per KPI and data point (`kpis`: KPI_SCORE_COLUMNS), and per
    category, sub-dimension and dimension (their keys, then COUNT_COLUMNS)."""

    kpis: pd.DataFrame
    categories: pd.DataFrame
    sub_dimensions: pd.DataFrame
    dimensions: pd.DataFrame
    year: int | None = None

    def per_kpi(self) -> pd.DataFrame:
        """One row per KPI (its data points together): code, dimension, sub_dimension,
        core_advanced, reported (any data point has a value), scored (any has a band)."""
        k = self.kpis
        return (
            k.assign(reported=k["value"].notna(), scored=k["band"].notna())
            .groupby("code", sort=False)
            .agg(
                dimension=("dimension", "first"),
                sub_dimension=("sub_dimension", "first"),
                core_advanced=("core_advanced", "first"),
                reported=("reported", "any"),
                scored=("scored", "any"),
            )
            .reset_index()
        )

    def completeness(self) -> pd.DataFrame:
        """KPIs, reported and scored per class ("Core", "Advanced", "Unresolved": the Wi-Fi
        KPI), each KPI counted once: index class, columns kpis, reported, scored. The page's
        and the report's completeness both read it."""
        out = (
            self.per_kpi()
            .groupby("core_advanced", sort=False)
            .agg(kpis=("reported", "size"), reported=("reported", "sum"), scored=("scored", "sum"))
        )
        return out.reindex([c for c in CLASSES if c in out.index]).astype(int)


def band(percent: float) -> int | None:
    """The U4SSC band of a percent of target: 1 (<33), 2 (<66), 3 (<95), 4; None when unknown."""
    if percent is None or pd.isna(percent):
        return None
    return 1 + sum(percent >= edge for edge in BAND_EDGES)


def percent_of_target(value: pd.Series, target: pd.Series, direction: pd.Series) -> pd.Series:
    """Percent of target (0-100) per row; NaN without value, target or known direction."""
    v, t = value.astype(float), target.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        higher = v / t * 100
        lower = np.where(v == 0, 100.0, t / v * 100)
    out = pd.Series(np.nan, index=value.index)
    out[direction == "higher"] = higher[direction == "higher"]
    out[direction == "lower"] = pd.Series(lower, index=value.index)[direction == "lower"]
    out[v.isna() | t.isna()] = np.nan
    return out.clip(lower=0, upper=100)


def _latest(values: pd.DataFrame, year: int | None) -> pd.DataFrame:
    missing = [c for c in ("kpi_code", "year", "value") if c not in values.columns]
    if missing:
        raise ReadinessError(f"city values lack the column(s) {missing}")
    frame = values.copy()
    for column in ("data_point", "source", "data_quality", "note"):
        frame[column] = frame[column].fillna("").astype(str) if column in frame else ""
    frame = frame[frame["value"].notna()]
    unknown = sorted(set(frame["kpi_code"]) - set(kpi_points()["code"]))
    if unknown:
        raise ReadinessError(f"city values carry codes that are not U4SSC KPIs: {unknown}")
    if year is not None:
        frame = frame[frame["year"] <= year]
    frame = frame.sort_values("year", kind="mergesort")
    return frame.groupby(["kpi_code", "data_point"], sort=False).tail(1)


def targets_from_values(values: pd.DataFrame) -> pd.DataFrame:
    """The user targets a values table carries (read_city_values' target columns), the latest
    year's for each KPI and data point: TARGET_INPUT_COLUMNS."""
    if "target" not in values.columns:
        return pd.DataFrame(columns=list(TARGET_INPUT_COLUMNS))
    rows = values[values["target"].notna()].sort_values("year", kind="mergesort")
    rows = rows.assign(data_point=rows.get("data_point", ""))
    rows = rows.fillna({"data_point": ""})
    rows = rows.groupby(["kpi_code", "data_point"], sort=False).tail(1)
    return _user_targets(rows)


def _user_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """kpi_code, data_point, target, direction, source; accepts target_direction/target_source."""
    frame = targets.copy()
    for plain in ("direction", "source"):
        if f"target_{plain}" in frame.columns:
            frame[plain] = frame[f"target_{plain}"]
    for column in ("data_point", "direction", "source"):
        frame[column] = frame[column].fillna("").astype(str) if column in frame else ""
    frame = frame[frame["target"].notna()]
    return frame[list(TARGET_INPUT_COLUMNS)].drop_duplicates(
        ["kpi_code", "data_point"], keep="last"
    )


def _with_targets(table: pd.DataFrame, user: pd.DataFrame) -> pd.DataFrame:
    refs = load_targets().rename(
        columns={"target": "ref_target", "direction": "ref_direction", "reference": "ref_text"}
    )
    table = table.merge(
        refs[["code", "data_point", "ref_target", "ref_direction", "ref_text", "url"]],
        on=["code", "data_point"], how="left",
    )  # fmt: skip
    user = user.rename(
        columns={"kpi_code": "code", "target": "user_target", "direction": "user_direction",
                 "source": "user_source"}
    )  # fmt: skip
    table = table.merge(user, on=["code", "data_point"], how="left")
    by_user = table["user_target"].notna()
    by_ref = ~by_user & table["ref_target"].notna()
    table["target"] = table["user_target"].where(by_user, table["ref_target"]).astype(float)
    table["target_source"] = np.select([by_user, by_ref], ["user", "reference"], "")
    table["target_reference"] = np.select(
        [by_user, by_ref], [table["user_source"].fillna(""), table["ref_text"].fillna("")], ""
    )
    table["target_url"] = np.where(by_ref, table["url"].fillna(""), "")
    stated = table["user_direction"].where(
        by_user & table["user_direction"].isin(["higher", "lower"])
    )
    reference = table["ref_direction"].where(table["ref_direction"].notna())
    kpi = table["direction"].where(table["direction"].isin(["higher", "lower"]))
    table["direction"] = stated.fillna(reference).fillna(kpi).fillna("unknown")
    return table


def _kpi_table(values: pd.DataFrame, user: pd.DataFrame, year: int | None) -> pd.DataFrame:
    points = kpi_points()
    latest = _latest(values, year).rename(columns={"kpi_code": "code"})
    latest = latest[["code", "data_point", "value", "year", "source", "data_quality", "note"]]
    table = points.merge(latest, on=["code", "data_point"], how="left")
    for column in ("source", "data_quality", "note"):
        table[column] = table[column].fillna("")
    table["year"] = table["year"].astype("Int64")
    table = _with_targets(table, user)
    table["percent_of_target"] = percent_of_target(
        table["value"], table["target"], table["direction"]
    )
    pct = table["percent_of_target"]
    table["band"] = pd.array([pd.NA if pd.isna(p) else band(p) for p in pct], dtype="Int64")
    table["reason"] = np.select(
        [table["value"].isna(), table["target"].isna(), table["direction"] == "unknown"],
        ["not_reported", "no_target", "no_direction"],
        "",
    )
    return table[list(KPI_SCORE_COLUMNS)]


def _level(kpis: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """Counts and % score of each group of KPIs (one row per KPI in `kpis`)."""
    core, advanced = kpis["core_advanced"] == "Core", kpis["core_advanced"] == "Advanced"
    parts = kpis.assign(
        kpis=1,
        reported_core=kpis["reported"] & core,
        reported_advanced=kpis["reported"] & advanced,
        scored_core=kpis["scored"] & core,
        scored_advanced=kpis["scored"] & advanced,
    )
    counts = [c for c in COUNT_COLUMNS if c not in ("max_points", "score")]
    out = parts.groupby(list(keys), sort=False)[counts].sum().reset_index()
    out[counts[:-1]] = out[counts[:-1]].astype("int64")
    out["max_points"] = (out["scored"] * MAX_POINTS).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["score"] = np.where(out["scored"] > 0, out["points"] / out["max_points"] * 100, np.nan)
    return out[[*keys, *COUNT_COLUMNS]]


def score_city(
    values: pd.DataFrame, targets: pd.DataFrame | None = None, year: int | None = None
) -> CityScore:
    """Score a city's values (kpi_code, data_point, year, value, and optionally source,
    data_quality, note, target columns) against the user's `targets` (kpi_code, data_point,
    target, and optionally direction, source; when None, the targets the values carry) and the
    reference targets; `year`: the latest value at or before it, else the latest of all."""
    user = _user_targets(targets) if targets is not None else targets_from_values(values)
    table = _kpi_table(values, user, year)
    per_kpi = (
        table.assign(reported=table["value"].notna(), scored=table["band"].notna())
        .groupby("code", sort=False)
        .agg(
            dimension=("dimension", "first"),
            sub_dimension=("sub_dimension", "first"),
            category=("category", "first"),
            core_advanced=("core_advanced", "first"),
            reported=("reported", "any"),
            scored=("scored", "any"),
            points=("band", "mean"),
        )
    )
    per_kpi["points"] = per_kpi["points"].astype(float).fillna(0.0)
    return CityScore(
        kpis=table,
        categories=_level(per_kpi, LEVEL_KEYS["category"]),
        sub_dimensions=_level(per_kpi, LEVEL_KEYS["sub_dimension"]),
        dimensions=_level(per_kpi, LEVEL_KEYS["dimension"]),
        year=year,
    )


__all__ = [
    "BAND_EDGES",
    "COUNT_COLUMNS",
    "KPI_SCORE_COLUMNS",
    "LEVEL_KEYS",
    "MAX_POINTS",
    "TARGET_INPUT_COLUMNS",
    "CityScore",
    "band",
    "percent_of_target",
    "score_city",
    "targets_from_values",
]
