"""Gap analytics: group values, gaps to the 2030 targets, to the world and to high income.

Everything rests on one years x economies x codes cube: each economy's most recent value per
indicator within the catalogue window ending at each reference year (the engine's Panel), and
the engine's pillar and index scores for that year. Group statistics are batched matrix products
of a years x groups x economies membership array with that cube. docs/GAPS.md has the method.
"""

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
from readiness.gaps.targets import Targets, gap, load_targets, progress
from readiness.gaps.trends import DEFAULT_WINDOW, MIN_POINTS, outlook, slopes, slopes_by_year
from readiness.index.engine import build_index_years
from readiness.index.framework import Framework
from readiness.index.inputs import snapshot_inputs, windows
from readiness.index.method import Method
from readiness.index.selection import Panel, panel_from_long

WORLD, HIGH_INCOME = "WORLD", "HIC"
LEVELS = ("indicator", "pillar", "index")
MIN_TREND_COVERAGE = 0.5  # share of the valued members' population that must have a pace


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
) -> Group:
    """A group from a code (LDC, itu-afr), an expression or an explicit member list.

    Expressions combine standard groups left to right with `+` (union), `&` (intersection)
    and `-` (difference), e.g. `WORLD-HIC` or `LDC+LLDC+SIDS`; inside an expression write
    hyphenated codes with underscores (ITU_AFR). With `members`, `text` is the new group's code.
    Income groups in an expression follow the latest year.
    """
    countries = inputs.snapshot.countries
    groups = known_groups(inputs)
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


# --- the gap table ----------------------------------------------------------------------------
GAP_COLUMNS = (
    "group", "group_label", "year", "code", "level", "name", "unit",
    "weighted", "simple", "n", "N", "coverage", "population_share", "min", "max",
    "median_data_year", "estimate_share",
    "target", "target_direction", "target_year", "gap", "to_go", "band",
    "world", "gap_to_world", "high_income", "gap_to_high_income",
    "trend", "trend_n", "trend_coverage", "reach_year", "outlook", "required_pace",
    "benchmark", "benchmark_year", "benchmark_gap",
)  # fmt: skip


def gap_table(
    inputs: GapInputs | None = None,
    groups: Sequence[str | Group] | None = None,
    years: Iterable[int] | None = None,
    window: int = DEFAULT_WINDOW,
    min_points: int = MIN_POINTS,
) -> pd.DataFrame:
    """One row per group, reference year and code (indicators, pillars, index): see GAP_COLUMNS.

    `groups` are codes of standard groups or Group objects (default: every standard group);
    `years` default to every reference year. Headline figures (gap, band, trend) use the
    population-weighted value; gaps to the world and high income compare like with like.
    """
    inputs = inputs or gap_inputs()
    extra = [g for g in groups or () if isinstance(g, Group)]
    all_groups, member = membership(inputs, extra)
    by_code = {g.code: i for i, g in enumerate(all_groups)}
    known = {g.code: g for g in all_groups}
    pick = [
        by_code[g.code if isinstance(g, Group) else resolve_group(g, known).code]
        for g in groups or all_groups
    ]
    t_idx = (
        np.arange(len(inputs.years))
        if years is None
        else np.array([inputs.year_index(y) for y in years], dtype=int)
    )
    figures = _group_figures(inputs, member, t_idx, by_code, window, min_points)
    out = _gap_frame(inputs, t_idx, [all_groups[i] for i in pick], pick, figures)
    for col in ("target_direction", "target_year", "reach_year"):
        out[col] = out[col].round().astype("Int64")
    _add_benchmarks(out, inputs.targets)
    return out[list(GAP_COLUMNS)]


def _group_figures(
    inputs: GapInputs,
    member: np.ndarray,
    t_idx: np.ndarray,
    by_code: dict[str, int],
    window: int,
    min_points: int,
) -> dict[str, Any]:
    """Every group's statistics, gaps, trend and outlook as years x groups x codes arrays."""
    # One pass over the cube for every group (the world and high income are needed anyway).
    m_t = member[t_idx]
    w_t = inputs.population[t_idx]
    stats = aggregate(
        inputs.values[t_idx], m_t, w_t, inputs.value_years[t_idx], inputs.estimates[t_idx]
    )
    pace_t, _ = slopes_by_year(
        inputs.observed, inputs.years, window, min_points, inputs.years[t_idx]
    )
    pace = aggregate(pace_t, m_t, w_t, extremes=False)
    # A group's pace must rest on members holding enough of the population behind its value.
    with np.errstate(invalid="ignore", divide="ignore"):
        trend_cover = pace.population_share / stats.population_share
    group_pace = np.where(trend_cover >= MIN_TREND_COVERAGE, pace.weighted, np.nan)

    target, direction, baseline = inputs.targets.arrays(inputs.codes)
    t_year = np.array([_target_year(inputs.targets, c) for c in inputs.codes], dtype=float)
    value = stats.weighted
    prog = progress(value, target, direction, baseline)
    orient = np.array([_direction(inputs, c) for c in inputs.codes], dtype=float)
    world = value[:, by_code[WORLD], :][:, None, :]
    rich = value[:, by_code[HIGH_INCOME], :][:, None, :]
    # Project from the group's median data year (the reference year for scores).
    ref = inputs.years[t_idx][:, None, None].astype(float)
    anchor = np.where(np.isnan(stats.median_year), ref, stats.median_year)
    reach, look, needed = outlook(value, anchor, group_pace, target, direction, t_year)
    return {
        "stats": stats,
        "pace_n": pace.n,
        "trend_cover": trend_cover,
        "group_pace": group_pace,
        "target": target,
        "direction": direction,
        "t_year": t_year,
        "gap": gap(value, target, direction),
        "prog": prog,
        "world": world,
        "rich": rich,
        "orient": orient,
        "reach": reach,
        "outlook": look,
        "needed": needed,
    }


def _gap_frame(
    inputs: GapInputs,
    t_idx: np.ndarray,
    groups_sel: Sequence[Group],
    pick: Sequence[int],
    f: dict[str, Any],
) -> pd.DataFrame:
    """The figures of the picked groups as one row per year, group and code."""
    sel = np.array(pick, dtype=int)
    stats = f["stats"]
    n_t, n_g, n_c = len(t_idx), len(sel), len(inputs.codes)
    n_all = stats.n.shape[1]

    def flat(a: np.ndarray) -> np.ndarray:
        full = np.broadcast_to(a, (a.shape[0], n_all, n_c)) if a.ndim == 3 else a
        return np.asarray(full[:, sel, :]).reshape(-1)

    def per_code(a: Any) -> np.ndarray:
        return np.tile(np.asarray(a, dtype=object if not _numeric(a) else float), n_t * n_g)

    value, direction = stats.weighted, f["direction"]
    n = flat(stats.n).astype(int)
    total = np.repeat(stats.total[:, sel].reshape(-1), n_c)
    return pd.DataFrame(
        {
            "group": np.tile(np.repeat([g.code for g in groups_sel], n_c), n_t),
            "group_label": np.tile(np.repeat([g.label for g in groups_sel], n_c), n_t),
            "year": np.repeat(inputs.years[t_idx], n_g * n_c),
            "code": per_code(inputs.codes),
            "level": per_code(inputs.levels),
            "name": per_code([inputs.name(c) for c in inputs.codes]),
            "unit": per_code([inputs.unit(c) for c in inputs.codes]),
            "weighted": flat(value),
            "simple": flat(stats.simple),
            "n": n,
            "N": total,
            "coverage": [f"{a}/{b}" for a, b in zip(n, total, strict=True)],
            "population_share": flat(stats.population_share),
            "min": flat(stats.low),
            "max": flat(stats.high),
            "median_data_year": flat(stats.median_year),
            "estimate_share": flat(stats.estimate_share),
            "target": per_code(f["target"]),
            "target_direction": per_code(np.where(direction == 0, np.nan, direction)),
            "target_year": per_code(f["t_year"]),
            "gap": flat(f["gap"]),
            "to_go": flat(1.0 - f["prog"]),
            "band": flat(np.where(direction == 0, "", inputs.targets.band(f["prog"]))),
            "world": flat(f["world"]),
            "gap_to_world": flat(f["orient"] * (f["world"] - value) + 0.0),  # no -0.0
            "high_income": flat(f["rich"]),
            "gap_to_high_income": flat(f["orient"] * (f["rich"] - value) + 0.0),
            "trend": flat(f["group_pace"]),
            "trend_n": flat(f["pace_n"]).astype(int),
            "trend_coverage": flat(f["trend_cover"]),
            "reach_year": flat(f["reach"]),
            "outlook": flat(f["outlook"]),
            "required_pace": flat(f["needed"]),
        }
    )


def _numeric(a: Any) -> bool:
    return np.asarray(a).dtype.kind in "fiub"


def _target_year(targets: Targets, code: str) -> float:
    t = targets.get(code)
    return float(t.year) if t is not None else np.nan


def _direction(inputs: GapInputs, code: str) -> int:
    """+1 if higher is better; aggregates are scores, so higher is better."""
    node = inputs.framework.by_code.get(code)
    return int(node.direction) if node is not None and node.level == 1 else 1


def _add_benchmarks(out: pd.DataFrame, targets: Targets) -> None:
    out["benchmark"] = np.nan
    out["benchmark_year"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["benchmark_gap"] = np.nan
    for b in targets.benchmarks:
        rows = (out["code"] == b.indicator).to_numpy().copy()
        if b.applies_to is not None:
            rows &= out["group"].str.upper().isin(b.applies_to).to_numpy()
        rows &= out["benchmark"].isna().to_numpy()  # the first matching benchmark wins
        if not rows.any():
            continue
        out.loc[rows, "benchmark"] = b.value
        out.loc[rows, "benchmark_year"] = b.year
        out.loc[rows, "benchmark_gap"] = gap(
            out.loc[rows, "weighted"].to_numpy(dtype=float),
            np.array(b.value),
            np.array(b.direction),
        )


# --- economies ------------------------------------------------------------------------------
ECONOMY_COLUMNS = (
    "iso3", "name", "year", "code", "name_indicator", "value", "data_year", "estimate",
    "target", "gap", "to_go", "band", "trend", "trend_n", "reach_year", "outlook",
    "required_pace",
)  # fmt: skip


def economy_gaps(
    inputs: GapInputs | None = None,
    year: int | None = None,
    iso3: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    window: int = DEFAULT_WINDOW,
    min_points: int = MIN_POINTS,
) -> pd.DataFrame:
    """Gap to target per economy and indicator for one reference year (default: targets only)."""
    inputs = inputs or gap_inputs()
    t = inputs.year_index(year)
    ref_year = int(inputs.years[t])
    codes = list(codes) if codes is not None else list(inputs.targets.indicators)
    k = np.array([inputs.code_index(c) for c in codes], dtype=int)
    units = inputs.units
    if iso3 is not None:
        wanted = [c.strip().upper() for c in iso3]
        unknown = [c for c in wanted if c not in units]
        if unknown:
            raise ReadinessError(f"unknown economy code(s) {unknown}; use ISO3 codes such as KEN")
        u = units.get_indexer(pd.Index(wanted))
    else:
        u = np.arange(len(units))
    obs = inputs.observed[:, :, k]
    pace, n_pts = slopes(obs, inputs.years, ref_year, window, min_points)
    value = inputs.values[t][np.ix_(u, k)]
    data_year = inputs.value_years[t][np.ix_(u, k)]
    est = inputs.estimates[t][np.ix_(u, k)]
    target, direction, baseline = inputs.targets.arrays([inputs.codes[j] for j in k])
    t_year = np.array([_target_year(inputs.targets, inputs.codes[j]) for j in k])
    prog = progress(value, target, direction, baseline)
    anchor = np.where(np.isnan(data_year), ref_year, data_year)
    reach, look, needed = outlook(value, anchor, pace[u], target, direction, t_year)
    names = inputs.snapshot._names()
    n_c = len(k)
    out = pd.DataFrame(
        {
            "iso3": np.repeat(units[u].to_numpy(), n_c),
            "name": np.repeat([names.get(c, c) for c in units[u]], n_c),
            "year": ref_year,
            "code": np.tile([inputs.codes[j] for j in k], len(u)),
            "name_indicator": np.tile([inputs.name(inputs.codes[j]) for j in k], len(u)),
            "value": value.reshape(-1),
            "data_year": pd.array(data_year.reshape(-1), dtype="Float64").round().astype("Int64"),
            "estimate": est.reshape(-1),
            "target": np.tile(target, len(u)),
            "gap": gap(value, target, direction).reshape(-1),
            "to_go": (1.0 - prog).reshape(-1),
            "band": np.where(direction == 0, "", inputs.targets.band(prog)).reshape(-1),
            "trend": pace[u].reshape(-1),
            "trend_n": n_pts[u].reshape(-1),
            "reach_year": pd.array(reach.reshape(-1), dtype="Float64").astype("Int64"),
            "outlook": look.reshape(-1),
            "required_pace": needed.reshape(-1),
        }
    )
    return out[list(ECONOMY_COLUMNS)]


__all__ = [
    "GAP_COLUMNS",
    "GapInputs",
    "GroupStats",
    "aggregate",
    "economy_gaps",
    "gap_inputs",
    "gap_table",
    "membership",
    "parse_group",
    "population_weights",
]
