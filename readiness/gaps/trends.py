"""Trends: least-squares annual change over a window of observed years, and years to target.

The pace of one economy on one indicator is the ordinary least-squares slope of its observed
values (never carried-forward ones) on the calendar year, over the `window` years ending at the
reference year, given at least `min_points` observations. docs/GAPS.md has the whole method.
"""

from __future__ import annotations

import numpy as np

from readiness.gaps.targets import met

DEFAULT_WINDOW = 5
MIN_POINTS = 2
HORIZON = 2100  # a target reached later than this is reported as "after 2100"

# Outlook labels, in the order a reader meets them; the UI builds its legend from this.
OUTLOOKS: dict[str, str] = {
    "already met": "The latest value meets the target.",
    "on track": "At the current pace the target is reached by its target year.",
    "too slow": "At the current pace the target is reached, but after its target year.",
    "after 2100": "At the current pace the target is reached only after 2100.",
    "not at the current pace": "The value is not moving towards the target (flat or receding).",
    "no trend": "Fewer than two observed values in the window: no pace to project.",
    "no data": "No value within the most-recent-value window.",
}


def slopes(
    cube: np.ndarray,
    years: np.ndarray,
    end_year: int,
    window: int = DEFAULT_WINDOW,
    min_points: int = MIN_POINTS,
) -> tuple[np.ndarray, np.ndarray]:
    """OLS slope per unit and indicator over years end_year-window+1 .. end_year, and its n.

    `cube` is years x units x indicators of observed values (NaN missing) for consecutive
    `years`. The slope is NaN with fewer than `min_points` observations.
    """
    if window < 2:
        raise ValueError("a trend needs a window of at least 2 years")
    years = np.asarray(years)
    pick = (years >= end_year - window + 1) & (years <= end_year)
    v = cube[pick]
    t = years[pick].astype(float)[:, None, None]
    has = ~np.isnan(v)
    n = has.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_bar = np.where(has, t, 0.0).sum(axis=0) / n
        v_bar = np.where(has, v, 0.0).sum(axis=0) / n
        dt = np.where(has, t - t_bar, 0.0)
        sxx = (dt * dt).sum(axis=0)
        sxy = (dt * np.where(has, v - v_bar, 0.0)).sum(axis=0)
        slope = sxy / sxx
    ok = (n >= max(min_points, 2)) & (sxx > 0)
    return np.where(ok, slope, np.nan), n


def slopes_by_year(
    cube: np.ndarray,
    years: np.ndarray,
    window: int = DEFAULT_WINDOW,
    min_points: int = MIN_POINTS,
    end_years: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`slopes` for each of `end_years` (default: every year): end years x units x indicators."""
    ends = np.asarray(years if end_years is None else end_years)
    out = np.full((len(ends), *cube.shape[1:]), np.nan)
    counts = np.zeros(out.shape, dtype=int)
    for k, year in enumerate(ends):
        out[k], counts[k] = slopes(cube, years, int(year), window, min_points)
    return out, counts


def outlook(
    value: np.ndarray,
    anchor_year: np.ndarray,
    pace: np.ndarray,
    target: np.ndarray,
    direction: np.ndarray,
    target_year: np.ndarray | int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year the target is reached, outlook label, annual change needed to reach it in time).

    The year is projected linearly from the latest value at its data year (`anchor_year`):
    anchor + (target - value) / pace, rounded up; NaN unless the outlook is on track or too
    slow. The required pace is (target - value) / (target year - anchor), 0 when already met,
    NaN once the anchor is at or past the target year. Rows without a target get NaN and "".
    """
    value = np.asarray(value, dtype=float)
    anchor = np.asarray(anchor_year, dtype=float)
    pace = np.asarray(pace, dtype=float)
    shape = np.broadcast(value, anchor, pace, target, direction).shape
    value, anchor, pace = (np.broadcast_to(a, shape) for a in (value, anchor, pace))
    target = np.broadcast_to(np.asarray(target, dtype=float), shape)
    direction = np.broadcast_to(np.asarray(direction, dtype=float), shape)
    due = np.broadcast_to(np.asarray(target_year, dtype=float), shape)
    has_target = (direction != 0) & ~np.isnan(target)
    done = met(value, target, direction)
    towards = direction * pace > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        reach = np.ceil(anchor + (target - value) / pace - 1e-9)
        left = due - anchor
        needed = np.where(left > 0, (target - value) / left, np.nan)
    labels = np.full(shape, "", dtype=object)
    labels[has_target & np.isnan(value)] = "no data"
    live = has_target & ~np.isnan(value) & ~done
    labels[has_target & done] = "already met"
    labels[live & np.isnan(pace)] = "no trend"
    moving = live & ~np.isnan(pace)
    labels[moving & ~towards] = "not at the current pace"
    going = moving & towards
    labels[going & (reach <= due)] = "on track"
    labels[going & (reach > due) & (reach <= HORIZON)] = "too slow"
    labels[going & (reach > HORIZON)] = "after 2100"
    year_out = np.where(going & (reach <= HORIZON), reach, np.nan)
    needed = np.where(done, 0.0, np.where(live, needed, np.nan))
    return year_out, labels, needed
