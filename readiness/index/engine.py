"""The index engine: `build_index(data, framework, method) -> Result`, with a table per step.

Steps, as in COINr: select (most recent value in a window) -> treat (caps, logs, optional
winsorisation) -> impute (optional, flagged) -> normalise -> aggregate level by level with the
coverage rule -> rank -> tiers. One cross-section is a units x indicators float matrix with NaN
for missing; every step is a vectorised numpy operation on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from readiness.errors import ReadinessError
from readiness.index.aggregate import aggregate_level, rank_scores
from readiness.index.framework import Framework
from readiness.index.impute import impute_groups
from readiness.index.inputs import IndexData, data_for_year, snapshot_inputs
from readiness.index.method import Method
from readiness.index.normalise import normalise
from readiness.index.result import Result, int_frame
from readiness.index.selection import Panel
from readiness.index.treat import cap_and_log, kurtosis, skewness, winsorise


# --- per-indicator specifications --------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Specs:
    """Per-indicator arrays the steps need, with goalposts and targets treated like the values."""

    directions: np.ndarray
    caps: np.ndarray
    logs: np.ndarray
    floors: np.ndarray
    gp_lo: np.ndarray
    gp_hi: np.ndarray
    target: np.ndarray


def indicator_specs(framework: Framework, method: Method) -> tuple[Specs, list[str]]:
    """Resolve per-indicator specs for a method; also return problems the method cannot run with."""
    nodes = [framework.by_code[c] for c in framework.indicators]
    directions = framework.directions
    caps = np.array([n.cap if (n.cap is not None and method.transforms) else np.nan for n in nodes])
    logs = np.array([bool(n.log and method.transforms) for n in nodes])
    floors = np.array(
        [n.floor if (n.floor is not None and logs[k]) else np.nan for k, n in enumerate(nodes)]
    )
    lo = np.array([n.goalposts[0] if n.goalposts else np.nan for n in nodes])
    hi = np.array([n.goalposts[1] if n.goalposts else np.nan for n in nodes])
    target = np.array([np.nan if n.target is None else n.target for n in nodes])
    # Without an explicit target, the best goalpost is the target.
    best = np.where(directions > 0, hi, lo)
    target = np.where(np.isnan(target), best, target)
    problems: list[str] = []
    if method.normalisation == "goalposts":
        lacking = [n.code for n in nodes if n.goalposts is None]
        if lacking:
            problems.append(
                f"goalposts normalisation needs goalposts for {_list(lacking)} "
                "(add goalpost_lower and goalpost_upper to the framework, or use minmax)"
            )
        bad_log = [
            n.code for n in nodes if n.goalposts and logs[nodes.index(n)] and n.goalposts[0] <= 0
        ]
        if bad_log:
            problems.append(
                f"log-transformed indicator(s) {_list(bad_log)} need a lower goalpost > 0"
            )
    if method.normalisation == "target":
        lacking = [c for c, t in zip(framework.indicators, target, strict=True) if np.isnan(t)]
        if lacking:
            problems.append(
                f"distance-to-target needs a Target (or goalposts) for {_list(lacking)}"
            )
    # Goalposts and targets are in the original unit: apply the same cap and log.
    t_lo, t_hi, t_target = (
        cap_and_log(a[None, :].copy(), caps, logs, floors)[0] for a in (lo, hi, target)
    )
    return Specs(directions, caps, logs, floors, t_lo, t_hi, t_target), problems


def _list(codes: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")


# --- the steps ---------------------------------------------------------------------------------
def treat(
    raw: np.ndarray, specs: Specs, method: Method, codes: Sequence[str]
) -> tuple[np.ndarray, pd.DataFrame, list[str]]:
    """Caps and logs, then optional winsorisation; also a per-indicator log and notes."""
    notes: list[str] = []
    capped = (raw > specs.caps).sum(axis=0)
    treated = cap_and_log(raw, specs.caps, specs.logs, specs.floors)
    lost = (np.isnan(treated) & ~np.isnan(raw)).sum(axis=0)
    for code, k in zip(codes, lost, strict=True):
        if k:
            notes.append(f"{code}: {k} value(s) <= 0 cannot be logged and count as missing")
    points = np.zeros(len(codes), dtype=int)
    passed = np.ones(len(codes), dtype=bool)
    skew = np.full(len(codes), np.nan)
    kurt = np.full(len(codes), np.nan)
    if method.winsorise:
        for j in range(treated.shape[1]):
            w = winsorise(
                treated[:, j],
                method.winsor_max_points,
                method.skew_threshold,
                method.kurtosis_threshold,
            )
            treated[:, j] = w.scores
            points[j], passed[j] = w.points, w.passed
            skew[j], kurt[j] = skewness(w.scores), kurtosis(w.scores)
            if not w.passed:
                notes.append(
                    f"{codes[j]}: still skewed after winsorising {w.points} point(s) "
                    f"(skewness {skew[j]:.2f}, kurtosis {kurt[j]:.2f})"
                )
    table = pd.DataFrame(
        {
            "cap": specs.caps,
            "floor": specs.floors,
            "log": specs.logs,
            "capped": capped,
            "not_loggable": lost,
            "winsorised": points,
            "skewness": skew,
            "kurtosis": kurt,
            "passes_jrc_rule": passed,
        },
        index=pd.Index(codes, name="indicator"),
    )
    return treated, table, notes


def group_labels(units: pd.DataFrame, method: Method) -> np.ndarray | None:
    """The imputation group of each unit (None: one group of all units)."""
    if method.imputation_group is None:
        return None
    col = units[method.imputation_group]
    return col.where(col.notna(), None).to_numpy(dtype=object)


def impute(
    treated: np.ndarray, groups: np.ndarray | None, kind: str
) -> tuple[np.ndarray, np.ndarray]:
    """Fill missing values by `kind` (none, group_mean, group_median); return values and flags."""
    if kind == "none":
        return treated, np.zeros(treated.shape, dtype=bool)
    return impute_groups(treated, groups, kind.removeprefix("group_"))


def level_matrices(framework: Framework, weights: Mapping[str, float]) -> list[np.ndarray]:
    """One children x parents weight matrix per level, bottom up."""
    return [
        plan.weight_matrix(np.array([weights[c] for c in plan.children], dtype=float))
        for plan in framework.plans
    ]


def thresholds(framework: Framework, method: Method) -> list[float]:
    """Coverage threshold per level: pillar_coverage for level 2, index_coverage above it."""
    return [
        method.pillar_coverage if plan.level == 2 else method.index_coverage
        for plan in framework.plans
    ]


def aggregate_all(
    normalised: np.ndarray, matrices: Sequence[np.ndarray], how: str, limits: Sequence[float]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Scores and coverage per level, each level the mean of the level below (COINr's rule)."""
    scores, coverage = [], []
    x = normalised
    for w, limit in zip(matrices, limits, strict=True):
        x, share = aggregate_level(x, w, how, limit)
        scores.append(x)
        coverage.append(share)
    return scores, coverage


def check_geometric(normalised: np.ndarray, codes: Sequence[str], units: Sequence[str]) -> None:
    """Raise if a geometric mean would see a score <= 0 (log is undefined there)."""
    bad = normalised <= 0  # NaN compares False
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ReadinessError(
            f"the geometric mean needs scores > 0 but {int(bad.sum())} normalised value(s) are "
            f"<= 0 (e.g. {codes[j]} of {units[i]} = {normalised[i, j]:g}); use positive "
            "bounds, e.g. --bounds 1,100 (bounds: [1, 100] in a method file)"
        )


# --- the pipeline ------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Prepared:
    """Treated values and everything later steps need; the Monte Carlo reuses it."""

    data: IndexData
    framework: Framework
    method: Method
    specs: Specs
    raw: np.ndarray
    treated: np.ndarray
    treatment: pd.DataFrame
    groups: np.ndarray | None
    weights: dict[str, float]
    notes: tuple[str, ...]


def prepare(data: IndexData, framework: Framework, method: Method) -> Prepared:
    """Validate inputs against the method, then select columns and treat the values."""
    problems: list[str] = []
    specs, spec_problems = indicator_specs(framework, method)
    problems += spec_problems
    missing_cols = [c for c in framework.indicators if c not in data.raw.columns]
    if missing_cols:
        problems.append(f"data lacks indicator(s) {_list(missing_cols)}")
    group = method.imputation_group
    if method.imputation != "none" and group is not None and group not in data.units.columns:
        problems.append(
            f"imputation group column {group!r} is not among the unit columns "
            f"({_list(list(map(str, data.units.columns)))}); set imputation_group to one of "
            "them or to null for all units"
        )
    weights: dict[str, float] = {}
    try:
        weights = framework.weights(method.weight_overrides, equal=method.weighting == "equal")
    except ReadinessError as exc:
        problems.append(str(exc))
    if problems:
        raise ReadinessError("cannot build the index: " + "; ".join(problems))
    inactive = framework.inactive(data.year)
    for code in sorted(inactive):
        weights[code] = 0.0  # not yet part of the index in this reference year
    if list(data.raw.columns) == list(framework.indicators):
        raw = data.raw.to_numpy(dtype=float, copy=True)
    else:
        cols = data.raw.columns.get_indexer(framework.indicator_index)
        raw = np.take(data.raw.to_numpy(dtype=float), cols, axis=1)
    treated, table, notes = treat(raw.copy(), specs, method, framework.indicators)
    notes += [
        f"{n.code}: counts from {n.since}, so it is not part of the {data.year} index"
        for n in framework.nodes
        if n.code in inactive and n.since is not None
    ]
    groups = (
        group_labels(data.units.reindex(data.raw.index), method)
        if method.imputation != "none"
        else None
    )
    return Prepared(
        data, framework, method, specs, raw, treated, table, groups, weights, tuple(notes)
    )


def normalise_prepared(prep: Prepared, values: np.ndarray, kind: str | None = None) -> np.ndarray:
    """Normalise imputed values with the prepared specs (kind defaults to the method's)."""
    s = prep.specs
    return normalise(values, prep.method, s.directions, s.gp_lo, s.gp_hi, s.target, kind)


def build_index(data: IndexData, framework: Framework, method: Method | None = None) -> Result:
    """Run the whole pipeline on one cross-section; raise ReadinessError on unusable input."""
    method = method or Method()
    prep = prepare(data, framework, method)
    notes = list(prep.notes)
    values, flags = impute(prep.treated, prep.groups, method.imputation)
    norm = normalise_prepared(prep, values)
    codes = framework.indicators
    units = data.raw.index
    constant = np.flatnonzero(np.isnan(norm).all(axis=0) & ~np.isnan(values).all(axis=0))
    for j in constant:
        notes.append(f"{codes[j]}: no spread to normalise ({method.normalisation}); left missing")
    if method.aggregation == "geometric":
        check_geometric(norm, codes, list(map(str, units)))
    matrices = level_matrices(framework, prep.weights)
    level_scores, level_cov = aggregate_all(
        norm, matrices, method.aggregation, thresholds(framework, method)
    )
    scores = np.concatenate(level_scores, axis=1)
    cover = np.concatenate(level_cov, axis=1)
    ranks = rank_scores(scores, axis=0)

    ind_cols, agg_cols = framework.indicator_index, framework.aggregate_index
    norm_weights = _normalised_weights(framework, prep.weights)
    effective = _effective_weights(framework, matrices)
    return Result(
        framework=framework,
        method=method,
        year=data.year,
        units=data.units,
        raw=pd.DataFrame(prep.raw, index=units, columns=ind_cols),
        years=data.years,
        estimates=data.estimates,
        treated=pd.DataFrame(prep.treated, index=units, columns=ind_cols),
        imputed_values=pd.DataFrame(values, index=units, columns=ind_cols),
        imputed=pd.DataFrame(flags, index=units, columns=ind_cols),
        normalised=pd.DataFrame(norm, index=units, columns=ind_cols),
        scores=pd.DataFrame(scores, index=units, columns=agg_cols),
        coverage=pd.DataFrame(cover, index=units, columns=agg_cols),
        ranks=int_frame(ranks, units, agg_cols),
        weights=norm_weights,
        effective_weights=pd.Series(effective, index=ind_cols),
        treatment=prep.treatment,
        notes=tuple(notes),
    )


def _normalised_weights(framework: Framework, weights: Mapping[str, float]) -> pd.Series:
    out = {}
    for node in framework.nodes:
        if node.parent is None:
            out[node.code] = 1.0
            continue
        siblings = framework.child_map[node.parent]
        total = sum(weights[s] for s in siblings)
        out[node.code] = weights[node.code] / total if total > 0 else 0.0  # inactive siblings
    return pd.Series(out, name="weight")


def _effective_weights(framework: Framework, matrices: Sequence[np.ndarray]) -> np.ndarray:
    """Each indicator's share of the index when every value is present (product down the tree)."""
    path = np.eye(len(framework.indicators))
    for w in matrices:
        col_tot = w.sum(axis=0)
        path = path @ (w / np.where(col_tot > 0, col_tot, 1.0))
    return np.asarray(path[:, 0], dtype=float)


def build_index_years(
    panel: Panel,
    framework: Framework,
    method: Method | None = None,
    years: Iterable[int] | None = None,
) -> dict[int, Result]:
    """One Result per reference year (default: the method's first_year to the panel's latest)."""
    method = method or Method()
    if years is None:
        last = int(panel.years[-1]) if len(panel.years) else method.first_year
        years = range(method.first_year, last + 1)
    return {
        y: build_index(data_for_year(panel, framework, method, y), framework, method) for y in years
    }


def score_snapshot(
    year: int | None = None, method: Method | None = None, snapshot: Any | None = None
) -> Result:
    """Our index for one reference year (default: the snapshot's latest year)."""
    snapshot, framework, panel = snapshot_inputs(snapshot)
    method = method or Method()
    year = snapshot.latest_year if year is None else year
    return build_index(data_for_year(panel, framework, method, year), framework, method)
