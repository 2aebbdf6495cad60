"""Uncertainty and sensitivity of ranks: a vectorised Monte Carlo over the method's choices.

Each sample perturbs every weight around the chosen one (uniformly by +/- `weight_noise`, as
COINr's noisy weights) and draws a normalisation, an aggregation and an imputation from the
alternatives. Normalised matrices are precomputed once per (normalisation, imputation) pair;
samples that share a pair and an aggregation go through the hierarchy together as one batch of
weight matrices, so N = 1,000 costs a few batched matrix products rather than 1,000 pipelines.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from readiness.errors import ReadinessError
from readiness.index.aggregate import aggregate_level, rank_scores
from readiness.index.engine import (
    build_index,
    group_labels,
    impute,
    indicator_specs,
    normalise_prepared,
    prepare,
    thresholds,
)
from readiness.index.framework import Framework
from readiness.index.inputs import IndexData
from readiness.index.method import AGGREGATIONS, IMPUTATIONS, NORMALISATIONS, Method
from readiness.index.result import BOUNDED, Result

MAX_SAMPLES = 100_000
# The published rank intervals (dashboard and reports) use these, so both show the same interval.
PUBLISHED_SAMPLES = 500
PUBLISHED_SEED = 1


@dataclass(frozen=True)
class UncertaintySpec:
    """What the Monte Carlo varies; None alternatives mean sensible defaults for the method."""

    n: int = 1000
    seed: int = 1
    weight_noise: float = 0.25
    normalisations: tuple[str, ...] | None = None
    aggregations: tuple[str, ...] | None = None
    imputations: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        problems = []
        if (
            isinstance(self.n, bool)
            or not isinstance(self.n, int)
            or not 1 <= self.n <= MAX_SAMPLES
        ):
            problems.append(f"the number of samples must be 1 to {MAX_SAMPLES:,}, got {self.n!r}")
        if not 0 <= self.weight_noise < 1:
            problems.append(f"weight_noise must be in [0, 1), got {self.weight_noise!r}")
        for name, allowed in (
            ("normalisations", NORMALISATIONS),
            ("aggregations", AGGREGATIONS),
            ("imputations", IMPUTATIONS),
        ):
            values = getattr(self, name)
            if values is not None:
                bad = [v for v in values if v not in allowed]
                if bad or not values:
                    problems.append(f"{name} must be a non-empty subset of {', '.join(allowed)}")
        if problems:
            raise ReadinessError("uncertainty settings have problems: " + "; ".join(problems))


@dataclass(frozen=True, eq=False)
class Uncertainty:
    """Rank intervals per unit and the share of rank variance each choice explains."""

    spec: UncertaintySpec
    alternatives: dict[str, tuple[str, ...]]
    ranks: pd.DataFrame  # nominal_rank, median_rank, rank_p05, rank_p95, scored_share
    sensitivity: pd.DataFrame  # factor, alternatives, first_order
    draws: pd.DataFrame = field(repr=False)  # one row per sample: the choices drawn
    sample_ranks: np.ndarray = field(repr=False)  # samples x units, NaN when not scored
    nominal: Result = field(repr=False)


def alternatives(
    framework: Framework, method: Method, spec: UncertaintySpec
) -> dict[str, tuple[str, ...]]:
    """The choices each sample draws from, the method's own first."""
    has_goalposts = all(framework.by_code[c].goalposts for c in framework.indicators)
    norms = spec.normalisations or tuple(
        dict.fromkeys(
            [method.normalisation, "minmax", "rank", *(["goalposts"] if has_goalposts else [])]
        )
    )
    zscored = "zscore" in norms
    aggs = spec.aggregations or (
        (method.aggregation,)
        if zscored
        else tuple(dict.fromkeys([method.aggregation, "arithmetic", "geometric"]))
    )
    imps = spec.imputations or tuple(
        dict.fromkeys([method.imputation, "none", "group_mean", "group_median"])
    )
    if zscored and "geometric" in aggs:
        raise ReadinessError(
            "z-scores can be negative, so the Monte Carlo cannot mix them with the geometric "
            "mean; drop zscore from the normalisations or geometric from the aggregations"
        )
    for kind in norms:
        _, problems = indicator_specs(framework, replace(method, normalisation=kind))  # type: ignore[arg-type]
        if problems:
            raise ReadinessError(f"normalisation alternative {kind!r}: " + "; ".join(problems))
    return {"normalisation": tuple(norms), "aggregation": tuple(aggs), "imputation": tuple(imps)}


def run_uncertainty(
    data: IndexData, framework: Framework, method: Method, spec: UncertaintySpec | None = None
) -> Uncertainty:
    """Monte Carlo over weights, normalisation, aggregation and imputation; reproducible by seed."""
    spec = spec or UncertaintySpec()
    alts = alternatives(framework, method, spec)
    nominal = build_index(data, framework, method)
    prep = prepare(data, framework, method)
    groups = None
    if any(k != "none" for k in alts["imputation"]) and method.imputation_group is not None:
        if method.imputation_group not in data.units.columns:
            raise ReadinessError(
                f"imputation group column {method.imputation_group!r} is not among the unit "
                "columns; set imputation_group to one of them or to null"
            )
        groups = group_labels(data.units.reindex(data.raw.index), method)

    rng = np.random.default_rng(spec.seed)
    n = spec.n
    draw = {name: rng.integers(len(options), size=n) for name, options in alts.items()}
    plans = framework.plans
    base = [np.array([prep.weights[c] for c in plan.children]) for plan in plans]
    noise = [
        rng.uniform(1 - spec.weight_noise, 1 + spec.weight_noise, size=(n, len(b))) for b in base
    ]
    limits = thresholds(framework, method)
    lo, hi = method.bounds

    imputed = {k: impute(prep.treated, groups, k)[0] for k in alts["imputation"]}
    normalised: dict[tuple[int, int], np.ndarray] = {}
    for j, kind in enumerate(alts["normalisation"]):
        for k, imp in enumerate(alts["imputation"]):
            normalised[j, k] = normalise_prepared(prep, imputed[imp], kind)

    index = np.full((n, len(data.raw.index)), np.nan)
    cells = np.stack([draw["normalisation"], draw["imputation"], draw["aggregation"]], axis=1)
    for j, k, a in np.unique(cells, axis=0):
        members = np.flatnonzero((cells == (j, k, a)).all(axis=1))
        how = alts["aggregation"][a]
        x = normalised[j, k]
        if how == "geometric" and alts["normalisation"][j] in BOUNDED and lo <= 0:
            # The geometric mean needs positive scores: use COINr's [1, 100] scale for it.
            x = 1 + 99 * (x - lo) / (hi - lo)
        for plan, b, eps, limit in zip(plans, base, noise, limits, strict=True):
            w = b * eps[members]  # samples x children
            mats = np.zeros((len(members), len(plan.children), len(plan.parents)))
            mats[:, np.arange(len(plan.children)), plan.parent_of] = w
            x, _ = aggregate_level(x, mats, how, limit)
        index[members] = x[..., 0]

    ranks = rank_scores(index, axis=1)
    table = _rank_table(nominal, ranks)
    draws = pd.DataFrame({name: np.array(alts[name])[draw[name]] for name in alts})
    sens = _sensitivity(ranks, draw, alts, np.concatenate(noise, axis=1))
    return Uncertainty(spec, alts, table, sens, draws, ranks, nominal)


def _rank_table(nominal: Result, ranks: np.ndarray) -> pd.DataFrame:
    scored = ~np.isnan(ranks)
    complete = scored.all(axis=0)
    partial = scored.any(axis=0) & ~complete
    stats = np.full((3, ranks.shape[1]), np.nan)
    # np.percentile is vectorised; nanpercentile loops column by column, so keep it for the
    # few units scored in only some samples.
    stats[:, complete] = np.percentile(ranks[:, complete], [50, 5, 95], axis=0)
    if partial.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            stats[:, partial] = np.nanpercentile(ranks[:, partial], [50, 5, 95], axis=0)
    out = pd.DataFrame(
        {
            "name": nominal.units["name"].reindex(nominal.raw.index).to_numpy(),
            "nominal_rank": nominal.rank.to_numpy(),
            "median_rank": stats[0],
            "rank_p05": stats[1],
            "rank_p95": stats[2],
            "scored_share": scored.mean(axis=0),
        },
        index=nominal.raw.index,
    )
    return out


def _sensitivity(
    ranks: np.ndarray,
    draw: dict[str, np.ndarray],
    alts: dict[str, tuple[str, ...]],
    weights: np.ndarray,
) -> pd.DataFrame:
    """First-order share of rank variance per choice, over units ranked in every sample.

    For a discrete choice: the variance of the conditional mean rank across its alternatives.
    For the weights (many continuous inputs): the adjusted R^2 of a linear regression of rank on
    the weight multipliers, the usual first-order approximation. Shares are summed over units
    (rank variances add up), so units whose rank moves most count most.
    """
    complete = ~np.isnan(ranks).any(axis=0)
    y = ranks[:, complete]
    n = y.shape[0]
    total = float(((y - y.mean(axis=0)) ** 2).sum())
    rows = []
    for name, options in alts.items():
        explained = 0.0
        if total > 0 and len(options) > 1:
            for c in range(len(options)):
                sel = draw[name] == c
                if sel.any():
                    explained += sel.sum() * float(
                        ((y[sel].mean(axis=0) - y.mean(axis=0)) ** 2).sum()
                    )
        rows.append((name, ", ".join(options), explained / total if total > 0 else np.nan))
    share = np.nan
    if total > 0 and n > weights.shape[1] + 2:
        # Least squares by the normal equations: the weight factors are independent draws, so
        # the small Gram matrix is well conditioned, and this is far cheaper than an SVD.
        design = np.column_stack([np.ones(n), weights - weights.mean(axis=0)])
        beta = np.linalg.solve(design.T @ design, design.T @ y)
        sse = float(((y - design @ beta) ** 2).sum())
        d = weights.shape[1]
        share = max(0.0, 1 - (sse / (n - d - 1)) / (total / (n - 1)))
    rows.insert(0, ("weights", f"+/- noise on {weights.shape[1]} weights", share))
    first = sum(r[2] for r in rows if not np.isnan(r[2]))
    interactions = max(0.0, 1 - first) if total > 0 else np.nan
    rows.append(("interactions", "not explained by any single choice", interactions))
    return pd.DataFrame(rows, columns=["factor", "alternatives", "first_order"])
