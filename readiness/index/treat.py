"""Treatment before normalisation: declared caps and logs, and optional JRC winsorisation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def cap_and_log(
    x: np.ndarray, caps: np.ndarray, logs: np.ndarray, floors: np.ndarray | None = None
) -> np.ndarray:
    """Cap each column at `caps` (NaN: none), raise it to `floors` (NaN: none), then take the
    natural log where `logs`; NaN stays."""
    out = np.where(x > caps, caps, x)  # comparisons with NaN are False: no cap, missing kept
    if floors is not None:
        out = np.where(out < floors, floors, out)
    if logs.any():
        cols = np.flatnonzero(logs)
        with np.errstate(divide="ignore", invalid="ignore"):
            sub = out[:, cols]
            # The log of a non-positive value is undefined: such values become missing and the
            # engine reports them, rather than inventing a floor.
            out[:, cols] = np.where(sub > 0, np.log(np.where(sub > 0, sub, 1.0)), np.nan)
    return out


def skewness(x: np.ndarray) -> float:
    """Sample skewness as COINr's skew() (e1071 type 2, Excel's SKEW); NaN below 3 values."""
    v = x[~np.isnan(x)]
    n = v.size
    if n < 3:
        return float("nan")
    d = v - v.mean()
    m2 = (d**2).sum()
    if m2 == 0:
        return 0.0
    g = np.sqrt(n) * (d**3).sum() / m2**1.5
    return float(g * np.sqrt(n * (n - 1)) / (n - 2))


def kurtosis(x: np.ndarray) -> float:
    """Sample excess kurtosis as COINr's kurt() (e1071 type 2, Excel's KURT); NaN below 4 values."""
    v = x[~np.isnan(x)]
    n = v.size
    if n < 4:
        return float("nan")
    d = v - v.mean()
    m2 = (d**2).sum()
    if m2 == 0:
        return 0.0
    r = n * (d**4).sum() / m2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def needs_treatment(x: np.ndarray, skew_threshold: float, kurtosis_threshold: float) -> bool:
    """The JRC rule as COINr checks it: treat when |skewness| and kurtosis both reach thresholds."""
    sk, kt = skewness(x), kurtosis(x)
    if np.isnan(sk) or np.isnan(kt):
        return False
    return bool(abs(sk) >= skew_threshold and kt >= kurtosis_threshold)


@dataclass(frozen=True)
class Winsorised:
    """The outcome of winsorising one indicator."""

    scores: np.ndarray
    points: int  # how many values were replaced
    high: bool  # True when the high end was treated
    passed: bool  # whether skewness and kurtosis are within the thresholds afterwards


def winsorise(
    x: np.ndarray, max_points: int, skew_threshold: float, kurtosis_threshold: float
) -> Winsorised:
    """COINr's winsorise(): replace the most extreme value(s) by the next one until the rule passes.

    The side follows the sign of the skewness at each step; ties at the extreme are replaced
    together. At most `max_points` values change (COINr's intended `winmax`).
    """
    v = x.astype(float).copy()
    points = 0
    high = False
    while needs_treatment(v, skew_threshold, kurtosis_threshold):
        present = ~np.isnan(v)
        if skewness(v) >= 0:
            extreme = np.nanmax(v)
            hit = present & (v == extreme)
            rest = v[present & ~hit]
            if rest.size == 0 or points + int(hit.sum()) > max_points:
                break
            v[hit] = rest.max()
            high = True
        else:
            extreme = np.nanmin(v)
            hit = present & (v == extreme)
            rest = v[present & ~hit]
            if rest.size == 0 or points + int(hit.sum()) > max_points:
                break
            v[hit] = rest.min()
        points += int(hit.sum())
    passed = not needs_treatment(v, skew_threshold, kurtosis_threshold)
    return Winsorised(v, points, high, passed)
