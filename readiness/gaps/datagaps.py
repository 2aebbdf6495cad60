"""Data-gap analysis: which economies and groups lack which indicators in which years.

Each economy, indicator and reference year has one status:
- "reported": a value for that very year, reported by the producer;
- "estimate": a value for that very year that ITU marks as its own estimate;
- "carried forward": no value that year, but one within the catalogue window, which the index
  and group figures use (most recent value);
- "missing": no value within the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from readiness.data.groups import Group
from readiness.errors import ReadinessError
from readiness.gaps.cube import GapInputs, gap_inputs, median_years, membership, parse_group

STATUSES: dict[str, str] = {
    "reported": "Value for the year, reported by the producer",
    "estimate": "Value for the year, an ITU estimate",
    "carried forward": "Most recent value from an earlier year within the window",
    "missing": "No value within the window",
}


def status_codes(inputs: GapInputs, years: np.ndarray | None = None) -> np.ndarray:
    """Status (index into STATUSES) per reference year x economy x indicator."""
    k = _indicator_columns(inputs)
    t = np.arange(len(inputs.years)) if years is None else np.asarray(years)
    vals = inputs.values[t][:, :, k]
    yrs = inputs.value_years[t][:, :, k]
    est = inputs.estimates[t][:, :, k]
    ref = inputs.years[t][:, None, None]
    out = np.full(vals.shape, 3, dtype=np.int8)  # missing
    current = ~np.isnan(vals) & (yrs == ref)
    out[~np.isnan(vals) & ~current] = 2
    out[current & est] = 1
    out[current & ~est] = 0
    return out


def economy_status(
    inputs: GapInputs | None = None,
    years: Iterable[int] | None = None,
    iso3: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Long table: iso3, name, year, indicator, status, data_year, one row per combination."""
    inputs = inputs or gap_inputs()
    t = _year_positions(inputs, years)
    k = _indicator_columns(inputs)
    codes = np.array(inputs.codes)[k]
    u = np.arange(len(inputs.units))
    if iso3 is not None:
        wanted = pd.Index([c.strip().upper() for c in iso3])
        bad = wanted[~wanted.isin(inputs.units)].tolist()
        if bad:
            raise ReadinessError(f"unknown economy code(s) {bad}; use ISO3 codes such as KEN")
        u = inputs.units.get_indexer(wanted)
    status = status_codes(inputs, t)[:, u, :]
    yrs = inputs.value_years[t][:, u, :][:, :, k]
    labels = np.array(list(STATUSES))
    names = inputs.snapshot._names()
    iso = inputs.units[u].to_numpy()
    n_t, n_u, n_k = status.shape
    return pd.DataFrame(
        {
            "iso3": np.tile(np.repeat(iso, n_k), n_t),
            "name": np.tile(np.repeat([names.get(c, c) for c in iso], n_k), n_t),
            "year": np.repeat(inputs.years[t], n_u * n_k),
            "indicator": np.tile(codes, n_t * n_u),
            "status": labels[status.reshape(-1)],
            "data_year": pd.array(yrs.reshape(-1), dtype="Float64").round().astype("Int64"),
        }
    )


GROUP_COLUMNS = (
    "group", "year", "indicator", "N", "with_value", "reported", "estimate",
    "carried_forward", "missing", "share_missing", "share_estimates", "median_data_year",
    "missing_members",
)  # fmt: skip


def group_datagaps(
    inputs: GapInputs | None = None,
    groups: Sequence[str | Group] | None = None,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Per group, year and indicator: member counts by status, share missing and share estimated.

    `share_estimates` is the share of the values in use (window) that are ITU estimates;
    `missing_members` lists the members with no value within the window.
    """
    inputs = inputs or gap_inputs()
    t = _year_positions(inputs, years)
    k = _indicator_columns(inputs)
    extra = [g for g in groups or () if isinstance(g, Group)]
    all_groups, member = membership(inputs, extra)
    if groups:
        wanted = [g if isinstance(g, Group) else parse_group(g, inputs) for g in groups]
        pick = [next(i for i, a in enumerate(all_groups) if a.code == g.code) for g in wanted]
    else:
        pick = list(range(len(all_groups)))
    m = member[t][:, pick, :].astype(float)
    status = status_codes(inputs, t)
    counts = [m @ (status == s).astype(float) for s in range(len(STATUSES))]
    est_in_use = m @ (inputs.estimates[t][:, :, k] & ~np.isnan(inputs.values[t][:, :, k]))
    with_value = counts[0] + counts[1] + counts[2]
    total = m.sum(axis=2)[:, :, None] + np.zeros(with_value.shape)
    median = median_years(inputs.value_years[t][:, :, k], member[t][:, pick, :])
    codes = np.array(inputs.codes)[k]
    iso = inputs.units.to_numpy()
    missing_lists = [
        ",".join(iso[(m[a, g] > 0) & (status[a, :, j] == 3)])
        for a in range(len(t))
        for g in range(len(pick))
        for j in range(len(k))
    ]
    n_t, n_g, n_k = with_value.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        share_missing = np.where(total > 0, counts[3] / total, np.nan)
        share_est = np.where(with_value > 0, est_in_use / with_value, np.nan)
    out = pd.DataFrame(
        {
            "group": np.tile(np.repeat([all_groups[i].code for i in pick], n_k), n_t),
            "year": np.repeat(inputs.years[t], n_g * n_k),
            "indicator": np.tile(codes, n_t * n_g),
            "N": total.reshape(-1).astype(int),
            "with_value": with_value.reshape(-1).astype(int),
            "reported": counts[0].reshape(-1).astype(int),
            "estimate": counts[1].reshape(-1).astype(int),
            "carried_forward": counts[2].reshape(-1).astype(int),
            "missing": counts[3].reshape(-1).astype(int),
            "share_missing": share_missing.reshape(-1),
            "share_estimates": share_est.reshape(-1),
            "median_data_year": median.reshape(-1),
            "missing_members": missing_lists,
        }
    )
    return out[list(GROUP_COLUMNS)]


def _indicator_columns(inputs: GapInputs) -> np.ndarray:
    return np.array([k for k, lv in enumerate(inputs.levels) if lv == "indicator"], dtype=int)


def _year_positions(inputs: GapInputs, years: Iterable[int] | None) -> np.ndarray:
    if years is None:
        return np.arange(len(inputs.years))
    return np.array([inputs.year_index(y) for y in years], dtype=int)
