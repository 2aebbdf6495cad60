"""Peer finder: an economy's most similar economies, and which of them progressed fastest.

Similarity is Gower's distance over the chosen features: a numeric feature contributes
|a - b| / range (on the log scale where the catalogue logs it), a categorical one 0 when equal
and 1 otherwise; the distance is the mean over features both economies have, and a candidate
needs at least two thirds of the features. docs/GAPS.md has the method.
"""

from __future__ import annotations

import math
import warnings
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from readiness.data.groups import income_at
from readiness.errors import ReadinessError
from readiness.gaps.cube import GapInputs, gap_inputs, observed_cube
from readiness.gaps.trends import DEFAULT_WINDOW, MIN_POINTS, fit_trends
from readiness.index.selection import panel_from_long

# Categorical features: name -> column of the country master.
CATEGORICAL: dict[str, str] = {
    "region": "itu_region",
    "itu_region": "itu_region",
    "wb_region": "wb_region",
    "m49_region": "m49_region",
    "m49_subregion": "m49_subregion",
    "income_group": "income_group",
    "ldc": "ldc",
    "lldc": "lldc",
    "sids": "sids",
    "transition": "transition",
}
DEFAULT_FEATURES = ("gni_per_capita", "population", "urban_share", "region")
DEFAULT_PEERS = 10
MIN_SHARED = 2 / 3


@dataclass(frozen=True)
class Peers:
    """The focus economy and its peers, one row each, nearest first (focus on top)."""

    iso3: str
    year: int
    features: tuple[str, ...]
    indicator: str
    table: pd.DataFrame

    def fastest(self, n: int = 3) -> pd.DataFrame:
        """The `n` peers that progressed fastest on the indicator."""
        peers = self.table[self.table["role"] == "peer"].dropna(subset=["progress_rank"])
        return peers.sort_values("progress_rank").head(n)


def feature_options(inputs: GapInputs | None = None) -> dict[str, str]:
    """Every feature a user can choose: code -> label (numeric catalogue codes, then categories)."""
    inputs = inputs or gap_inputs()
    out = {i.code: i.name for i in inputs.snapshot.catalogue.indicators}
    out.update({name: f"same {col.replace('_', ' ')}" for name, col in CATEGORICAL.items()})
    return out


def find_peers(
    iso3: str,
    features: Sequence[str] = DEFAULT_FEATURES,
    indicator: str = "internet_use",
    year: int | None = None,
    n: int = DEFAULT_PEERS,
    window: int = DEFAULT_WINDOW,
    inputs: GapInputs | None = None,
    candidates: Sequence[str] | None = None,
) -> Peers:
    """The `n` economies most similar to `iso3` on `features` at `year`, with their progress."""
    inputs = inputs or gap_inputs()
    snap = inputs.snapshot
    units = inputs.units
    code = iso3.strip().upper()
    features = _checked_request(inputs, code, iso3, features, n)
    ref_year = int(inputs.years[inputs.year_index(year)])
    numeric = [f for f in features if f not in CATEGORICAL]
    master = snap.countries.set_index("iso3").reindex(units)
    # The income group of the reference year, by the rule every group figure follows.
    master["income_group"] = income_at(snap.countries, ref_year, snap.income_history).reindex(units)
    focus = int(units.get_indexer(pd.Index([code]))[0])
    raw_values = _numeric_features(inputs, numeric, ref_year)
    dist, shared = gower(
        raw_values,
        [bool(snap.catalogue.get(f).transform.log) for f in numeric],
        master[[CATEGORICAL[f] for f in features if f in CATEGORICAL]],
        focus,
    )
    need = math.ceil(MIN_SHARED * len(features) - 1e-9)
    ok = (shared >= need) & (units != code)
    if candidates is not None:
        ok &= units.isin([c.strip().upper() for c in candidates])
    if int(shared[focus]) < need:
        raise ReadinessError(
            f"{code} lacks data for too many of the features {', '.join(features)} in "
            f"{ref_year}; choose other features"
        )
    order = np.argsort(np.where(ok, dist, np.inf), kind="stable")[: int(ok.sum())][:n]
    rows = np.concatenate([[focus], order]).astype(int)
    table = pd.DataFrame(
        {
            "role": ["focus"] + ["peer"] * (len(rows) - 1),
            "iso3": units[rows].to_numpy(),
            "name": [snap.name(c) for c in units[rows]],
            "distance": dist[rows],
            "features_shared": shared[rows].astype(int),
        }
    )
    for j, f in enumerate(numeric):
        table[f] = raw_values[rows, j]
    for f in features:
        if f in CATEGORICAL:
            table[f] = master[CATEGORICAL[f]].to_numpy()[rows]
    ind_code = _add_progress(table, inputs, rows, indicator, ref_year, window)
    return Peers(code, ref_year, features, ind_code, table)


def _checked_request(
    inputs: GapInputs, code: str, iso3: str, features: Sequence[str], n: int
) -> tuple[str, ...]:
    """The features asked for, deduplicated, once the economy, count and features are valid."""
    if code not in inputs.units:
        raise ReadinessError(f"unknown economy '{iso3}'; use an ISO3 code such as KEN")
    if n < 1:
        raise ReadinessError("ask for at least one peer")
    picked = tuple(dict.fromkeys(f.strip() for f in features if f.strip()))
    if not picked:
        raise ReadinessError("choose at least one feature")
    for f in picked:
        if f not in CATEGORICAL and f not in inputs.snapshot.catalogue.codes:
            known = ", ".join([*DEFAULT_FEATURES, *sorted(CATEGORICAL)])
            raise ReadinessError(
                f"unknown feature '{f}'; use catalogue codes or categories such as {known}"
            )
    return picked


def _add_progress(
    table: pd.DataFrame,
    inputs: GapInputs,
    rows: np.ndarray,
    indicator: str,
    ref_year: int,
    window: int,
) -> str:
    """Add the indicator's value, data year, pace, its years and progress rank; return its code."""
    snap, units = inputs.snapshot, inputs.units
    t = inputs.year_index(ref_year)
    k = inputs.code_index(indicator) if _is_known(inputs, indicator) else None
    if k is not None:
        obs = inputs.observed[:, :, [k]]
        value = inputs.values[t][:, k]
        data_year = inputs.value_years[t][:, k]
        direction = _direction(inputs, inputs.codes[k])
        ind_code = inputs.codes[k]
    else:
        snap.catalogue.get(indicator)
        obs = observed_cube(snap, [indicator], pd.DataFrame(index=units), inputs.years)
        value, data_year = _select(inputs, indicator, ref_year)
        direction = int(snap.catalogue.get(indicator).direction)
        ind_code = indicator
    pace, n_pts, first, last = fit_trends(obs, inputs.years, ref_year, window, MIN_POINTS)
    table["indicator"] = ind_code
    table["value"] = value[rows]
    table["data_year"] = pd.array(data_year[rows], dtype="Float64").round().astype("Int64")
    table["trend"] = pace[:, 0][rows]
    table["trend_n"] = n_pts[:, 0][rows]
    for col, years in (("trend_from", first), ("trend_to", last)):
        years = np.where(np.isnan(pace), np.nan, years)[:, 0][rows]
        table[col] = pd.array(np.round(years), dtype="Float64").astype("Int64")
    progress = direction * table["trend"]
    peer_rank = progress.where(table["role"] == "peer").rank(ascending=False, method="min")
    table["progress_rank"] = peer_rank.astype("Int64")
    faster = pd.array(progress > progress.iloc[0], dtype="boolean")
    faster[progress.isna().to_numpy() | bool(np.isnan(progress.iloc[0]))] = pd.NA
    faster[0] = pd.NA
    table["faster_than_focus"] = faster
    return ind_code


def gower(
    numeric: np.ndarray,
    logs: Sequence[bool],
    categorical: pd.DataFrame,
    focus: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Gower distance of every unit to unit `focus`, and how many features each pair shares.

    `numeric` is units x features (NaN missing; logged where `logs` says, values <= 0 then
    missing); ranges are taken over all units with data. `categorical` holds one column per
    categorical feature (missing stays missing).
    """
    parts: list[np.ndarray] = []
    x = np.array(numeric, dtype=float)
    for j, log in enumerate(logs):
        if log:
            with np.errstate(divide="ignore", invalid="ignore"):
                x[:, j] = np.where(x[:, j] > 0, np.log(x[:, j]), np.nan)
    if x.shape[1]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a feature nobody has
            span = np.nanmax(x, axis=0) - np.nanmin(x, axis=0)
        span = np.where(span > 0, span, np.nan)
        parts += list((np.abs(x - x[focus]) / span).T)
    for col in categorical.columns:
        c = categorical[col]
        missing = c.isna().to_numpy() | bool(pd.isna(c.iloc[focus]))
        differs = c.astype(str).to_numpy() != str(c.iloc[focus])
        parts.append(np.where(missing, np.nan, differs.astype(float)))
    d = np.vstack(parts) if parts else np.full((1, len(categorical)), np.nan)
    have = ~np.isnan(d)
    shared = have.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = np.where(shared > 0, np.where(have, d, 0.0).sum(axis=0) / shared, np.nan)
    return dist, shared


def _numeric_features(inputs: GapInputs, codes: Sequence[str], year: int) -> np.ndarray:
    if not codes:
        return np.empty((len(inputs.units), 0))
    out = np.column_stack([_select(inputs, c, year)[0] for c in codes])
    return np.asarray(out, dtype=float)


# GapInputs -> (code, year) -> _select's arrays (read-only): a batch of reports asks for the same
# features for every economy, and each panel is built from the whole long table.
_SELECTED: weakref.WeakKeyDictionary[GapInputs, dict[tuple[str, int], tuple[np.ndarray, ...]]]
_SELECTED = weakref.WeakKeyDictionary()


def _select(inputs: GapInputs, code: str, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Most recent value within the catalogue window ending at `year`, and its data year."""
    memo = _SELECTED.setdefault(inputs, {})
    key = (code, int(year))
    if key not in memo:
        snap = inputs.snapshot
        units = pd.DataFrame(index=inputs.units)
        panel = panel_from_long(snap.values, units, [code], int(inputs.years[-1]))
        window = np.array([snap.catalogue.get(code).window], dtype=float)
        vals, yrs, _ = panel.select(year, window)
        pair = (vals[:, 0].copy(), yrs[:, 0].copy())
        for a in pair:
            a.setflags(write=False)
        memo[key] = pair
    vals, yrs = memo[key]
    return vals, yrs


def _is_known(inputs: GapInputs, code: str) -> bool:
    return any(c.lower() == code.lower() for c in inputs.codes)


def _direction(inputs: GapInputs, code: str) -> int:
    node = inputs.framework.by_code.get(code)
    return int(node.direction) if node is not None and node.level == 1 else 1
