"""Upload commands: `validate FILE` checks a user's data file before it is used with --extra."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from readiness.commands.common import add_format_option, emit
from readiness.commands.extra import read_file

EXIT_INVALID = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check a user data file (CSV or .xlsx) and list every problem",
        description=(
            "Validate a user data file: tidy (economy, year, indicator, value) or wide "
            "(economy, year, one column per indicator). Prints one row per problem (severity, "
            "sheet, row, column, problem, message) on stdout and a one-line summary on stderr; "
            "exits 0 when the file is valid (warnings allowed) and 2 otherwise. "
            "See docs/UPLOADS.md."
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the data file (CSV or .xlsx)")
    p.add_argument(
        "--meta",
        type=Path,
        default=None,
        metavar="FILE",
        help="indicator definitions for new indicators (CSV or .xlsx), if not in the workbook",
    )
    p.add_argument(
        "--preview",
        action="store_true",
        help="for a valid file, print the economies whose index or rank changes instead",
    )
    p.add_argument("--year", type=int, default=None, help="reference year of the preview")
    p.add_argument("--method", type=Path, default=None, help="method file for the preview")
    add_format_option(p)
    p.set_defaults(handler=_validate)


def _validate(args: argparse.Namespace) -> int:
    from readiness.data.snapshot import load_snapshot
    from readiness.uploads.upload import validate_file

    snapshot = load_snapshot()
    meta = read_file(args.meta, "--meta file") if args.meta else None
    result = validate_file(
        read_file(args.file),
        args.file.name,
        snapshot,
        meta,
        args.meta.name if args.meta else None,
    )
    if args.preview and result.ok and result.overlay is not None:
        from readiness.index.method import Method, load_method
        from readiness.uploads.overlay import preview

        method = load_method(args.method) if args.method else Method()
        for problem in result.problems:
            print(problem.line(), file=sys.stderr)
        change = preview(snapshot, result.overlay, args.year, method)
        emit(change.ranks.round(4), args.format)
        print(f"{result.summary()}; {change.summary()}", file=sys.stderr)
        return 0
    emit(result.table(), args.format)
    print(result.summary(), file=sys.stderr)
    return 0 if result.ok else EXIT_INVALID
