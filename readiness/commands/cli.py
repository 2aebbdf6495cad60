"""Command line: `readiness <command>` (or `python -m readiness`); user errors: one line, exit 2."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from readiness.errors import ReadinessError

# Each module exposes `register(subparsers)` and sets `handler` on its parsers.
COMMAND_MODULES: tuple[str, ...] = (
    "readiness.commands.data",
    "readiness.commands.index",
    "readiness.commands.upload",
    "readiness.commands.gaps",
    "readiness.commands.report",
    "readiness.commands.editor",
    "readiness.commands.city",
    "readiness.commands.cases",
    "readiness.commands.refresh",
)

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are a single line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def _prog() -> str:
    """`readiness` when run as the installed console script, else `python -m readiness`."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "readiness" if name == "readiness" else "python -m readiness"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=_prog(), description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ReadinessError as exc:
        first, *rest = str(exc).splitlines() or ["unknown error"]
        print(f"{parser.prog} {args.command}: error: {first}", file=sys.stderr)
        for line in rest:
            print(line, file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
