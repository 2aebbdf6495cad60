"""Index commands: scores (our readiness index) and score-framework (any COINr-style framework)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import pandas as pd

from readiness.commands.common import add_format_option, emit
from readiness.commands.extra import add_extra_option, mark_user_data, snapshot_with_extra
from readiness.errors import ReadinessError
from readiness.index.method import AGGREGATIONS, NORMALISATIONS, Method, load_method

# score-framework's imputation flag in COINr's words -> our Method values.
_IMPUTE = {"none": "none", "mean": "group_mean", "median": "group_median"}
_DECIMALS = 4


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scores",
        help="print the readiness index: one row per economy",
        description="Score every economy for a reference year with our method (docs/METHOD.md).",
    )
    p.add_argument("--year", type=int, default=None, help="reference year (default: latest)")
    p.add_argument("--method", type=Path, default=None, help="method file (JSON or YAML)")
    _add_uncertainty(p)
    add_extra_option(p)
    add_format_option(p)
    p.set_defaults(handler=_scores)

    p = sub.add_parser(
        "score-framework",
        help="run the engine on any COINr-style data and framework",
        description=(
            "Score units on a COINr-style framework (iCode, Parent, Level, Weight, Direction) "
            "and data (uCode plus one column per indicator). Defaults follow COINr: min-max to "
            "[0, 100], arithmetic means, no imputation, no coverage threshold."
        ),
    )
    p.add_argument(
        "--data", type=Path, required=True, help="data CSV: uCode, one column per indicator"
    )
    p.add_argument("--framework", type=Path, required=True, help="framework CSV (COINr iMeta)")
    p.add_argument("--method", type=Path, default=None, help="method file; flags override it")
    p.add_argument("--normalise", choices=tuple(NORMALISATIONS), default=None)
    p.add_argument(
        "--bounds", default=None, metavar="LO,HI", help="normalisation bounds, e.g. 1,100"
    )
    p.add_argument("--aggregate", choices=tuple(AGGREGATIONS), default=None)
    p.add_argument("--impute", choices=tuple(_IMPUTE), default=None)
    p.add_argument(
        "--impute-by", default=None, metavar="COLUMN", help="data column whose groups impute"
    )
    p.add_argument(
        "--coverage",
        default=None,
        metavar="PILLAR,INDEX",
        help="minimum shares of child weight for level 2 and for higher levels, e.g. 0.67,0.75",
    )
    _add_uncertainty(p)
    add_format_option(p)
    p.set_defaults(handler=_score_framework)


def _add_uncertainty(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--uncertainty",
        type=int,
        default=None,
        metavar="N",
        help="add each unit's median rank and 5-95%% rank interval from N Monte Carlo samples",
    )
    p.add_argument("--seed", type=int, default=1, help="random seed of the Monte Carlo")


def _pair(text: str, what: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise ReadinessError(
            f"{what} must be two numbers separated by a comma, got {text!r}"
        ) from None


def _with_interval(table: pd.DataFrame, args: argparse.Namespace, run) -> pd.DataFrame:
    if args.uncertainty is None:
        return table
    from readiness.index.uncertainty import UncertaintySpec

    unc = run(UncertaintySpec(n=args.uncertainty, seed=args.seed))
    cols = unc.ranks[["median_rank", "rank_p05", "rank_p95"]]
    return table.join(cols, on=table.columns[0])


def _scores(args: argparse.Namespace) -> int:
    from readiness.index.engine import build_index
    from readiness.index.inputs import data_for_year, snapshot_inputs

    method = load_method(args.method) if args.method else Method()
    snapshot, framework, panel = snapshot_inputs(snapshot_with_extra(args))
    first, latest = int(panel.years[0]), int(snapshot.latest_year)
    year = latest if args.year is None else args.year
    if not first <= year <= latest:
        raise ReadinessError(f"no data for {year}; choose a year from {first} to {latest}")
    data = data_for_year(panel, framework, method, year)
    result = build_index(data, framework, method)
    table = result.summary().rename(columns={"code": "iso3"})
    score_cols = ["index", *[p for p in framework.pillars if p in table.columns]]
    table[score_cols] = table[score_cols].round(_DECIMALS)
    table["coverage"] = table["coverage"].round(3)
    table.insert(2, "year", year)

    def run(spec):
        from readiness.index.uncertainty import run_uncertainty

        return run_uncertainty(data, framework, method, spec)

    table = _with_interval(table, args, run)
    table = table.sort_values(["rank", "iso3"], na_position="last", kind="stable")
    table = mark_user_data(table, snapshot)
    emit(table.reset_index(drop=True), args.format)
    return 0


def _score_framework(args: argparse.Namespace) -> int:
    from readiness.index.engine import build_index
    from readiness.index.framework import load_framework
    from readiness.index.inputs import data_from_wide, read_wide

    framework = load_framework(args.framework)
    data = data_from_wide(read_wide(args.data), framework)
    if args.method:
        method = load_method(args.method)
    else:
        # COINr's defaults, so results line up with a COINr run on the same files.
        method = Method(
            normalisation="minmax", imputation_group=None, pillar_coverage=0.0, index_coverage=0.0
        )
    changes: dict[str, object] = {}
    if args.normalise:
        changes["normalisation"] = args.normalise
    if args.bounds:
        changes["bounds"] = _pair(args.bounds, "--bounds")
    if args.aggregate:
        changes["aggregation"] = args.aggregate
    if args.impute:
        changes["imputation"] = _IMPUTE[args.impute]
    if args.impute_by:
        changes["imputation_group"] = args.impute_by
    if args.coverage:
        changes["pillar_coverage"], changes["index_coverage"] = _pair(args.coverage, "--coverage")
    method = replace(method, **changes)  # type: ignore[arg-type]
    result = build_index(data, framework, method)
    table = pd.DataFrame({"uCode": result.scores.index.to_numpy()})
    for code in framework.aggregates:
        table[code] = result.scores[code].to_numpy()
        table[f"{code}_rank"] = result.ranks[code].to_numpy()

    def run(spec):
        from readiness.index.uncertainty import run_uncertainty

        return run_uncertainty(data, framework, method, spec)

    table = _with_interval(table, args, run)
    emit(table, args.format)
    return 0
