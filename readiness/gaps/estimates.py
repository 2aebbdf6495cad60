"""Estimates for group figures only: members without a recent value, and the nowcast.

ITU computes its regional and global aggregates from the data Member States report,
"supplemented by ITU estimates" for the others; where no published figure exists it estimates
"using trends" from a country's previous five years (ITU, Facts and Figures 2024 and 2025,
methodology). We follow that rule and nothing cleverer: a member's **own trend**. Its base is
its last observed value at or before the reference year, no older than MAX_AGE years; its pace
is the documented trend rule of readiness.gaps.trends ending at that base year (no pace: the
value is carried, pace 0). The trend is damped (Gardner and McKenzie 1985): h years ahead the
value is base + pace x (d + d^2 + ... + d^h) with d = DAMPING, because shares slow as they
fill and a fast run rarely lasts; kept inside the indicator's range (0-100 for shares, a
score's scale, at least 0 otherwise). DAMPING was chosen by back-testing every economy's
value 1 to 6 years ahead over 2015-2024 (docs/GAPS.md section 3; bench/aggregates.py).

Two uses, both flagged as estimates and never shown as a member's own value:
- **fill**: members with no value in the window are estimated for the group's data year (the
  median data year of the reported values), so the group keeps its membership; the group row
  says which share of the population its reported values and its estimates cover, and
  readiness.data.groups.enough_coverage withholds the value below the thresholds.
- **nowcast**: every member projected to the reference year, a group value "for" that year.
Pillar and index scores are not estimated. docs/GAPS.md section 3 states the rule and
bench/aggregates.py measures it (back-test and ITU's published aggregates).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from readiness.data.groups import enough_coverage
from readiness.gaps.trends import DEFAULT_WINDOW, MIN_POINTS, fits_by_year

if TYPE_CHECKING:
    from readiness.gaps.cube import GapInputs, GroupStats

MAX_AGE = 10  # years from a member's last observation to the year it is estimated for
DAMPING = 0.8  # share of the pace kept each further year ahead
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True, eq=False)
class Projections:
    """Reference years x units x codes: each member's base value, its year and its own pace."""

    value: np.ndarray
    year: np.ndarray
    pace: np.ndarray
    low: np.ndarray  # per code
    high: np.ndarray

    def at(
        self, when: np.ndarray, t: int | slice = slice(None), damping: float = DAMPING
    ) -> np.ndarray:
        """Values at calendar years `when` (broadcast against units x codes of year(s) `t`).

        `damping` 0 carries the base forward, 1 is the undamped linear trend (back-tests only).
        """
        base, year, pace = self.value[t], self.year[t], self.pace[t]
        ahead = when - year
        k = np.clip(ahead, 0, None)
        steps = k if damping == 1 else damping * (1.0 - damping**k) / (1.0 - damping)
        out = np.clip(base + pace * steps, self.low, self.high)
        return np.where((ahead >= 0) & (ahead <= MAX_AGE), out, np.nan)


def bounds(unit: str) -> tuple[float, float]:
    """The range an estimate is kept in, read from the catalogue unit."""
    text = unit.strip().lower()
    if text.startswith("%") and "gni" not in text:
        return 0.0, 100.0
    found = _RANGE.search(text)
    if found:
        return float(found.group(1)), float(found.group(2))
    return 0.0, np.inf


def project(inputs: GapInputs) -> Projections:
    """Every member's base, base year and own pace, for every reference year (indicators)."""
    units = [inputs.unit(c) for c in inputs.codes]
    return project_cube(inputs.observed, inputs.years, inputs.levels, units)


def project_cube(
    observed: np.ndarray, years: np.ndarray, levels: Sequence[str], units: Sequence[str]
) -> Projections:
    """`project` for an observed years x units x codes cube (row t uses years <= years[t] only)."""
    obs = observed
    is_indicator = np.array([lv == "indicator" for lv in levels])
    has = ~np.isnan(obs) & is_indicator[None, None, :]
    idx = np.where(has, np.arange(len(years))[:, None, None], -1)
    last = np.maximum.accumulate(idx, axis=0)  # position of the last observation so far
    ok = last >= 0
    pos = np.maximum(last, 0)
    u = np.arange(obs.shape[1])[None, :, None]
    k = np.arange(obs.shape[2])[None, None, :]
    base = np.where(ok, obs[pos, u, k], np.nan)
    base_year = np.where(ok, years[pos].astype(float), np.nan)
    slope, _, _, _ = fits_by_year(obs[:, :, is_indicator], years, DEFAULT_WINDOW, MIN_POINTS)
    full = np.full(obs.shape, np.nan)
    full[:, :, is_indicator] = slope
    pace = np.nan_to_num(np.where(ok, full[pos, u, k], np.nan))
    ranges = [bounds(unit) if lv == "indicator" else (0.0, 100.0)
              for unit, lv in zip(units, levels, strict=True)]  # fmt: skip
    low = np.array([r[0] for r in ranges])
    high = np.array([r[1] for r in ranges])
    return Projections(base, base_year, pace, low, high)


@dataclass(frozen=True, eq=False)
class Filled:
    """Years x groups x codes: the group value with estimates, its coverage, and the nowcast."""

    weighted: np.ndarray
    simple: np.ndarray
    n_estimated: np.ndarray
    estimated_share: np.ndarray
    withheld: np.ndarray  # True where the coverage rule withholds the value
    nowcast: np.ndarray


def fill(inputs: GapInputs, t_idx: np.ndarray, member: np.ndarray, stats: GroupStats) -> Filled:
    """Group values of the reference years `t_idx` with members' estimates (the module's rule).

    `member` is the years x groups x units membership of those years and `stats` the
    reported-only statistics (readiness.gaps.cube.aggregate) of the same cube.
    """
    proj = inputs.projections
    values = inputs.values[t_idx]
    w = inputs.population[t_idx]
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    shape = stats.n.shape
    out = {key: np.full(shape, np.nan) for key in ("w", "s", "ne", "es", "now")}
    for a, t in enumerate(t_idx):
        when = np.floor(np.where(np.isnan(stats.median_year[a]), inputs.years[t],
                                 stats.median_year[a]))  # fmt: skip
        m = member[a].astype(float)  # groups x units
        mw = m * w[a][None, :]
        missing = np.isnan(values[a])  # units x codes
        est = proj.at(when[:, None, :], t)  # groups x units x codes
        est = np.where(missing[None], est, np.nan)
        got = ~np.isnan(est)
        est0 = np.where(got, est, 0.0)
        est_w = np.einsum("gu,guk->gk", mw, got)
        est_sum = np.einsum("gu,guk->gk", mw, est0)
        est_n = np.einsum("gu,guk->gk", m, got)
        est_plain = np.einsum("gu,guk->gk", m, est0)
        rep_w = np.einsum("gu,uk->gk", mw, ~missing)
        rep_sum = np.einsum("gu,uk->gk", mw, np.nan_to_num(values[a]))
        total = mw.sum(axis=1)[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            out["w"][a] = (rep_sum + est_sum) / (rep_w + est_w)
            plain = np.nansum(np.stack([stats.simple[a] * stats.n[a], est_plain]), axis=0)
            out["s"][a] = plain / (stats.n[a] + est_n)
            out["es"][a] = np.where(total > 0, est_w / total, np.nan)
            out["ne"][a] = est_n
            now = proj.at(np.full(values.shape[2], float(inputs.years[t])), t)  # units x codes
            now = np.where(np.isnan(now), values[a], now)  # aggregates keep their scores
            has_now = ~np.isnan(now)
            out["now"][a] = (mw @ np.where(has_now, now, 0.0)) / (mw @ has_now)
    withheld = ~enough_coverage(stats.population_share, out["es"])
    keep = ~withheld & (stats.n + out["ne"] > 0)
    is_indicator = np.array([lv == "indicator" for lv in inputs.levels])
    return Filled(
        weighted=np.where(keep, out["w"], np.nan),
        simple=np.where(keep, out["s"], np.nan),
        n_estimated=out["ne"].astype(int),
        estimated_share=np.where(np.isnan(stats.population_share), np.nan, out["es"]),
        withheld=withheld & (stats.total[:, :, None] > 0),
        nowcast=np.where(keep & is_indicator[None, None, :], out["now"], np.nan),
    )
