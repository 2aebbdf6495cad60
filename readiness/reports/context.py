"""The scoring context shared by every report of a batch, and lookups on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from readiness.data.groups import Group, group_by_name, standard_groups
from readiness.errors import ReadinessError
from readiness.index.engine import build_index
from readiness.index.inputs import data_for_year, snapshot_inputs
from readiness.index.method import Method
from readiness.index.result import Result
from readiness.reports.model import (
    MC_SAMPLES,
    MC_SEED,
    N_STRENGTHS,
    Subject,
    to_float,
)


@dataclass(frozen=True, eq=False)
class Context:
    """The scored cross-section and everything derived from it, built once per year and method."""

    snapshot: Any
    year: int
    method: Method
    result: Result
    intervals: pd.DataFrame  # median_rank, rank_p05, rank_p95 per unit
    groups: dict[str, Group]
    strengths: pd.DataFrame
    gaps: Any = None  # readiness.gaps.cube.GapInputs, None when gap analytics are unavailable
    peers: dict[str, Group | None] = field(default_factory=dict, repr=False)  # memo per ISO3
    earlier: dict[int, Result | None] = field(default_factory=dict, repr=False)  # memo per year
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)  # names, value sources
    # The published case studies (STUDY_COLUMNS) and their coding (CODING_COLUMNS) for the
    # experiences section; None: the committed library (readiness.reports.experiences).
    studies: pd.DataFrame | None = field(default=None, repr=False)
    study_factors: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def framework(self):
        return self.result.framework


def scoring_context(
    snapshot: Any,
    year: int | None = None,
    method: Method | None = None,
    *,
    studies: pd.DataFrame | None = None,
    factors: pd.DataFrame | None = None,
) -> Context:
    """Score every economy for `year` with `method`, with the same Monte Carlo as the CLI.

    `studies` and `factors`: the published case studies and their coding (the store's) for the
    reports' experiences section; without them the section reads the committed library."""
    from readiness.index.uncertainty import UncertaintySpec, run_uncertainty

    snapshot, framework, panel = snapshot_inputs(snapshot)
    method = method or Method()
    first, latest = int(panel.years[0]), int(snapshot.latest_year)
    year = latest if year is None else int(to_float(year))
    if not first <= year <= latest:
        raise ReadinessError(f"no data for {year}; choose a year from {first} to {latest}")
    data = data_for_year(panel, framework, method, year)
    result = build_index(data, framework, method)
    unc = run_uncertainty(data, framework, method, UncertaintySpec(n=MC_SAMPLES, seed=MC_SEED))
    groups = standard_groups(snapshot.countries, year, snapshot.income_history)
    strengths = result.strengths_weaknesses(n=N_STRENGTHS)
    return Context(
        snapshot, year, method, result, unc.ranks, groups, strengths, _gap_inputs(snapshot, method),
        studies=studies, study_factors=factors,
    )  # fmt: skip


def result_for_year(ctx: Context, year: int) -> Result | None:
    """The index for another reference year with the same method; None before the data start."""
    if year not in ctx.earlier:
        _, framework, panel = snapshot_inputs(ctx.snapshot)
        if year < int(panel.years[0]):
            ctx.earlier[year] = None
        else:
            data = data_for_year(panel, framework, ctx.method, year)
            ctx.earlier[year] = build_index(data, framework, ctx.method)
    return ctx.earlier[year]


def _gap_inputs(snapshot: Any, method: Method) -> Any:
    """The gap analytics' cubes (readiness.gaps.analysis), or None where that module is absent."""
    try:
        from readiness.gaps.cube import gap_inputs
    except ImportError:
        return None
    return gap_inputs(snapshot, method)


def resolve_subject(snapshot: Any, country: str | None = None, group: str | None = None) -> Subject:
    """A Subject from a user's --country or --group text; ReadinessError with hints otherwise."""
    if (country is None) == (group is None):
        raise ReadinessError("give exactly one of a country (ISO3) or a group")
    if country is not None:
        iso = country.strip().upper()
        known = set(snapshot.countries["iso3"])
        if iso not in known:
            by_name = {
                str(n).casefold(): str(c)
                for c, n in zip(
                    snapshot.countries["iso3"], snapshot.countries["name_en"], strict=True
                )
            }
            hit = by_name.get(country.strip().casefold())
            if hit is None:
                raise ReadinessError(
                    f"unknown economy '{country}'; give an ISO3 code such as KEN "
                    "(see `python -m readiness countries`)"
                )
            iso = hit
        return Subject.economy(iso)
    assert group is not None
    return Subject.group(find_group(snapshot, group, None).code)


def find_group(snapshot: Any, name: str, year: int | None) -> Group:
    """A standard group by code (LDC, ITU_AFR, LMC...) or by label (Africa, Low income...)."""
    return group_by_name(name, standard_groups(snapshot.countries, year, snapshot.income_history))


def components(ctx: Context) -> list[str]:
    fw = ctx.framework
    return [fw.index_code, *fw.pillars]


def component_name(ctx: Context, code: str) -> str:
    fw = ctx.framework
    return "Index" if code == fw.index_code else fw.name(code)


def n_ranked(ctx: Context) -> int:
    return int(ctx.result.rank.notna().sum())


def economy_name(ctx: Context, iso3: str) -> str:
    """The English name of an economy (the code when unknown), looked up once per context."""
    names = ctx.memo.get("names")
    if names is None:
        names = ctx.memo["names"] = ctx.snapshot._names()
    return str(names.get(iso3, iso3))


def country_row(ctx: Context, iso3: str) -> pd.Series:
    rows = ctx.snapshot.countries
    hit = rows[rows["iso3"] == iso3]
    if hit.empty:
        raise ReadinessError(f"unknown economy '{iso3}'")
    return hit.iloc[0]


def group_of(ctx: Context, kind: str, iso3: str) -> Group | None:
    for g in ctx.groups.values():
        if g.kind == kind and iso3 in g.members:
            return g
    return None


def groups_of(ctx: Context, iso3: str) -> list[Group]:
    """The comparison groups of an economy: its ITU-D region, income group, development groups."""
    out = []
    for kind in ("itu_region", "income"):
        g = group_of(ctx, kind, iso3)
        if g is not None:
            out.append(g)
    for code in ("LDC", "LLDC", "SIDS", "TRANSITION"):
        g = ctx.groups.get(code)
        if g is not None and iso3 in g.members:
            out.append(g)
    peers = peer_group(ctx, iso3)
    if peers is not None:
        out.append(peers)
    out.append(ctx.groups["WORLD"])
    return out


def peer_group(ctx: Context, iso3: str) -> Group | None:
    """The economy's most similar economies (gaps.peers defaults), None where unavailable."""
    if iso3 not in ctx.peers:
        ctx.peers[iso3] = _find_peer_group(ctx, iso3)
    return ctx.peers[iso3]


def _find_peer_group(ctx: Context, iso3: str) -> Group | None:
    if ctx.gaps is None:
        return None
    try:
        from readiness.gaps.peers import find_peers
    except ImportError:
        return None
    table = find_peers(iso3, year=ctx.year, inputs=ctx.gaps).table
    members = tuple(str(c) for c in table.loc[table["role"] == "peer", "iso3"])
    if not members:
        return None
    return Group("PEERS", f"Peers ({len(members)} most similar)", "peers", members)


def short_label(g: Group) -> str:
    return g.label.removeprefix("ITU-D region: ") + (" (ITU-D)" if g.kind == "itu_region" else "")


def aggregates(ctx: Context, groups: Sequence[Group]) -> pd.DataFrame:
    """`Result.group_aggregates` of the groups, each group computed once per context: a batch
    compares every member with the same region, income group, development groups and world."""
    parts = []
    for g in groups:
        key = ("aggregates", g.code, g.members)
        if key not in ctx.memo:
            ctx.memo[key] = ctx.result.group_aggregates({g.code: g.members})
        parts.append(ctx.memo[key])
    return pd.concat(parts, ignore_index=True)


def value_sources(ctx: Context, iso3s: Sequence[str]) -> pd.DataFrame:
    """The source of each selected value (iso3, indicator) -> source id (a copy)."""
    key = ("sources", tuple(iso3s))
    if key not in ctx.memo:
        if len(ctx.memo) > 256:  # a long batch: drop what was kept per member, keep the rest
            for old in [k for k in ctx.memo if _per_member(k)]:
                del ctx.memo[old]
        ctx.memo[key] = _value_sources(ctx, iso3s)
    return ctx.memo[key].copy()


def _per_member(key: Any) -> bool:
    """A memo entry of one batch member: its value sources, its peers' means."""
    return isinstance(key, tuple) and (key[0] == "sources" or key[:2] == ("aggregates", "PEERS"))


def _value_sources(ctx: Context, iso3s: Sequence[str]) -> pd.DataFrame:
    res = ctx.result
    years = res.years
    if years is None:
        return pd.DataFrame(columns=["iso3", "indicator", "source"])
    sel = years.reindex(list(iso3s)).stack().dropna().reset_index()
    sel.columns = ["iso3", "indicator", "year"]
    sel["year"] = sel["year"].astype("int64")
    vals = ctx.snapshot.values
    vals = vals[vals["iso3"].isin(list(iso3s))][["iso3", "indicator", "year", "source"]]
    return sel.merge(vals, on=["iso3", "indicator", "year"], how="left")


def indicator_unit(ctx: Context, code: str) -> str:
    return str(ctx.snapshot.catalogue.get(code).unit)
