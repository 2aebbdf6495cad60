"""Weighted means level by level with COINr's missing-child rule, coverage, and ranks.

Arrays may carry leading batch axes (Monte Carlo samples): units are the second-last axis and
children (or parents) the last one.
"""

from __future__ import annotations

import numpy as np

from readiness.index.normalise import min_rank

# Relative slack for coverage comparisons, so 2 of 3 equal weights meets a 2/3 threshold.
_COVERAGE_SLACK = 1e-9
# Scores are rounded to this many decimals before ranking so that float noise from summing
# in a different order never splits a true tie.
RANK_DECIMALS = 9


def aggregate_level(
    x: np.ndarray, weights: np.ndarray, how: str, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Parents' scores and coverage from children's scores `x` (..., units, children).

    `weights` is children x parents (or samples x children x parents), each child's weight in
    its parent's column. Missing children drop out and the others' weights are re-scaled
    (COINr's a_amean / a_gmean); a parent whose present children hold less than `threshold` of
    its weight, or none at all, is NaN. Coverage is that present share of weight.
    """
    present = ~np.isnan(x)
    w_present = np.matmul(present.astype(float), weights)
    w_total = weights.sum(axis=-2)[..., None, :]
    if how == "geometric":
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log(np.where(present, x, 1.0))
        num = np.matmul(logs, weights)
    else:
        num = np.matmul(np.where(present, x, 0.0), weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = w_present / w_total
        mean = num / w_present
    if how == "geometric":
        mean = np.exp(mean)
    ok = (w_present > 0) & (share >= threshold - _COVERAGE_SLACK)
    return np.where(ok, mean, np.nan), share


def rank_scores(scores: np.ndarray, axis: int = 0) -> np.ndarray:
    """Ranks along `axis`: 1 is the highest score, ties share the better rank, NaN unranked."""
    return min_rank(-np.round(scores, RANK_DECIMALS), axis=axis)
