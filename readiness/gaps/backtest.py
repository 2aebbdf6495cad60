"""Back-test of the estimates behind group figures (readiness.gaps.estimates) on past years.

For a target year Y and a horizon h, every economy's value for Y is projected from the observed
data up to Y - h only: the cube is cut at Y - h and estimates.project_cube applies the module's
rule to it (base, base year and own pace; damped trend; kept in the unit's range; nothing older
than MAX_AGE). The projection is set against the economy's observed value for Y. Plain
carry-forward, the old behaviour (the last value held: damping 0), is measured on the same
pairs. `group_backtest` does the same for groups: the nowcast from data up to Y - h against the
group value of the members' observed values for Y, the same members on both sides.
docs/AGGREGATES.md has the tables; bench/aggregates.py prints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from readiness.data.groups import Group, resolve_group
from readiness.errors import ReadinessError
from readiness.gaps.cube import GapInputs, membership
from readiness.gaps.estimates import DAMPING, Projections, project_cube

CARRY = 0.0  # damping 0: the last observed value carried forward (the old behaviour)
DAMPINGS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)  # 1.0 is the undamped linear trend
DEFAULT_YEARS = range(2015, 2025)

BACKTEST_COLUMNS = (
    "code", "horizon", "n", "itu_estimate_share", "mae", "median_ae", "p90_ae", "bias",
    "carry_mae", "carry_median_ae", "carry_p90_ae", "carry_bias",
)  # fmt: skip
GROUP_COLUMNS = (
    "group", "code", "year", "horizon", "n", "N", "population_share",
    "observed", "nowcast", "error", "carry", "carry_error",
)  # fmt: skip


def check_horizons(horizons: Iterable[int]) -> list[int]:
    """The horizons as whole years; ReadinessError unless each is at least 1."""
    out = [int(h) for h in horizons]
    if not out or min(out) < 1:
        raise ReadinessError(
            f"a back-test horizon must be at least 1 year (data up to Y - h predict Y); "
            f"got {out or 'none'}"
        )
    return out


def cut_projections(inputs: GapInputs, origin: int, codes: Sequence[str]) -> Projections:
    """Each economy's base, base year and pace as of `origin`, from data up to `origin` only.

    One row (t = 0) of readiness.gaps.estimates.Projections over `codes` (indicators only).
    """
    t0 = inputs.year_index(origin)
    ks = _indicator_positions(inputs, codes)
    proj = project_cube(
        inputs.observed[: t0 + 1][:, :, ks],
        inputs.years[: t0 + 1],
        [inputs.levels[k] for k in ks],
        [inputs.unit(inputs.codes[k]) for k in ks],
    )
    return Projections(proj.value[-1:], proj.year[-1:], proj.pace[-1:], proj.low, proj.high)


def backtest(
    inputs: GapInputs,
    codes: Sequence[str],
    horizons: Iterable[int] = (1, 2, 3),
    years: Iterable[int] = DEFAULT_YEARS,
    damping: float = DAMPING,
    reported_only: bool = False,
) -> pd.DataFrame:
    """Economy-level errors of the projection and of carry-forward, per code and horizon.

    Errors are projected minus observed, in the indicator's unit, pooled over every economy and
    target year in `years` with an observed value and a projection; `n` counts those pairs and
    `itu_estimate_share` the share of the observed values ITU marks as its own estimates
    (`reported_only` drops those). Absolute errors: mean, median and 90th percentile; bias is
    the mean signed error.
    """
    long = damping_table(inputs, codes, horizons, years, (damping, CARRY), reported_only)
    ours = long[long["damping"] == damping].set_index(["code", "horizon"])
    carry = long[long["damping"] == CARRY].set_index(["code", "horizon"])
    stats = ["mae", "median_ae", "p90_ae", "bias"]
    out = ours[["n", "itu_estimate_share", *stats]].join(carry[stats].add_prefix("carry_"))
    return out.reset_index()[list(BACKTEST_COLUMNS)]


def damping_table(
    inputs: GapInputs,
    codes: Sequence[str],
    horizons: Iterable[int] = (1, 2, 3, 4),
    years: Iterable[int] = DEFAULT_YEARS,
    dampings: Sequence[float] = DAMPINGS,
    reported_only: bool = False,
) -> pd.DataFrame:
    """`backtest`'s statistics for each damping (0 carry-forward, 1 linear), one row each."""
    hs = check_horizons(horizons)
    ks = _indicator_positions(inputs, codes)
    cache: dict[int, Projections] = {}
    rows = []
    for h in hs:
        errors, est = _errors(inputs, ks, h, list(years), dampings, cache)
        keep = ~est if reported_only else np.ones(est.shape, dtype=bool)
        for d, err in zip(dampings, errors, strict=True):
            for j, k in enumerate(ks):
                e = err[:, :, j][keep[:, :, j]]
                used = ~np.isnan(e)
                a = np.abs(e[used])
                n = int(used.sum())
                rows.append(
                    {
                        "code": inputs.codes[k],
                        "horizon": h,
                        "damping": float(d),
                        "n": n,
                        "itu_estimate_share": _mean(est[:, :, j][keep[:, :, j]][used]),
                        "mae": _mean(a),
                        "median_ae": float(np.median(a)) if n else np.nan,
                        "p90_ae": float(np.quantile(a, 0.9)) if n else np.nan,
                        "bias": _mean(e[used]),
                    }
                )
    return pd.DataFrame(rows)


def group_backtest(
    inputs: GapInputs,
    groups: Sequence[str | Group],
    code: str,
    horizon: int,
    years: Iterable[int] = DEFAULT_YEARS,
) -> pd.DataFrame:
    """Per group and target year Y: the nowcast from data up to Y - h against the observed group.

    `observed` is the population-weighted mean of the members' observed values for Y; `nowcast`
    (and `carry`, the last values held) the same mean of their projections from data up to
    Y - h, over the same members (those with both); `population_share` is their share of the
    group's population. Errors are nowcast (carry) minus observed.
    """
    h = check_horizons([horizon])[0]
    (k,) = _indicator_positions(inputs, [code])
    extra = [g for g in groups if isinstance(g, Group)]
    all_groups, member = membership(inputs, extra)
    known = {g.code: g for g in all_groups}
    order = {g.code: i for i, g in enumerate(all_groups)}
    pick = [order[g.code if isinstance(g, Group) else resolve_group(g, known).code] for g in groups]
    cache: dict[int, Projections] = {}
    rows = []
    for year in years:
        t = inputs.year_index(year)
        truth = inputs.observed[t, :, k]
        proj = _cut(inputs, [k], year - h, cache)
        when = np.array([float(year)])
        now, carry = (proj.at(when, 0, d)[:, 0] for d in (DAMPING, CARRY))
        both = ~np.isnan(truth) & ~np.isnan(now)
        w = inputs.population[t]
        w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
        for g in pick:
            m = member[t, g]
            sel = m * w * both
            total, got = float((m * w).sum()), float(sel.sum())
            observed, nowcast, held = (_weighted(v, sel) for v in (truth, now, carry))
            rows.append(
                {
                    "group": all_groups[g].code,
                    "code": inputs.codes[k],
                    "year": int(year),
                    "horizon": h,
                    "n": int((m & both).sum()),
                    "N": int(m.sum()),
                    "population_share": got / total if total > 0 else np.nan,
                    "observed": observed,
                    "nowcast": nowcast,
                    "error": nowcast - observed,
                    "carry": held,
                    "carry_error": held - observed,
                }
            )
    return pd.DataFrame(rows, columns=list(GROUP_COLUMNS))


def _errors(
    inputs: GapInputs,
    ks: list[int],
    horizon: int,
    years: list[int],
    dampings: Sequence[float],
    cache: dict[int, Projections],
) -> tuple[list[np.ndarray], np.ndarray]:
    """Projected minus observed (target years x units x codes) per damping; ITU-estimate mask."""
    errors = [np.full((len(years), len(inputs.units), len(ks)), np.nan) for _ in dampings]
    est = np.zeros(errors[0].shape, dtype=bool)
    for a, year in enumerate(years):
        t = inputs.year_index(year)
        truth = inputs.observed[t][:, ks]
        # The value selected for Y is the observation of Y where its data year is Y.
        est[a] = inputs.estimates[t][:, ks] & (inputs.value_years[t][:, ks] == year)
        proj = _cut(inputs, ks, year - horizon, cache)
        when = np.full(len(ks), float(year))
        for err, d in zip(errors, dampings, strict=True):
            err[a] = proj.at(when, 0, d) - truth
    return errors, est


def _cut(
    inputs: GapInputs, ks: list[int], origin: int, cache: dict[int, Projections]
) -> Projections:
    if origin not in cache:
        cache[origin] = cut_projections(inputs, origin, [inputs.codes[k] for k in ks])
    return cache[origin]


def _indicator_positions(inputs: GapInputs, codes: Sequence[str]) -> list[int]:
    ks = [inputs.code_index(c) for c in codes]
    if not ks:
        raise ReadinessError("give at least one indicator to back-test")
    scores = [inputs.codes[k] for k in ks if inputs.levels[k] != "indicator"]
    if scores:
        raise ReadinessError(
            f"only indicators are estimated and back-tested, not {', '.join(scores)}"
        )
    return ks


def _weighted(v: np.ndarray, weights: np.ndarray) -> float:
    total = float(weights.sum())
    return float((weights * np.nan_to_num(v)).sum() / total) if total > 0 else np.nan


def _mean(a: np.ndarray) -> float:
    return float(np.mean(a)) if a.size else np.nan
