"""IoT gaps of groups: who has an exchange point or an LTE-M/NB-IoT network, IPv6 capability,
facilities and networks per person, against the world and high-income economies.

`iot_gaps(snap, year, groups)` returns one row per (group, measure) with the columns of
IOT_COLUMNS. Every rule (docs/GAPS.md, "IoT networks and data infrastructure"):

- **Values.** Each member's most recent value of each indicator within the catalogue's window
  ending at `year` (readiness.index.selection, as the index uses); nothing after `year`.
- **Counts.** `members` is the group's size; `known` the members with a value behind the
  measure; `unknown` the members with no value that are not flagged `not_applicable` (so
  members - known - unknown are not applicable, e.g. landlocked economies for cables).
- `ixp_share`: % of known members with at least one exchange point (ixp_density > 0). PCH lists
  every economy, so a 0 is a real 0 and the denominator is the members with a value.
- `lpwa_share`: % of ALL members with a commercial LTE-M or NB-IoT network (lpwa_networks >= 1).
  An unlisted market is unknown, never 'none': the share is a lower bound ("at least"), and
  `unknown` says how many members' status nobody knows. `lpwa_share_listed` is the share among
  the listed members. Both are NaN when no member is listed.
- `ipv6_median`, `ipv6_p25`, `ipv6_p75`: quartiles of ipv6_capable (% of users) across members
  with a value (linear interpolation, as pandas' quantile). `ipv6_low_sample` counts the members
  whose value comes from fewer than 1,000 samples (flag `low_sample`); a count, so no gaps.
- `facilities_per_million`, `asn_per_million`: pooled over members with a value, sum of counts /
  sum of population * 1e6, where each count is density * population of the value's data year
  (the population the build divided by, so the count is the source's own).
- `cable_share`: % of members with a value (coastal economies) with at least one submarine cable
  landing; landlocked members are not applicable, so LLDCs get NaN.
- `world`, `high_income`: the same measure for WORLD and for HIC (income as classified for
  `year`); `gap_world` = value - world, `gap_high_income` = value - high_income (negative =
  behind: more is better for every measure).
- `data_year`: the latest data year among the values used (the sources are single snapshots,
  so in practice the one year of the source); `source`: the source ids of the values used
  (USER beside it where a user's upload supplies some), with the population's source for the
  pooled measures; the catalogue's source where no member has a value. A measure with no known
  member is NaN, never 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from readiness.data.groups import INCOME_CODES, ITU_REGION_CODES, Group, standard_groups
from readiness.data.snapshot import Snapshot, denominators
from readiness.errors import ReadinessError
from readiness.index.selection import panel_from_long

IOT_COLUMNS = (
    "group", "measure", "value", "members", "known", "unknown", "world", "high_income",
    "gap_world", "gap_high_income", "data_year", "source",
)  # fmt: skip
# The measure ids in reading order, with the indicator behind each.
IOT_MEASURES: dict[str, str] = {
    "ixp_share": "ixp_density",
    "lpwa_share": "lpwa_networks",
    "lpwa_share_listed": "lpwa_networks",
    "ipv6_median": "ipv6_capable",
    "ipv6_p25": "ipv6_capable",
    "ipv6_p75": "ipv6_capable",
    "ipv6_low_sample": "ipv6_capable",
    "facilities_per_million": "facilities_density",
    "asn_per_million": "asn_density",
    "cable_share": "submarine_cables",
}
SHARE_MEASURES = ("ixp_share", "lpwa_share", "lpwa_share_listed", "cable_share")
COUNT_MEASURES = ("ipv6_low_sample",)  # counts of members: no gap to other groups
POOLED = {"facilities_per_million": 1e6, "asn_per_million": 1e6}  # per-capita scale of each
# The columns holding a measure's values (shown with two decimals: some are 0.08 per million).
IOT_NUMBER_COLUMNS = ("value", "world", "high_income", "gap_world", "gap_high_income")
# Measures drawn together (one unit each): the gaps page's chart topics.
IOT_CHART_TOPICS: dict[str, tuple[str, ...]] = {
    "access": ("ixp_share", "lpwa_share", "cable_share"),
    "ipv6": ("ipv6_p25", "ipv6_median", "ipv6_p75"),
    "density": ("facilities_per_million", "asn_per_million"),
}
# The groups the gaps page and `readiness gaps --iot` show by default.
DEFAULT_IOT_GROUPS = ("LDC", "LLDC", "SIDS", *ITU_REGION_CODES, *INCOME_CODES, "WORLD")


@dataclass(frozen=True)
class _Selected:
    """Each economy's selected value, its data year and the population of that year, as
    units x codes arrays (NaN where no value)."""

    units: pd.Index  # ISO3
    codes: tuple[str, ...]
    values: np.ndarray
    years: np.ndarray
    population: np.ndarray  # population in the value's data year
    not_applicable: np.ndarray  # bool
    low_sample: np.ndarray  # units: the ipv6_capable value is flagged low_sample
    sources: np.ndarray  # the source id of each selected value ("" where none)
    catalogue_sources: dict[str, str]  # measure -> the catalogue's source ids


def iot_gaps(snap: Snapshot, year: int, groups: Sequence[Group]) -> pd.DataFrame:
    """One row per (group, measure) of IoT measures for `year`, with the world and HIC values."""
    year = _check_year(snap, year)
    selected = _select(snap, year)
    standard = standard_groups(snap.countries, year, snap.income_history)
    world = _measures(selected, standard["WORLD"].members)
    high = _measures(selected, standard["HIC"].members)
    rows = []
    for group in groups:
        own = _measures(selected, group.members)
        for measure in IOT_MEASURES:
            value, known, unknown, data_year, source = own[measure]
            w, h = world[measure][0], high[measure][0]
            counts = measure in COUNT_MEASURES
            rows.append(
                {
                    "group": group.code,
                    "measure": measure,
                    "value": value,
                    "members": len(group.members),
                    "known": known,
                    "unknown": unknown,
                    "world": w,
                    "high_income": h,
                    "gap_world": np.nan if counts else value - w,
                    "gap_high_income": np.nan if counts else value - h,
                    "data_year": data_year,
                    "source": source,
                }
            )
    table = pd.DataFrame(rows, columns=list(IOT_COLUMNS))
    table["data_year"] = table["data_year"].astype("Int64")
    for col in ("members", "known", "unknown"):
        table[col] = table[col].astype(int)
    return table


def iot_groups(snap: Snapshot, year: int, codes: Sequence[str] = DEFAULT_IOT_GROUPS) -> list[Group]:
    """The standard groups with these codes, income groups as classified for `year`."""
    groups = standard_groups(snap.countries, year, snap.income_history)
    return [groups[c] for c in codes]


def _check_year(snap: Snapshot, year: int) -> int:
    first, last = snap.first_index_year, snap.latest_year
    if not first <= int(year) <= last:
        raise ReadinessError(f"no data for {year}; choose a year from {first} to {last}")
    return int(year)


def _sources(snap: Snapshot) -> dict[str, str]:
    catalogue = snap.catalogue
    out = {}
    for measure, code in IOT_MEASURES.items():
        ind = catalogue.get(code)
        out[measure] = ind.source
        if measure in POOLED and ind.per is not None:
            # a pooled measure rests on the denominator's source too (population: WDI)
            out[measure] += f"; {catalogue.get(ind.per.by).source}"
    return out


def _select(snap: Snapshot, year: int) -> _Selected:
    """Most recent values within each window ending at `year`, and the population behind each."""
    codes = tuple(sorted(set(IOT_MEASURES.values())))
    units = snap.countries.set_index("iso3")
    panel = panel_from_long(snap.values, units, codes, year)
    windows = np.array([snap.catalogue.get(c).window for c in codes], dtype=float)
    vals, yrs, _ = panel.select(year, windows)
    index = pd.Index(units.index)
    pop = np.full(vals.shape, np.nan)
    for measure in POOLED:  # the population the build divided each count by
        col = codes.index(IOT_MEASURES[measure])
        per = snap.catalogue.get(IOT_MEASURES[measure]).per
        rows = np.flatnonzero(np.isfinite(yrs[:, col]))
        if per is not None and len(rows):
            keys = pd.DataFrame({"iso3": index[rows], "year": yrs[rows, col]})
            pop[rows, col] = denominators(snap.values, per.by, keys)
    flags = snap.flags
    low = flags[(flags["indicator"] == "ipv6_capable") & (flags["flag"] == "low_sample")]
    low_sample = np.zeros(len(index), dtype=bool)
    at = index.get_indexer(low["iso3"].astype(object))
    ok = at >= 0
    ipv6_years = yrs[:, codes.index("ipv6_capable")]
    hit = at[ok][ipv6_years[at[ok]] == low["year"].to_numpy()[ok]]
    low_sample[hit] = True
    not_applicable = np.zeros(vals.shape, dtype=bool)
    na = flags[(flags["flag"] == "not_applicable") & flags["indicator"].isin(codes)]
    rows = index.get_indexer(na["iso3"].astype(object))
    cols = np.array([codes.index(str(c)) for c in na["indicator"]], dtype=int)
    not_applicable[rows[rows >= 0], cols[rows >= 0]] = True
    sources = _value_sources(snap, index, codes, yrs)
    return _Selected(
        index, codes, vals, yrs, pop, not_applicable, low_sample, sources, _sources(snap)
    )


def _value_sources(
    snap: Snapshot, units: pd.Index, codes: tuple[str, ...], yrs: np.ndarray
) -> np.ndarray:
    """The source id of each selected value: the catalogue's, or USER for a user's value."""
    rows, cols = np.nonzero(np.isfinite(yrs))
    wanted = pd.DataFrame(
        {"iso3": units[rows], "indicator": np.asarray(codes)[cols], "year": yrs[rows, cols]}
    ).astype({"year": "int64"})
    values = snap.values.loc[
        snap.values["indicator"].isin(codes).to_numpy(), ["iso3", "indicator", "year", "source"]
    ].astype({"source": object, "iso3": object, "indicator": object})
    found = wanted.merge(values, on=["iso3", "indicator", "year"], how="left")
    out = np.full(yrs.shape, "", dtype=object)
    out[rows, cols] = found["source"].fillna("").to_numpy(dtype=object)
    return out


Facts = tuple[float, int, int, "int | None", str]  # value, known, unknown, data year, source


def _measures(sel: _Selected, members: Sequence[str]) -> dict[str, Facts]:
    """Every IoT measure of one member set."""
    rows = sel.units.get_indexer(pd.Index(list(members)))
    rows = rows[rows >= 0]
    out: dict[str, Facts] = {}
    for measure, code in IOT_MEASURES.items():
        col = sel.codes.index(code)
        v = sel.values[rows, col]
        has = ~np.isnan(v)
        if measure in POOLED:
            has &= ~np.isnan(sel.population[rows, col])
        known = int(has.sum())
        unknown = int((~has & ~sel.not_applicable[rows, col]).sum())
        data_year = int(np.max(sel.years[rows[has], col])) if known else None
        value = _VALUE[measure](sel, rows[has], col, len(rows)) if known else np.nan
        out[measure] = (float(value), known, unknown, data_year, _source(sel, measure, rows[has]))
    return out


def _source(sel: _Selected, measure: str, rows: np.ndarray) -> str:
    """The sources of the values used (the catalogue's when none), population's for pooled."""
    col = sel.codes.index(IOT_MEASURES[measure])
    used = sorted({str(s) for s in sel.sources[rows, col] if s})
    if not used:
        return sel.catalogue_sources[measure]
    if measure in POOLED:
        used.append(sel.catalogue_sources[measure].split("; ")[-1])
    return "; ".join(used)


# Each measure from (selection, rows of members with a value, indicator column, member count).
Rule = Callable[[_Selected, np.ndarray, int, int], float]


def _share(condition: Callable[[np.ndarray], np.ndarray], of_all: bool = False) -> Rule:
    def share(sel: _Selected, rows: np.ndarray, col: int, n_members: int) -> float:
        hits = float(condition(sel.values[rows, col]).sum())
        return 100.0 * hits / (n_members if of_all else len(rows))

    return share


def _quantile(q: float) -> Rule:
    def quantile(sel: _Selected, rows: np.ndarray, col: int, n_members: int) -> float:
        return float(np.quantile(sel.values[rows, col], q))  # linear, as pandas' quantile

    return quantile


def _pooled(scale: float) -> Rule:
    def pooled(sel: _Selected, rows: np.ndarray, col: int, n_members: int) -> float:
        population = sel.population[rows, col]
        counts = sel.values[rows, col] * population / scale  # the source's own counts
        return float(counts.sum() / population.sum() * scale)

    return pooled


def _low_sample(sel: _Selected, rows: np.ndarray, col: int, n_members: int) -> float:
    return float(sel.low_sample[rows].sum())


_VALUE: dict[str, Rule] = {
    "ixp_share": _share(lambda v: v > 0),
    "lpwa_share": _share(lambda v: v >= 1, of_all=True),
    "lpwa_share_listed": _share(lambda v: v >= 1),
    "ipv6_median": _quantile(0.5),
    "ipv6_p25": _quantile(0.25),
    "ipv6_p75": _quantile(0.75),
    "ipv6_low_sample": _low_sample,
    "facilities_per_million": _pooled(POOLED["facilities_per_million"]),
    "asn_per_million": _pooled(POOLED["asn_per_million"]),
    "cable_share": _share(lambda v: v > 0),
}
