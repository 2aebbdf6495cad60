"""Gap commands: gaps (a group against the 2030 targets), peers, datagaps, targets."""

from __future__ import annotations

import argparse

import pandas as pd

from readiness.commands.common import add_format_option, emit
from readiness.commands.extra import add_extra_option, snapshot_with_extra
from readiness.data.snapshot import Snapshot
from readiness.errors import ReadinessError
from readiness.uploads.overlay import user_mask

_DECIMALS = 4

# The gaps command's columns, in reading order (docs/GAPS.md explains each).
GAPS_OUTPUT = (
    "group", "year", "code", "level", "name", "unit", "weighted", "simple", "coverage",
    "population_share", "n_estimated", "estimated_share", "withheld", "median_data_year",
    "estimate_share", "target", "target_year", "gap",
    "to_go", "band", "world", "gap_to_world", "high_income", "gap_to_high_income", "trend",
    "trend_n", "trend_coverage", "trend_from", "trend_to", "reach_year", "outlook",
    "required_pace", "benchmark", "benchmark_year", "benchmark_gap",
)  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gaps",
        help="a group's value, coverage and gap to the 2030 targets per indicator, pillar, index",
        description=(
            "One row per indicator, pillar and the index for a group: population-weighted and "
            "simple means with coverage, the 2030 target, the gap and ITU band, the gap to the "
            "world and to high-income economies, the trend and the year the target is reached "
            "at that pace (docs/GAPS.md)."
        ),
    )
    _add_iot(p)
    who = p.add_mutually_exclusive_group()
    who.add_argument(
        "--country",
        metavar="ISO3",
        default=None,
        help="one economy instead of a group: its value, data year, gap, band and outlook "
        "per targeted indicator",
    )
    who.add_argument(
        "--group",
        help="group code (LDC, LLDC, SIDS, TRANSITION, ITU_AFR, LIC, HIC, WORLD, ...), an "
        "expression such as WORLD-HIC or LDC+LLDC, or the code of a group given by --members",
    )
    _add_members(p)
    p.add_argument("--year", type=int, default=None, help="reference year (default: latest)")
    p.add_argument("--all-years", action="store_true", help="every reference year, not one")
    _add_nowcast(p)
    _add_window(p)
    add_extra_option(p)
    add_format_option(p)
    p.set_defaults(handler=_gaps)

    p = sub.add_parser(
        "peers",
        help="an economy's most similar economies and which of them progressed fastest",
        description=(
            "Peers by Gower distance over the chosen features; for each, the value and annual "
            "change of the chosen indicator, pillar or index, ranked by progress."
        ),
    )
    p.add_argument("--country", required=True, metavar="ISO3", help="economy, e.g. KEN")
    p.add_argument(
        "--features",
        default=None,
        help="comma-separated catalogue codes and categories (region, income_group, ldc, ...); "
        "default gni_per_capita,population,urban_share,region",
    )
    p.add_argument(
        "--indicator", default="internet_use", help="indicator, pillar or INDEX to compare"
    )
    p.add_argument("--n", type=int, default=10, help="number of peers (default 10)")
    p.add_argument("--year", type=int, default=None, help="reference year (default: latest)")
    _add_window(p)
    add_extra_option(p)
    add_format_option(p)
    p.set_defaults(handler=_peers)

    p = sub.add_parser(
        "datagaps",
        help="which members of a group lack which indicators, and the share of ITU estimates",
        description=(
            "Per indicator: members reported, estimated, carried forward and missing in the "
            "year; with --by economy, the status of each member and indicator."
        ),
    )
    p.add_argument("--group", default="WORLD", help="group code or expression (default WORLD)")
    _add_members(p)
    p.add_argument("--year", type=int, default=None, help="reference year (default: latest)")
    p.add_argument("--by", choices=("indicator", "economy"), default="indicator")
    add_extra_option(p)
    add_format_option(p)
    p.set_defaults(handler=_datagaps)

    p = sub.add_parser(
        "targets", help="the 2030 targets and benchmarks the gap analysis measures against"
    )
    add_format_option(p)
    p.set_defaults(handler=_targets)


def _add_iot(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--iot",
        action="store_true",
        help="the IoT gaps instead: per group, the share of members with an exchange point or "
        "an LTE-M/NB-IoT network (with how many are unknown), IPv6 capability quartiles, "
        "facilities and networks per million people, against the world and high income; "
        "--group then takes a comma-separated list of group codes (default LDC, LLDC, SIDS, "
        "the ITU-D regions, the income groups and WORLD)",
    )


def _add_members(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--members",
        default=None,
        metavar="ISO3,ISO3,...",
        help="define the group yourself (e.g. developing economies as you define them)",
    )


def _add_window(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--window",
        type=int,
        default=5,
        help="years of observed values the trend's least-squares slope uses (default 5)",
    )


def _members(text: str | None) -> list[str] | None:
    if text is None:
        return None
    members = [m for m in (s.strip() for s in text.split(",")) if m]
    if not members:
        raise ReadinessError("--members needs at least one ISO3 code")
    return members


def _window(value: int) -> int:
    if value < 2:
        raise ReadinessError(f"--window must be at least 2 years, got {value}")
    return value


def _add_nowcast(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--nowcast",
        action="store_true",
        help="add the column `nowcast`: the group value projected to the reference year from "
        "each member's own damped trend, an estimate (docs/GAPS.md section 3)",
    )


def _round(frame: pd.DataFrame) -> pd.DataFrame:
    floats = frame.select_dtypes("float").columns
    frame[floats] = frame[floats].round(_DECIMALS)
    return frame


def _gaps(args: argparse.Namespace) -> int:
    from readiness.gaps.analysis import economy_gaps, gap_table
    from readiness.gaps.cube import gap_inputs, parse_group

    if args.iot:
        return _iot_gaps(args)
    if args.country is None and args.group is None:
        raise ReadinessError("give --group CODE, --country ISO3 or --iot")
    snapshot = snapshot_with_extra(args)
    inputs = gap_inputs(snapshot)
    if args.country is not None:
        if args.members is not None:
            raise ReadinessError("--members defines a group; use it with --group, not --country")
        table = economy_gaps(inputs, args.year, [args.country], window=_window(args.window))
        table = _mark_user(table.reset_index(drop=True), snapshot, [args.country.upper()])
        emit(_round(table), args.format)
        return 0
    years = (
        [int(y) for y in inputs.years]
        if args.all_years
        else [int(inputs.years[inputs.year_index(args.year)])]
    )
    columns = [*GAPS_OUTPUT, "nowcast"] if args.nowcast else list(GAPS_OUTPUT)
    members = _members(args.members)
    tables, group = [], None
    for year in years:  # an expression's income groups follow each year, as standard groups do
        group = parse_group(args.group, inputs, members, year=year)
        tables.append(gap_table(inputs, [group], [year], window=_window(args.window)))
    table = pd.concat(tables, ignore_index=True)[columns]
    assert group is not None
    emit(_round(_mark_user(table, snapshot, list(group.members))), args.format)
    return 0


def _iot_gaps(args: argparse.Namespace) -> int:
    """`gaps --iot`: the IoT table of readiness.gaps.iot, one row per group and measure."""
    from readiness.data.groups import standard_groups
    from readiness.gaps.cube import group_from
    from readiness.gaps.iot import DEFAULT_IOT_GROUPS, iot_gaps

    if args.country is not None:
        raise ReadinessError("--iot compares groups; use --group, not --country")
    snapshot = snapshot_with_extra(args)
    last = snapshot.latest_year
    years = (
        list(range(snapshot.first_index_year, last + 1))
        if args.all_years
        else [last if args.year is None else args.year]
    )
    codes = [c for c in (args.group or ",".join(DEFAULT_IOT_GROUPS)).split(",") if c.strip()]
    if not codes:
        raise ReadinessError("--group needs at least one group code, e.g. LDC,LLDC,SIDS")
    if args.members is not None and len(codes) != 1:
        raise ReadinessError("--members defines one group: give its code alone in --group")
    members = None if args.members is None else _members(args.members) or []
    tables = []
    for year in years:
        known = standard_groups(snapshot.countries, year, snapshot.income_history)
        groups = [group_from(c, known, snapshot.countries, members) for c in codes]
        table = iot_gaps(snapshot, year, groups)
        table.insert(1, "year", year)
        tables.append(table)
    emit(_round(pd.concat(tables, ignore_index=True)), args.format)
    return 0


def _mark_user(table: pd.DataFrame, snapshot: Snapshot, members: list[str]) -> pd.DataFrame:
    """With --extra: a `user_values` column counting the members' user values behind each row."""
    values = snapshot.values
    mask = user_mask(values) & values["iso3"].isin(members)
    if not mask.any() or "code" not in table:
        return table
    per_indicator = values.loc[mask, "indicator"].astype(str).value_counts()
    pillar_of = {i.code: i.pillar for i in snapshot.catalogue.indicators}
    per_pillar = per_indicator.groupby(per_indicator.index.map(pillar_of)).sum()
    counts = {**per_indicator.to_dict(), **per_pillar.to_dict(), "INDEX": int(per_indicator.sum())}
    out = table.copy()
    out["user_values"] = out["code"].map(counts).fillna(0).astype(int)
    return out


def _peers(args: argparse.Namespace) -> int:
    from readiness.gaps.cube import gap_inputs
    from readiness.gaps.peers import DEFAULT_FEATURES, find_peers

    features = DEFAULT_FEATURES if args.features is None else tuple(args.features.split(","))
    result = find_peers(
        inputs=gap_inputs(snapshot_with_extra(args)),
        iso3=args.country,
        features=features,
        indicator=args.indicator,
        year=args.year,
        n=args.n,
        window=_window(args.window),
    )
    table = result.table.copy()
    table.insert(2, "year", result.year)
    emit(_round(table), args.format)
    return 0


def _datagaps(args: argparse.Namespace) -> int:
    from readiness.gaps.cube import gap_inputs, parse_group
    from readiness.gaps.datagaps import economy_status, group_datagaps

    inputs = gap_inputs(snapshot_with_extra(args))
    year = int(inputs.years[inputs.year_index(args.year)])
    group = parse_group(args.group, inputs, _members(args.members), year=year)
    if args.by == "economy":
        table = economy_status(inputs, [year], group.members)
    else:
        table = group_datagaps(inputs, [group], [year])
    emit(_round(table.reset_index(drop=True)), args.format)
    return 0


def _targets(args: argparse.Namespace) -> int:
    from readiness.gaps.targets import load_targets

    emit(load_targets().table(), args.format)
    return 0
