"""Most-recent-value selection: a years x units x indicators cube and cross-sections of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from readiness.errors import ReadinessError


@dataclass(frozen=True, eq=False)
class Panel:
    """Values by year, unit and indicator (NaN when missing), with unit facts; build once."""

    units: pd.DataFrame  # index: unit codes; columns such as name, itu_region, population
    indicators: tuple[str, ...]
    years: np.ndarray  # consecutive calendar years, ascending
    values: np.ndarray = field(repr=False)  # years x units x indicators
    estimates: np.ndarray | None = field(default=None, repr=False)  # same shape, bool

    @cached_property
    def _last(self) -> np.ndarray:
        # Index of the latest year <= t holding a value, -1 if none: one pass for all years.
        t = np.arange(len(self.years))[:, None, None]
        marked = np.where(~np.isnan(self.values), t, -1)
        return np.maximum.accumulate(marked, axis=0)

    def select(self, year: int, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each unit's most recent value per indicator within `windows` years ending at `year`.

        Returns (values, years, estimate flags), units x indicators; NaN (year NaN) when no value
        falls in the window. A window of w years ending at Y covers Y-w+1 .. Y.
        """
        n_units, n_ind = self.values.shape[1:]
        empty = np.full((n_units, n_ind), np.nan)
        if len(self.years) == 0 or year < self.years[0]:
            return empty, empty.copy(), np.zeros((n_units, n_ind), dtype=bool)
        t = min(int(year - self.years[0]), len(self.years) - 1)
        last = self._last[t]
        value_year = np.where(last >= 0, self.years[0] + last, -(10**6)).astype(float)
        ok = value_year >= year - windows[None, :] + 1
        idx = np.where(last >= 0, last, 0)[None, :, :]
        vals = np.take_along_axis(self.values, idx, axis=0)[0]
        est = (
            np.take_along_axis(self.estimates, idx, axis=0)[0] & ok
            if self.estimates is not None
            else np.zeros((n_units, n_ind), dtype=bool)
        )
        return np.where(ok, vals, np.nan), np.where(ok, value_year, np.nan), est


def panel_from_long(
    values: pd.DataFrame,
    units: pd.DataFrame,
    indicators: Sequence[str],
    last_year: int | None = None,
) -> Panel:
    """Build a Panel from long rows (iso3, indicator, year, value[, estimate]) for `units`.

    Rows for units or indicators outside the given sets are ignored; a repeated
    (unit, indicator, year) keeps the last row.
    """
    missing = [c for c in ("iso3", "indicator", "year", "value") if c not in values.columns]
    if missing:
        raise ReadinessError(f"values table lacks column(s) {', '.join(missing)}")
    unit_index = pd.Index(units.index)
    ind_index = pd.Index(list(indicators))
    u = unit_index.get_indexer(pd.Index(values["iso3"]))
    i = ind_index.get_indexer(pd.Index(values["indicator"]))
    keep = (u >= 0) & (i >= 0) & values["value"].notna().to_numpy()
    years_col = values["year"].to_numpy()
    if keep.any():
        first = int(years_col[keep].min())
        last = int(max(years_col[keep].max(), last_year or 0))
    else:
        first = last = int(last_year or 2000)
    years = np.arange(first, last + 1)
    cube = np.full((len(years), len(unit_index), len(ind_index)), np.nan)
    t = years_col[keep].astype(int) - first
    cube[t, u[keep], i[keep]] = values["value"].to_numpy(dtype=float)[keep]
    estimates = None
    if "estimate" in values.columns:
        estimates = np.zeros(cube.shape, dtype=bool)
        estimates[t, u[keep], i[keep]] = values["estimate"].fillna(False).to_numpy(dtype=bool)[keep]
    return Panel(units, tuple(ind_index), years, cube, estimates)
