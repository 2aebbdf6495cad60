"""Trends: least-squares annual change over a window of observed years, and years to target.

The pace of one economy on one indicator is the ordinary least-squares slope of its observed
values (never carried-forward ones) on the calendar year, over the `window` years ending at the
reference year, given at least `min_points` observations. Sparse series fall back on a longer
look-back, widened a year at a time up to LOOKBACK years, until it holds at least two
observations spanning at least MIN_SPAN years. docs/GAPS.md has the whole method.
"""

from __future__ import annotations

import numpy as np

from readiness.gaps.targets import met

DEFAULT_WINDOW = 5
MIN_POINTS = 2
LOOKBACK = 10  # years a sparse series may reach back for a trend
MIN_SPAN = 3  # years between the first and last observation of a look-back trend
HORIZON = 2100  # a target reached later than this is reported as "after 2100"

# Outlook labels, in the order a reader meets them; the UI builds its legend from this.
OUTLOOKS: dict[str, str] = {
    "already met": "The latest value meets the target.",
    "on track": "At the current pace the target is reached by its target year.",
    "too slow": "At the current pace the target is reached, but after its target year.",
    "after 2100": "At the current pace the target is reached only after 2100.",
    "not at the current pace": "The value is not moving towards the target (flat or receding).",
    "no trend": "Too few observed values for a pace: fewer than two in the window, and fewer "
    "than two spanning three years in the ten-year look-back.",
    "no data": "No value within the most-recent-value window.",
}


def fit_trends(
    cube: np.ndarray,
    years: np.ndarray,
    end_year: int,
    window: int = DEFAULT_WINDOW,
    min_points: int = MIN_POINTS,
    lookback: int = LOOKBACK,
    min_span: int = MIN_SPAN,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(slope, n, first year, last year) per unit and indicator: the documented trend rule.

    The slope over the `window` years ending at `end_year` where they hold at least
    `min_points` observations; otherwise the look-back widens a year at a time, up to
    `lookback` years, until it holds at least two observations at least `min_span` years apart
    (so the most recent such pair or run sets the pace); otherwise NaN (n, first and last then
    describe the window). First and last are the years of the observations the slope rests on.
    """
    if window < 2:
        raise ValueError("a trend needs a window of at least 2 years")
    slope, n, first, last = _ols(cube, years, end_year, window, min_points)
    for wider in range(window + 1, max(lookback, window) + 1):
        todo = np.isnan(slope)
        if not todo.any():
            break
        w_slope, w_n, w_first, w_last = _ols(cube, years, end_year, wider, 2)
        take = todo & ~np.isnan(w_slope) & (w_last - w_first >= min_span)
        slope = np.where(take, w_slope, slope)
        n = np.where(take, w_n, n)
        first = np.where(take, w_first, first)
        last = np.where(take, w_last, last)
    return slope, n, first, last


def _ols(
    cube: np.ndarray, years: np.ndarray, end_year: int, window: int, min_points: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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
    first = np.where(has, t, np.inf).min(axis=0) if v.size else np.full(cube.shape[1:], np.inf)
    last = np.where(has, t, -np.inf).max(axis=0) if v.size else np.full(cube.shape[1:], -np.inf)
    first = np.where(np.isfinite(first), first, np.nan)
    last = np.where(np.isfinite(last), last, np.nan)
    return np.where(ok, slope, np.nan), n, first, last


def slopes(
    cube: np.ndarray,
    years: np.ndarray,
    end_year: int,
    window: int = DEFAULT_WINDOW,
    min_points: int = MIN_POINTS,
) -> tuple[np.ndarray, np.ndarray]:
    """`fit_trends`' slope and n per unit and indicator, with the default look-back.

    `cube` is years x units x indicators of observed values (NaN missing) for consecutive
    `years`.
    """
    slope, n, _, _ = fit_trends(cube, years, end_year, window, min_points)
    return slope, n


def slopes_by_year(
    cube: np.ndarray,
    years: np.ndarray,
    window: int = DEFAULT_WINDOW,
    min_points: int = MIN_POINTS,
    end_years: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`slopes` for each of `end_years` (default: every year): end years x units x indicators."""
    slope, n, _, _ = fits_by_year(cube, years, window, min_points, end_years)
    return slope, n


def fits_by_year(
    cube: np.ndarray,
    years: np.ndarray,
    window: int = DEFAULT_WINDOW,
    min_points: int = MIN_POINTS,
    end_years: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`fit_trends` for each of `end_years`: slope, n, first, last (years x units x codes)."""
    ends = np.asarray(years if end_years is None else end_years)
    out = np.full((len(ends), *cube.shape[1:]), np.nan)
    counts = np.zeros(out.shape, dtype=int)
    first, last = out.copy(), out.copy()
    for k, year in enumerate(ends):
        fit = fit_trends(cube, years, int(year), window, min_points)
        out[k], counts[k], first[k], last[k] = fit
    return out, counts, first, last


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
