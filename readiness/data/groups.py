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
    income = _income_at(c, year, income_history)
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


@dataclass(frozen=True)
class GroupMean:
    simple: float
    weighted: float
    n: int
    total: int

    @property
    def coverage(self) -> str:
        return f"{self.n}/{self.total}"


def group_mean(values: pd.Series, members: Iterable[str], weights: pd.Series) -> GroupMean:
    """Simple and weight-weighted means of `values` (indexed by ISO3) over the members with data.

    The weighted mean uses only members that have both a value and a weight; n counts members
    with a value. Missing stays missing: a group with no data has NaN means and n = 0.
    """
    members = list(members)
    v = values.reindex(members).astype(float)
    has = v.notna()
    n = int(has.sum())
    if n == 0:
        return GroupMean(np.nan, np.nan, 0, len(members))
    w = weights.reindex(members).astype(float)
    both = has & w.notna() & (w > 0)
    weighted = float(np.average(v[both], weights=w[both])) if both.any() else np.nan
    return GroupMean(float(v[has].mean()), weighted, n, len(members))


def _codes(countries: pd.DataFrame, mask: object) -> tuple[str, ...]:
    return tuple(sorted(countries.loc[mask, "iso3"]))  # type: ignore[index]


def _income_at(
    countries: pd.DataFrame, year: int | None, history: pd.DataFrame | None
) -> pd.Series:
    current = countries.set_index("iso3")["income_group"]
    if year is None or history is None:
        return current
    at = history[history["year"] == year].set_index("iso3")["income_group"]
    if at.empty:  # years after the history ends use the current classification
        return current
    return at.reindex(current.index)
