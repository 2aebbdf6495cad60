"""Country groups (development status, ITU-D region, income) and group means with coverage."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from readiness.errors import ReadinessError

ITU_REGION_CODES = {
    "ITU_AFR": "Africa",
    "ITU_AMS": "Americas",
    "ITU_ARB": "Arab States",
    "ITU_ASP": "Asia-Pacific",
    "ITU_CIS": "CIS",
    "ITU_EUR": "Europe",
}
# The coverage rule every group figure follows (docs/GAPS.md section 3): a group value is given
# only when members with their own value in the window hold at least half of the group's
# population ("When is there enough data to create a global statistic?", Statistical Journal
# of the IAOS, 2022), and members with their own value or an estimate
# hold at least two thirds of it (World Bank, WDI aggregation rules: no aggregate "if missing
# data account for more than a third of the value of weights").
MIN_REPORTED_SHARE = 0.5
MIN_COVERED_SHARE = 2 / 3

INCOME_CODES = {
    "LIC": "Low income",
    "LMC": "Lower middle income",
    "UMC": "Upper middle income",
    "HIC": "High income",
}


@dataclass(frozen=True)
class Group:
    """A named set of economies; `kind` says which family of groups it belongs to."""

    code: str
    label: str
    kind: str
    members: tuple[str, ...]


def standard_groups(countries: pd.DataFrame, year: int | None = None,
                    income_history: pd.DataFrame | None = None) -> dict[str, Group]:  # fmt: skip
    """Every group the country master defines; income groups follow `year` when history is given."""
    c = countries
    groups = [
        Group("WORLD", "World", "world", _codes(c, slice(None))),
        Group("LDC", "Least developed countries", "development", _codes(c, c["ldc"])),
        Group("LLDC", "Landlocked developing countries", "development", _codes(c, c["lldc"])),
        Group("SIDS", "Small island developing States", "development", _codes(c, c["sids"])),
        Group(
            "SIDS_UN",
            "Small island developing States (UN members)",
            "development",
            _codes(c, c["sids"] & c["un_member"]),
        ),
        Group("TRANSITION", "Economies in transition", "development", _codes(c, c["transition"])),
        Group(
            "DEVELOPING_2020",
            "Developing economies (UN M49 flag of 2020, discontinued)",
            "development",
            _codes(c, c["developing_2020"].fillna(False).astype(bool)),
        ),
    ]
    for code, region in ITU_REGION_CODES.items():
        groups.append(
            Group(
                code, f"ITU-D region: {region}", "itu_region", _codes(c, c["itu_region"] == region)
            )
        )
    income = income_at(c, year, income_history)
    for code, label in INCOME_CODES.items():
        groups.append(Group(code, label, "income", tuple(sorted(income[income == label].index))))
    return {g.code: g for g in groups}


def custom_group(code: str, label: str, members: Iterable[str], countries: pd.DataFrame) -> Group:
    """A user-defined group (e.g. 'developing economies' as the user defines them)."""
    members = sorted({m.strip().upper() for m in members})
    unknown = sorted(set(members) - set(countries["iso3"]))
    if unknown:
        raise ReadinessError(f"group {code}: unknown economy code(s) {unknown}")
    if not members:
        raise ReadinessError(f"group {code}: give at least one member")
    return Group(code, label, "custom", tuple(members))


def resolve_group(name: str, groups: dict[str, Group]) -> Group:
    """The group with this code (case-insensitive), or a ReadinessError with suggestions."""
    key = name.strip().upper().replace("-", "_").replace(" ", "_")
    if key in groups:
        return groups[key]
    close = difflib.get_close_matches(key, list(groups), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise ReadinessError(f"unknown group '{name}'{hint} known groups: {', '.join(groups)}")


def group_by_name(name: str, groups: dict[str, Group]) -> Group:
    """The group with this label (Africa, Low income; any case) or code (LDC, ITU_AFR, LMC...),
    or a ReadinessError with suggestions."""
    wanted = name.strip().casefold()
    for g in groups.values():
        labels = {g.label.casefold(), g.label.removeprefix("ITU-D region: ").casefold()}
        if wanted in labels:
            return g
    return resolve_group(name, groups)


@dataclass(frozen=True)
class GroupMean:
    simple: float
    weighted: float
    n: int
    total: int
    withheld: bool = False  # the coverage rule gives no value

    @property
    def coverage(self) -> str:
        return f"{self.n}/{self.total}"


def group_mean(values: pd.Series, members: Iterable[str], weights: pd.Series) -> GroupMean:
    """Simple and weight-weighted means of `values` (indexed by ISO3) over the members with data.

    The weighted mean uses only members that have both a value and a weight; n counts members
    with a value. Missing stays missing: a group with no data has NaN means and n = 0. Nothing
    is estimated here, so by the coverage rule (`enough_coverage`) both means are withheld
    (NaN, `withheld` True) when the members with a value hold less than two thirds of the
    members' known weight.
    """
    members = list(members)
    v = values.reindex(members).astype(float)
    has = v.notna()
    n = int(has.sum())
    if n == 0:
        return GroupMean(np.nan, np.nan, 0, len(members))
    w = weights.reindex(members).astype(float)
    both = has & w.notna() & (w > 0)
    total = float(w[w.notna() & (w > 0)].sum())
    if total > 0 and not bool(enough_coverage(float(w[both].sum()) / total)):
        return GroupMean(np.nan, np.nan, n, len(members), withheld=True)
    weighted = float(np.average(v[both], weights=w[both])) if both.any() else np.nan
    return GroupMean(float(v[has].mean()), weighted, n, len(members))


def _codes(countries: pd.DataFrame, mask: object) -> tuple[str, ...]:
    return tuple(sorted(countries.loc[mask, "iso3"]))  # type: ignore[index]


def enough_coverage(reported_share: object, estimated_share: object = 0.0) -> np.ndarray:
    """Whether a group value may be given: the coverage rule above, element-wise."""
    reported = np.asarray(reported_share, dtype=float)
    covered = reported + np.nan_to_num(np.asarray(estimated_share, dtype=float))
    with np.errstate(invalid="ignore"):
        return (reported >= MIN_REPORTED_SHARE - 1e-12) & (covered >= MIN_COVERED_SHARE - 1e-12)


def income_at(countries: pd.DataFrame, year: int | None, history: pd.DataFrame | None) -> pd.Series:
    """Each economy's World Bank income group in `year`: the one rule every figure follows.

    The classification of that fiscal year (OGHIST) while the history covers it, the current
    classification for later years (and when no year is given)."""
    current = countries.set_index("iso3")["income_group"]
    if year is None or history is None:
        return current
    at = history[history["year"] == year].set_index("iso3")["income_group"]
    if at.empty:  # years after the history ends use the current classification
        return current
    return at.reindex(current.index)
