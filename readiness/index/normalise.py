"""Normalisation of a units x indicators matrix, column by column, as COINr defines each method.

Every function takes treated values `x` (NaN for missing) and per-indicator `directions`
(+1 higher is better, -1 lower is better) and returns scores where higher is always better.
"""

from __future__ import annotations

import numpy as np

from readiness.index.method import Method


def min_rank(values: np.ndarray, axis: int = 0) -> np.ndarray:
    """Ascending ranks along `axis`; ties share the lowest rank (R's "min"), NaN stays NaN."""
    a = np.moveaxis(np.asarray(values, dtype=float), axis, -1)
    order = np.argsort(a, axis=-1, kind="stable")  # NaN sorts last
    s = np.take_along_axis(a, order, axis=-1)
    pos = np.broadcast_to(np.arange(a.shape[-1]), s.shape)
    new_value = np.ones(s.shape, dtype=bool)
    new_value[..., 1:] = s[..., 1:] != s[..., :-1]
    # Each run of equal values takes the position where the run starts.
    start = np.maximum.accumulate(np.where(new_value, pos, 0), axis=-1)
    ranks = (start + 1).astype(float)
    ranks[np.isnan(s)] = np.nan
    out = np.empty_like(ranks)
    np.put_along_axis(out, order, ranks, axis=-1)
    return np.moveaxis(out, -1, axis)


def _col_min(y: np.ndarray) -> np.ndarray:
    # fmin/fmax skip NaN and return NaN for an all-missing column without a warning.
    return np.fmin.reduce(y, axis=0) if y.shape[0] else np.full(y.shape[1], np.nan)


def _col_max(y: np.ndarray) -> np.ndarray:
    return np.fmax.reduce(y, axis=0) if y.shape[0] else np.full(y.shape[1], np.nan)


def minmax(x: np.ndarray, directions: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """COINr n_minmax on direction-adjusted values: (x - min) / (max - min) * (hi - lo) + lo."""
    y = x * directions
    mn, mx = _col_min(y), _col_max(y)
    with np.errstate(invalid="ignore", divide="ignore"):
        # A constant indicator gives 0/0 = NaN, as in COINr: it carries no information.
        return (y - mn) / (mx - mn) * (hi - lo) + lo


def goalposts(
    x: np.ndarray,
    directions: np.ndarray,
    gp_lo: np.ndarray,
    gp_hi: np.ndarray,
    lo: float,
    hi: float,
) -> np.ndarray:
    """COINr n_goalposts: distance from the worst to the best goalpost, truncated, onto [lo, hi]."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(
            directions > 0, (x - gp_lo) / (gp_hi - gp_lo), (gp_hi - x) / (gp_hi - gp_lo)
        )
    share = np.clip(share, 0.0, 1.0)  # NaN passes through clip unchanged
    return lo + (hi - lo) * share


def zscore(x: np.ndarray, directions: np.ndarray, mean: float, sd: float) -> np.ndarray:
    """COINr n_zscore: (x - mean) / sd (sample sd, n - 1) rescaled to the given mean and sd."""
    y = x * directions
    present = ~np.isnan(y)
    n = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.where(present, y, 0.0).sum(axis=0) / n
        dev = np.where(present, y - mu, 0.0)
        s = np.sqrt((dev**2).sum(axis=0) / (n - 1))
        # No spread (or one so small its square underflows) carries no information: missing.
        return np.where(s > 0, (y - mu) / s * sd + mean, np.nan)


def percentile_rank(x: np.ndarray, directions: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """COINr n_prank onto [lo, hi]: (rank - 1) / (n - 1) with ties at the lower rank."""
    y = x * directions
    n = (~np.isnan(y)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (min_rank(y, axis=0) - 1) / (n - 1)
    return lo + (hi - lo) * share


def distance_to_target(
    x: np.ndarray, directions: np.ndarray, target: np.ndarray, lo: float, hi: float, cap: bool
) -> np.ndarray:
    """COINr n_dist2targ onto [lo, hi]: 1 - (target - x) / (target - min), capped at 1 if `cap`."""
    y = x * directions
    t = target * directions
    mn = _col_min(y)
    span = t - mn
    with np.errstate(invalid="ignore", divide="ignore"):
        # A target no better than the worst value leaves nothing to measure: missing.
        share = np.where(span > 0, 1 - (t - y) / span, np.nan)
    if cap:
        share = np.minimum(share, 1.0)
    return lo + (hi - lo) * share


def normalise(
    x: np.ndarray,
    method: Method,
    directions: np.ndarray,
    gp_lo: np.ndarray,
    gp_hi: np.ndarray,
    target: np.ndarray,
    kind: str | None = None,
) -> np.ndarray:
    """Normalise by `kind` (default the method's normalisation), column by column."""
    kind = kind or method.normalisation
    lo, hi = method.bounds
    if kind == "minmax":
        out = minmax(x, directions, lo, hi)
    elif kind == "goalposts":
        out = goalposts(x, directions, gp_lo, gp_hi, lo, hi)
    elif kind == "zscore":
        out = zscore(x, directions, method.zscore_mean, method.zscore_sd)
    elif kind == "rank":
        out = percentile_rank(x, directions, lo, hi)
    elif kind == "target":
        out = distance_to_target(x, directions, target, lo, hi, method.cap_at_target)
    else:
        raise ValueError(f"unknown normalisation {kind!r}")
    # An overflow (a spread near the smallest float) must not leak infinities into means.
    return np.where(np.isfinite(out), out, np.nan)
