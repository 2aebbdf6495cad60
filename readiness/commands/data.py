"""Data commands: build-data, countries, values, coverage."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from readiness.commands.common import add_format_option, emit
from readiness.errors import ReadinessError
from readiness.paths import default_raw_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build-data", help="rebuild the snapshot under data/ from the raw files")
    p.add_argument("--raw", type=Path, default=None, help="raw data folder (default: %(default)s)")
    p.set_defaults(handler=_build)

    p = sub.add_parser("countries", help="print the country master")
    add_format_option(p)
    p.set_defaults(handler=_countries)

    p = sub.add_parser(
        "values",
        help="print the tidy values (economy, indicator, year, value, source, estimate), with "
        "the flag and its detail where a value has one (low_sample, later_scrape, partial_year)",
    )
    p.add_argument("--indicator", action="append", help="indicator code (repeatable)")
    p.add_argument("--country", action="append", help="ISO3 code (repeatable)")
    add_format_option(p)
    p.set_defaults(handler=_values)

    p = sub.add_parser("coverage", help="print the coverage of every catalogue indicator")
    add_format_option(p)
    p.set_defaults(handler=_coverage)


def _build(args: argparse.Namespace) -> int:
    from readiness.data.build.snapshot import build_snapshot

    raw = (args.raw or default_raw_dir()).resolve()
    report = build_snapshot(raw)
    for name, size in sorted(report.files.items()):
        print(f"wrote {name} ({size:,} bytes)")
    print(f"built in {report.seconds:.1f} s from {raw}")
    return 0


def _countries(args: argparse.Namespace) -> int:
    from readiness.data.snapshot import load_snapshot

    emit(load_snapshot().countries, args.format)
    return 0


def _values(args: argparse.Namespace) -> int:
    from readiness.data.snapshot import load_snapshot

    snap = load_snapshot()
    values = snap.values
    for code in args.indicator or []:
        snap.catalogue.get(code)
    if args.indicator:
        values = values[values["indicator"].isin(args.indicator)]
    if args.country:
        unknown = sorted(set(c.upper() for c in args.country) - set(snap.countries["iso3"]))
        if unknown:
            raise ReadinessError(f"unknown economy code(s) {unknown}; use ISO3 codes such as KEN")
        values = values[values["iso3"].isin([c.upper() for c in args.country])]
    emit(with_flags(values, snap.flags), args.format)
    return 0


def with_flags(values: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """The values with `flag` and `detail` columns: each value's flags from data/flags.csv
    ("later_scrape | low_sample" and their details in the same order; " | " because a detail
    may hold ";"), empty where none."""
    key = ["iso3", "indicator", "year"]
    joined = (
        flags.sort_values([*key, "flag"])
        .groupby(key, as_index=False)
        .agg(flag=("flag", " | ".join), detail=("detail", " | ".join))
    )
    out = values.merge(joined, on=key, how="left", validate="one_to_one")
    out.index = values.index
    out[["flag", "detail"]] = out[["flag", "detail"]].astype("string").fillna("")
    return out


def _coverage(args: argparse.Namespace) -> int:
    from readiness.data.snapshot import load_snapshot

    emit(load_snapshot().coverage, args.format)
    return 0
