"""The gap cube: years x economies x codes of values, data years, estimates and population,
with group membership and batched group statistics (population-weighted and simple means)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from readiness.data.groups import INCOME_CODES, Group, custom_group, resolve_group, standard_groups
from readiness.errors import ReadinessError
from readiness.gaps.targets import Targets, load_targets
from readiness.index.engine import build_index_years
from readiness.index.framework import Framework
from readiness.index.inputs import snapshot_inputs, windows
from readiness.index.method import Method
from readiness.index.selection import Panel, panel_from_long

LEVELS = ("indicator", "pillar", "index")


# --- inputs -----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class GapInputs:
    """The cubes every gap figure is computed from, built once per snapshot and method."""

    snapshot: Any
    framework: Framework
    method: Method
    targets: Targets
    units: pd.Index  # ISO3 of every economy in the master, in panel order
    years: np.ndarray  # consecutive reference years
    codes: tuple[str, ...]  # index indicators, then pillars, then the index
    levels: tuple[str, ...]  # "indicator", "pillar" or "index" per code
    observed: np.ndarray = field(repr=False)  # years x units x codes; scores for aggregates
    values: np.ndarray = field(repr=False)  # most recent value within the window, per year
    value_years: np.ndarray = field(repr=False)  # data year of each value (NaN for scores)
    estimates: np.ndarray = field(repr=False)  # True where the value is an ITU estimate
    population: np.ndarray = field(repr=False)  # years x units, the weights

    @cached_property
    def standard_membership(self) -> tuple[tuple[Group, ...], np.ndarray]:
        """The master's groups and their years x groups x units membership (built once)."""
        return _standard_membership(self.snapshot, self.units, self.years)

    @cached_property
    def projections(self) -> Any:
        """Each member's base value, year and own pace (readiness.gaps.estimates, built once)."""
        from readiness.gaps.estimates import project

        return project(self)

    def year_index(self, year: int | None) -> int:
        """Position of a reference year (default: the latest); ReadinessError outside."""
        first, last = int(self.years[0]), int(self.years[-1])
        year = last if year is None else int(year)
        if not first <= year <= last:
            raise ReadinessError(f"no data for {year}; choose a year from {first} to {last}")
        return year - first

    def code_index(self, code: str) -> int:
        for k, c in enumerate(self.codes):
            if c.lower() == code.lower():
                return k
        raise ReadinessError(
            f"unknown indicator, pillar or index '{code}'; known: {', '.join(self.codes)}"
        )

    def name(self, code: str) -> str:
        node = self.framework.by_code.get(code)
        return node.name if node is not None else code

    def unit(self, code: str) -> str:
        if code in self.snapshot.catalogue.codes:
            return str(self.snapshot.catalogue.get(code).unit)
        return "score 0-100"


_CACHE: dict[tuple[int, Method], GapInputs] = {}


def gap_inputs(snapshot: Any | None = None, method: Method | None = None) -> GapInputs:
    """Build (or reuse) the gap cubes for a snapshot (default: ours) and index method."""
    snapshot, framework, panel = snapshot_inputs(snapshot)
    method = method or Method()
    key = (id(snapshot), method)
    hit = _CACHE.get(key)
    if hit is not None and hit.snapshot is snapshot:
        return hit
    inputs = _build_inputs(snapshot, framework, panel, method)
    if len(_CACHE) > 8 or any(v.snapshot is not snapshot for v in _CACHE.values()):
        _CACHE.clear()
    _CACHE[key] = inputs
    return inputs


def _build_inputs(snapshot: Any, framework: Framework, panel: Panel, method: Method) -> GapInputs:
    years = panel.years
    win = windows(framework, method)
    sel = np.empty(panel.values.shape)
    sel_years = np.empty(panel.values.shape)
    est = np.empty(panel.values.shape, dtype=bool)
    for t, year in enumerate(years):
        sel[t], sel_years[t], est[t] = panel.select(int(year), win)
    results = build_index_years(panel, framework, method, [int(y) for y in years])
    index_code = framework.index_code
    aggregates = [*(p for p in framework.pillars if p != index_code), index_code]
    scores = np.stack(
        [results[int(y)].scores.reindex(panel.units.index)[aggregates].to_numpy() for y in years]
    )
    codes = (*panel.indicators, *aggregates)
    levels = ("indicator",) * len(panel.indicators) + tuple(
        "index" if c == index_code else "pillar" for c in aggregates
    )
    no_year = np.full(scores.shape, np.nan)
    return GapInputs(
        snapshot=snapshot,
        framework=framework,
        method=method,
        targets=load_targets(catalogue=snapshot.catalogue),
        units=pd.Index(panel.units.index),
        years=years,
        codes=codes,
        levels=levels,
        observed=np.concatenate([panel.values, scores], axis=2),
        values=np.concatenate([sel, scores], axis=2),
        value_years=np.concatenate([sel_years, no_year], axis=2),
        estimates=np.concatenate([est, np.zeros(scores.shape, dtype=bool)], axis=2),
        population=population_weights(snapshot, panel.units, years),
    )


def observed_cube(
    snapshot: Any, codes: Sequence[str], units: pd.DataFrame, years: np.ndarray
) -> np.ndarray:
    """Observed values years x units x codes for any catalogue codes, on the given years."""
    for code in codes:
        snapshot.catalogue.get(code)
    panel = panel_from_long(snapshot.values, units, codes, int(years[-1]))
    cube = np.full((len(years), len(units), len(codes)), np.nan)
    t = panel.years - int(years[0])
    ok = (t >= 0) & (t < len(years))
    cube[t[ok]] = panel.values[ok]
    return cube


def population_weights(snapshot: Any, units: pd.DataFrame, years: np.ndarray) -> np.ndarray:
    """Population per year and economy: that year's value, else the latest, else the master's."""
    pop = observed_cube(snapshot, ["population"], units, years)[:, :, 0]
    all_years = observed_cube(
        snapshot, ["population"], units, np.arange(int(years[0]), _last_year(snapshot) + 1)
    )[:, :, 0]
    has = ~np.isnan(all_years)
    last_idx = np.where(has.any(axis=0), len(all_years) - 1 - np.argmax(has[::-1], axis=0), 0)
    latest = all_years[last_idx, np.arange(all_years.shape[1])]
    master = units["population"].to_numpy(dtype=float) if "population" in units else np.nan
    latest = np.where(np.isnan(latest), master, latest)
    return np.where(np.isnan(pop), latest[None, :], pop)


def _last_year(snapshot: Any) -> int:
    return int(snapshot.values["year"].max())


# --- groups -----------------------------------------------------------------------------------
def known_groups(inputs: GapInputs, year: int | None = None) -> dict[str, Group]:
    """The master's standard groups (income groups as of `year`, default the latest)."""
    snap = inputs.snapshot
    year = int(inputs.years[inputs.year_index(year)])
    return standard_groups(snap.countries, year, snap.income_history)


_TOKEN = re.compile(r"\s*([+&-])\s*")


def parse_group(
    text: str,
    inputs: GapInputs,
    members: Iterable[str] | None = None,
    label: str | None = None,
    year: int | None = None,
) -> Group:
    """A group from a code (LDC, itu-afr), an expression or an explicit member list.

    Expressions combine standard groups left to right with `+` (union), `&` (intersection)
    and `-` (difference), e.g. `WORLD-HIC` or `LDC+LLDC+SIDS`; inside an expression write
    hyphenated codes with underscores (ITU_AFR). With `members`, `text` is the new group's code.
    Income groups follow `year` (default: the latest reference year), by the one rule of
    readiness.data.groups.income_at.
    """
    return group_from(text, known_groups(inputs, year), inputs.snapshot.countries, members, label)


def group_from(
    text: str,
    groups: dict[str, Group],
    countries: pd.DataFrame,
    members: Iterable[str] | None = None,
    label: str | None = None,
) -> Group:
    """parse_group over given standard `groups` (e.g. of one year), without the gap cubes."""
    if members is not None:
        code = text.strip().upper() or "CUSTOM"
        if code in groups:
            raise ReadinessError(
                f"{code} is a standard group; give your own group another code, e.g. DEVELOPING"
            )
        return custom_group(code, label or f"{code} (user-defined)", members, countries)
    try:
        return resolve_group(text, groups)
    except ReadinessError:
        if not _TOKEN.search(text):
            raise
    parts = _TOKEN.split(text.strip())
    result = set(resolve_group(parts[0], groups).members)
    for op, name in zip(parts[1::2], parts[2::2], strict=True):
        other = set(resolve_group(name, groups).members)
        result = result | other if op == "+" else result & other if op == "&" else result - other
    if not result:
        raise ReadinessError(f"the group expression '{text}' has no members")
    code = text.strip().upper().replace(" ", "")
    return custom_group(code, label or code, result, countries)


def membership(inputs: GapInputs, extra: Sequence[Group] = ()) -> tuple[list[Group], np.ndarray]:
    """Every standard group plus `extra`, and a years x groups x units membership array.

    Income groups follow each reference year (the OGHIST history; years after it use the
    current classification), as in readiness.data.groups.standard_groups.
    """
    groups, member = inputs.standard_membership
    standard = {s.code: s for s in groups}
    for g in extra:
        if g.kind == "custom" and g.code in standard and g.members != standard[g.code].members:
            raise ReadinessError(f"{g.code} is a standard group; give your own group another code")
    added = [g for g in extra if g.code not in standard]
    if not added:
        return list(groups), member
    more = np.broadcast_to(
        np.stack([inputs.units.isin(g.members) for g in added])[None],
        (len(inputs.years), len(added), len(inputs.units)),
    )
    return [*groups, *added], np.concatenate([member, more], axis=1)


def _standard_membership(
    snapshot: Any, units: pd.Index, years: np.ndarray
) -> tuple[tuple[Group, ...], np.ndarray]:
    groups = tuple(standard_groups(snapshot.countries).values())
    member = np.zeros((len(years), len(groups), len(units)), dtype=bool)
    for g, group in enumerate(groups):
        member[:, g, :] = units.isin(group.members)[None, :]
    history = snapshot.income_history
    income = (
        history.pivot(index="year", columns="iso3", values="income_group")
        .reindex(columns=units)
        .astype(object)
    )
    labels = income.to_numpy()
    row_of = {int(y): k for k, y in enumerate(income.index)}
    for g, group in enumerate(groups):
        if group.kind != "income" or group.code not in INCOME_CODES:
            continue
        for t, year in enumerate(years):
            if int(year) in row_of:
                member[t, g, :] = labels[row_of[int(year)]] == INCOME_CODES[group.code]
    return groups, member


# --- group statistics -------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class GroupStats:
    """Years x groups x codes arrays: means both ways, coverage and data facts."""

    weighted: np.ndarray
    simple: np.ndarray
    n: np.ndarray
    total: np.ndarray  # years x groups: N members
    population_share: np.ndarray
    low: np.ndarray
    high: np.ndarray
    median_year: np.ndarray
    estimate_share: np.ndarray


def aggregate(
    values: np.ndarray,
    member: np.ndarray,
    weights: np.ndarray,
    value_years: np.ndarray | None = None,
    estimates: np.ndarray | None = None,
    extremes: bool = True,
) -> GroupStats:
    """Group statistics of a years x units x codes cube for a years x groups x units membership.

    The weighted mean uses members with a value and a weight > 0; n counts members with a value;
    population_share is the weight of members with a value over the group's total weight.
    """
    has = ~np.isnan(values)
    v0 = np.where(has, values, 0.0)
    m = member.astype(float)
    w = np.where(np.isfinite(weights) & (weights > 0), weights, 0.0)
    mw = m * w[:, None, :]
    n = m @ has
    wsum = mw @ has
    total_w = mw.sum(axis=2)[:, :, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        simple = (m @ v0) / n
        weighted = (mw @ v0) / wsum
        share = np.where(total_w > 0, wsum / total_w, np.nan)
        est = (m @ (estimates & has)) / n if estimates is not None else np.full(n.shape, np.nan)
    low = high = median = np.full(n.shape, np.nan)
    if extremes:
        low, high = _masked(values, member, np.nanmin), _masked(values, member, np.nanmax)
    if value_years is not None:
        median = median_years(value_years, member)
    return GroupStats(
        weighted=np.where(n > 0, weighted, np.nan),
        simple=np.where(n > 0, simple, np.nan),
        n=n.astype(int),
        total=member.sum(axis=2),
        population_share=np.where(n > 0, share, np.where(total_w > 0, 0.0, np.nan)),
        low=low,
        high=high,
        median_year=median,
        estimate_share=np.where(n > 0, est, np.nan),
    )


def _masked(values: np.ndarray, member: np.ndarray, how: Any) -> np.ndarray:
    big = np.where(member[:, :, :, None], values[:, None, :, :], np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(how(big, axis=2))


def median_years(value_years: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Median data year per group and code, by counting: data years are few whole numbers."""
    finite = value_years[np.isfinite(value_years)]
    if finite.size == 0:
        return np.full((member.shape[0], member.shape[1], value_years.shape[2]), np.nan)
    first, last = int(finite.min()), int(finite.max())
    m = member.astype(float)
    counts = np.stack(
        [m @ (value_years == y) for y in range(first, last + 1)], axis=-1
    )  # years x groups x codes x calendar years
    cum = np.cumsum(counts, axis=-1)
    n = cum[..., -1:]
    with np.errstate(invalid="ignore"):
        lower = np.argmax(cum >= np.floor((n + 1) / 2), axis=-1)
        upper = np.argmax(cum >= np.floor(n / 2) + 1, axis=-1)
    median = first + (lower + upper) / 2
    return np.where(n[..., 0] > 0, median, np.nan)
