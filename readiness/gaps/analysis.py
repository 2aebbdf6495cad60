"""Gap analytics: group values, gaps to the 2030 targets, to the world and to high income.

Everything rests on one years x economies x codes cube: each economy's most recent value per
indicator within the catalogue window ending at each reference year (the engine's Panel), and
the engine's pillar and index scores for that year. Group statistics are batched matrix products
of a years x groups x economies membership array with that cube. docs/GAPS.md has the method.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from readiness.data.groups import Group, resolve_group
from readiness.errors import ReadinessError
from readiness.gaps.cube import GapInputs, aggregate, gap_inputs, membership
from readiness.gaps.estimates import fill
from readiness.gaps.targets import Targets, gap, progress
from readiness.gaps.trends import (
    DEFAULT_WINDOW,
    MIN_POINTS,
    fit_trends,
    fits_by_year,
    outlook,
)

WORLD, HIGH_INCOME = "WORLD", "HIC"
MIN_TREND_COVERAGE = 0.5  # share of the valued members' population that must have a pace


# --- the gap table ----------------------------------------------------------------------------
GAP_COLUMNS = (
    "group", "group_label", "year", "code", "level", "name", "unit",
    "weighted", "simple", "n", "N", "coverage", "population_share", "n_estimated",
    "estimated_share", "withheld", "as_reported", "nowcast", "min", "max",
    "median_data_year", "estimate_share",
    "target", "target_direction", "target_year", "gap", "to_go", "band",
    "world", "gap_to_world", "high_income", "gap_to_high_income",
    "trend", "trend_n", "trend_coverage", "trend_from", "trend_to", "reach_year", "outlook",
    "required_pace", "benchmark", "benchmark_year", "benchmark_gap",
)  # fmt: skip


def gap_table(
    inputs: GapInputs | None = None,
    groups: Sequence[str | Group] | None = None,
    years: Iterable[int] | None = None,
    window: int = DEFAULT_WINDOW,
    min_points: int = MIN_POINTS,
) -> pd.DataFrame:
    """One row per group, reference year and code (indicators, pillars, index): see GAP_COLUMNS.

    `groups` are codes of standard groups or Group objects (default: every standard group);
    `years` default to every reference year. Headline figures (gap, band, trend) use the
    population-weighted value; gaps to the world and high income compare like with like.
    """
    inputs = inputs or gap_inputs()
    extra = [g for g in groups or () if isinstance(g, Group)]
    all_groups, member = membership(inputs, extra)
    by_code = {g.code: i for i, g in enumerate(all_groups)}
    known = {g.code: g for g in all_groups}
    pick = [
        by_code[g.code if isinstance(g, Group) else resolve_group(g, known).code]
        for g in groups or all_groups
    ]
    t_idx = (
        np.arange(len(inputs.years))
        if years is None
        else np.array([inputs.year_index(y) for y in years], dtype=int)
    )
    figures = _group_figures(inputs, member, t_idx, by_code, window, min_points)
    out = _gap_frame(inputs, t_idx, [all_groups[i] for i in pick], pick, figures)
    for col in ("target_direction", "target_year", "reach_year"):
        out[col] = out[col].round().astype("Int64")
    _add_benchmarks(out, inputs.targets)
    return out[list(GAP_COLUMNS)]


def _group_figures(
    inputs: GapInputs,
    member: np.ndarray,
    t_idx: np.ndarray,
    by_code: dict[str, int],
    window: int,
    min_points: int,
) -> dict[str, Any]:
    """Every group's statistics, gaps, trend and outlook as years x groups x codes arrays."""
    # One pass over the cube for every group (the world and high income are needed anyway).
    m_t = member[t_idx]
    w_t = inputs.population[t_idx]
    stats = aggregate(
        inputs.values[t_idx], m_t, w_t, inputs.value_years[t_idx], inputs.estimates[t_idx]
    )
    pace_t, _, first_t, last_t = fits_by_year(
        inputs.observed, inputs.years, window, min_points, inputs.years[t_idx]
    )
    filled = fill(inputs, t_idx, m_t, stats)
    pace = aggregate(pace_t, m_t, w_t, extremes=False)
    # A group's pace must rest on members holding enough of the population behind its value.
    with np.errstate(invalid="ignore", divide="ignore"):
        trend_cover = pace.population_share / stats.population_share
    group_pace = np.where(trend_cover >= MIN_TREND_COVERAGE, pace.weighted, np.nan)

    target, direction, baseline = inputs.targets.arrays(inputs.codes)
    t_year = np.array([_target_year(inputs.targets, c) for c in inputs.codes], dtype=float)
    value = filled.weighted
    prog = progress(value, target, direction, baseline)
    orient = np.array([_direction(inputs, c) for c in inputs.codes], dtype=float)
    world = value[:, by_code[WORLD], :][:, None, :]
    rich = value[:, by_code[HIGH_INCOME], :][:, None, :]
    # Project from the group's median data year (the reference year for scores).
    ref = inputs.years[t_idx][:, None, None].astype(float)
    anchor = np.where(np.isnan(stats.median_year), ref, stats.median_year)
    reach, look, needed = outlook(value, anchor, group_pace, target, direction, t_year)
    return {
        "stats": stats,
        "filled": filled,
        "pace_n": pace.n,
        "trend_years": _trend_years(m_t, pace_t, first_t, last_t, group_pace),
        "trend_cover": trend_cover,
        "group_pace": group_pace,
        "target": target,
        "direction": direction,
        "t_year": t_year,
        "gap": gap(value, target, direction),
        "prog": prog,
        "world": world,
        "rich": rich,
        "orient": orient,
        "reach": reach,
        "outlook": look,
        "needed": needed,
    }


def _gap_frame(
    inputs: GapInputs,
    t_idx: np.ndarray,
    groups_sel: Sequence[Group],
    pick: Sequence[int],
    f: dict[str, Any],
) -> pd.DataFrame:
    """The figures of the picked groups as one row per year, group and code."""
    sel = np.array(pick, dtype=int)
    stats = f["stats"]
    n_t, n_g, n_c = len(t_idx), len(sel), len(inputs.codes)
    n_all = stats.n.shape[1]

    def flat(a: np.ndarray) -> np.ndarray:
        full = np.broadcast_to(a, (a.shape[0], n_all, n_c)) if a.ndim == 3 else a
        return np.asarray(full[:, sel, :]).reshape(-1)

    def per_code(a: Any) -> np.ndarray:
        return np.tile(np.asarray(a, dtype=object if not _numeric(a) else float), n_t * n_g)

    filled = f["filled"]
    value, direction = filled.weighted, f["direction"]
    n = flat(stats.n).astype(int)
    total = np.repeat(stats.total[:, sel].reshape(-1), n_c)
    return pd.DataFrame(
        {
            "group": np.tile(np.repeat([g.code for g in groups_sel], n_c), n_t),
            "group_label": np.tile(np.repeat([g.label for g in groups_sel], n_c), n_t),
            "year": np.repeat(inputs.years[t_idx], n_g * n_c),
            "code": per_code(inputs.codes),
            "level": per_code(inputs.levels),
            "name": per_code([inputs.name(c) for c in inputs.codes]),
            "unit": per_code([inputs.unit(c) for c in inputs.codes]),
            "weighted": flat(value),
            "simple": flat(filled.simple),
            "n": n,
            "N": total,
            "coverage": [f"{a}/{b}" for a, b in zip(n, total, strict=True)],
            "population_share": flat(stats.population_share),
            "n_estimated": flat(filled.n_estimated).astype(int),
            "estimated_share": flat(filled.estimated_share),
            "withheld": flat(filled.withheld).astype(bool),
            "as_reported": flat(stats.weighted),
            "nowcast": flat(filled.nowcast),
            "min": flat(stats.low),
            "max": flat(stats.high),
            "median_data_year": flat(stats.median_year),
            "estimate_share": flat(stats.estimate_share),
            "target": per_code(f["target"]),
            "target_direction": per_code(np.where(direction == 0, np.nan, direction)),
            "target_year": per_code(f["t_year"]),
            "gap": flat(f["gap"]),
            "to_go": flat(1.0 - f["prog"]),
            "band": flat(np.where(direction == 0, "", inputs.targets.band(f["prog"]))),
            "world": flat(f["world"]),
            "gap_to_world": flat(f["orient"] * (f["world"] - value) + 0.0),  # no -0.0
            "high_income": flat(f["rich"]),
            "gap_to_high_income": flat(f["orient"] * (f["rich"] - value) + 0.0),
            "trend": flat(f["group_pace"]),
            "trend_n": flat(f["pace_n"]).astype(int),
            "trend_coverage": flat(f["trend_cover"]),
            "trend_from": _years(flat(f["trend_years"][0])),
            "trend_to": _years(flat(f["trend_years"][1])),
            "reach_year": flat(f["reach"]),
            "outlook": flat(f["outlook"]),
            "required_pace": flat(f["needed"]),
        }
    )


def _trend_years(
    member: np.ndarray,
    pace: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    group_pace: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The years a group's pace rests on: its members' earliest first and latest last year.

    Years x groups x codes; NaN where the group has no pace.
    """
    low = np.full(group_pace.shape, np.nan)
    high = low.copy()
    for t in range(member.shape[0]):
        used = (member[t] > 0)[:, :, None] & ~np.isnan(pace[t])[None]
        with np.errstate(invalid="ignore"):
            lo = np.where(used, first[t][None], np.inf).min(axis=1)
            hi = np.where(used, last[t][None], -np.inf).max(axis=1)
        low[t] = np.where(np.isfinite(lo), lo, np.nan)
        high[t] = np.where(np.isfinite(hi), hi, np.nan)
    keep = ~np.isnan(group_pace)
    return np.where(keep, low, np.nan), np.where(keep, high, np.nan)


def _numeric(a: Any) -> bool:
    return np.asarray(a).dtype.kind in "fiub"


def _target_year(targets: Targets, code: str) -> float:
    t = targets.get(code)
    return float(t.year) if t is not None else np.nan


def _direction(inputs: GapInputs, code: str) -> int:
    """+1 if higher is better; aggregates are scores, so higher is better."""
    node = inputs.framework.by_code.get(code)
    return int(node.direction) if node is not None and node.level == 1 else 1


def _add_benchmarks(out: pd.DataFrame, targets: Targets) -> None:
    out["benchmark"] = np.nan
    out["benchmark_year"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["benchmark_gap"] = np.nan
    for b in targets.benchmarks:
        rows = (out["code"] == b.indicator).to_numpy().copy()
        if b.applies_to is not None:
            rows &= out["group"].str.upper().isin(b.applies_to).to_numpy()
        rows &= out["benchmark"].isna().to_numpy()  # the first matching benchmark wins
        if not rows.any():
            continue
        out.loc[rows, "benchmark"] = b.value
        out.loc[rows, "benchmark_year"] = b.year
        out.loc[rows, "benchmark_gap"] = gap(
            out.loc[rows, "weighted"].to_numpy(dtype=float),
            np.array(b.value),
            np.array(b.direction),
        )


# --- economies ------------------------------------------------------------------------------
ECONOMY_COLUMNS = (
    "iso3", "name", "year", "code", "name_indicator", "value", "data_year", "estimate",
    "target", "gap", "to_go", "band", "trend", "trend_n", "trend_from", "trend_to", "reach_year",
    "outlook", "required_pace",
)  # fmt: skip


def economy_gaps(
    inputs: GapInputs | None = None,
    year: int | None = None,
    iso3: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    window: int = DEFAULT_WINDOW,
    min_points: int = MIN_POINTS,
) -> pd.DataFrame:
    """Gap to target per economy and indicator for one reference year (default: targets only)."""
    inputs = inputs or gap_inputs()
    t = inputs.year_index(year)
    ref_year = int(inputs.years[t])
    codes = list(codes) if codes is not None else list(inputs.targets.indicators)
    k = np.array([inputs.code_index(c) for c in codes], dtype=int)
    units = inputs.units
    if iso3 is not None:
        wanted = [c.strip().upper() for c in iso3]
        unknown = [c for c in wanted if c not in units]
        if unknown:
            raise ReadinessError(f"unknown economy code(s) {unknown}; use ISO3 codes such as KEN")
        u = units.get_indexer(pd.Index(wanted))
    else:
        u = np.arange(len(units))
    # Trends of the economies asked for only (each economy's trend is its own): a report asks for
    # one economy, and fitting all 218 cost it 5-10 ms a call.
    obs = inputs.observed[np.ix_(np.arange(inputs.observed.shape[0]), u, k)]
    pace, n_pts, first, last = fit_trends(obs, inputs.years, ref_year, window, min_points)
    value = inputs.values[t][np.ix_(u, k)]
    data_year = inputs.value_years[t][np.ix_(u, k)]
    est = inputs.estimates[t][np.ix_(u, k)]
    target, direction, baseline = inputs.targets.arrays([inputs.codes[j] for j in k])
    t_year = np.array([_target_year(inputs.targets, inputs.codes[j]) for j in k])
    prog = progress(value, target, direction, baseline)
    anchor = np.where(np.isnan(data_year), ref_year, data_year)
    reach, look, needed = outlook(value, anchor, pace, target, direction, t_year)
    names = inputs.snapshot._names()
    n_c = len(k)
    out = pd.DataFrame(
        {
            "iso3": np.repeat(units[u].to_numpy(), n_c),
            "name": np.repeat([names.get(c, c) for c in units[u]], n_c),
            "year": ref_year,
            "code": np.tile([inputs.codes[j] for j in k], len(u)),
            "name_indicator": np.tile([inputs.name(inputs.codes[j]) for j in k], len(u)),
            "value": value.reshape(-1),
            "data_year": pd.array(data_year.reshape(-1), dtype="Float64").round().astype("Int64"),
            "estimate": est.reshape(-1),
            "target": np.tile(target, len(u)),
            "gap": gap(value, target, direction).reshape(-1),
            "to_go": (1.0 - prog).reshape(-1),
            "band": np.where(direction == 0, "", inputs.targets.band(prog)).reshape(-1),
            "trend": pace.reshape(-1),
            "trend_n": n_pts.reshape(-1),
            "trend_from": _years(np.where(np.isnan(pace), np.nan, first)),
            "trend_to": _years(np.where(np.isnan(pace), np.nan, last)),
            "reach_year": pd.array(reach.reshape(-1), dtype="Float64").astype("Int64"),
            "outlook": look.reshape(-1),
            "required_pace": needed.reshape(-1),
        }
    )
    return out[list(ECONOMY_COLUMNS)]


def _years(a: np.ndarray) -> pd.Series:
    """Calendar years as whole numbers, <NA> where missing."""
    return pd.Series(np.round(a.reshape(-1))).astype("Int64")


__all__ = ["ECONOMY_COLUMNS", "GAP_COLUMNS", "economy_gaps", "gap_table"]
