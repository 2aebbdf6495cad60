"""`readiness refresh`: fetch current data (or take files in hand), build, check, switch; say what
changed. The only command that goes on the network, and only when it is run."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from readiness.errors import ReadinessError
from readiness.paths import DATA_DIR

if TYPE_CHECKING:
    from readiness.refresh.run import RefreshResult, SourceOutcome

BAR_WIDTH = 24


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "refresh",
        help="download current data, build and check a new snapshot, switch to it (or roll back)",
        description=(
            "Download the current data from the sources' own services (or take files in hand "
            "with --from), build a new snapshot beside the one served, check it, and only then "
            "switch to it atomically, keeping the previous one for --rollback. Prints what "
            "changed and writes it to a report file. Exit code 0: done; 1: done, but a source "
            "could not be had (named); 2: nothing changed (the reasons are printed). "
            "See docs/REFRESH.md."
        ),
    )
    p.add_argument(
        "--only",
        metavar="SOURCES",
        help="comma-separated sources to fetch (default: all; none with --from alone)",
    )
    p.add_argument(
        "--from",
        dest="from_dir",
        type=Path,
        metavar="DIR",
        help="files downloaded by hand: a raw set laid out as ../shared/data/raw, or some files "
        "(ITU DataHub CSV exports, CLASS.xlsx, an EGDI CSV) that replace the matching ones",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="build and check the new snapshot and say what would change, but do not switch",
    )
    p.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="also write what changed to FILE (.csv: one row per change; else Markdown)",
    )
    p.add_argument(
        "--rollback",
        action="store_true",
        help="serve the previous snapshot again (the one the last refresh replaced)",
    )
    p.add_argument(
        "--raw",
        type=Path,
        metavar="DIR",
        help="raw set to start from (default: the served snapshot's, else ../shared/data/raw)",
    )
    p.add_argument(
        "--rank-moves",
        type=int,
        default=5,
        metavar="N",
        help="list economies whose rank moved by more than N places (default: %(default)s)",
    )
    p.set_defaults(handler=_refresh)


def _refresh(args: argparse.Namespace) -> int:
    if args.rollback:
        if args.only or args.from_dir or args.dry_run or args.report or args.raw:
            raise ReadinessError("--rollback takes no other option")
        from readiness.refresh.snapshots import rollback

        print(rollback(DATA_DIR).text())
        return 0
    from readiness.refresh.run import refresh

    only = [s.strip() for s in args.only.split(",") if s.strip()] if args.only else None
    bars = Bars(sys.stderr)
    result = refresh(
        sources=only,
        from_dir=args.from_dir,
        raw_base=args.raw,
        data_dir=DATA_DIR,
        progress=bars.progress,
        on_source=bars.source_done,
        log=bars.log,
        dry_run=args.dry_run,
        report=args.report,
        rank_moves=args.rank_moves,
    )
    bars.close()
    _print_result(result, sys.stdout, sys.stderr)
    return result.exit_code


def _print_result(result: RefreshResult, out: TextIO, err: TextIO) -> None:
    from readiness.refresh.changes import render_text

    for line in result.hand:
        print(f"from: {line}", file=err)
    if result.status == "failed":
        print("refresh failed; nothing changed:", file=err)
        for problem in result.problems:
            print(f"  - {problem}", file=err)
        print(f"still serving {result.served} from {result.data_dir}", file=err)
        if result.run_dir is not None:
            print(f"details: {result.run_dir / 'refresh.json'}", file=err)
        return
    for source in result.failed_sources:
        print(f"source not refreshed: {source.name}: {source.reason}", file=err)
    if result.changes is not None:
        out.write(render_text(result.changes))
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
    print(f"time: {phases}", file=out)
    for path in result.reports:
        print(f"report: {path}", file=out)
    print(_status_line(result), file=out)


def _status_line(result: RefreshResult) -> str:
    served = result.served
    if result.status == "switched":
        return (
            f"switched: now serving {served} from {result.data_dir} "
            "(--rollback returns to the one before)"
        )
    if result.status == "dry-run":
        where = f" in {result.run_dir / 'data'}" if result.run_dir is not None else ""
        return f"dry run: the new snapshot was built and checked{where}; still serving {served}"
    return f"unchanged: the new snapshot is the one served already ({served})"


class Bars:
    """Progress on stderr: a text bar per source on a terminal; elsewhere one line per source."""

    def __init__(self, stream: TextIO, tty: bool | None = None, every: float = 0.1) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.every = every
        self._last = 0.0
        self._drawn = False

    def progress(self, source: str, done: int, total: int | None) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        if now - self._last < self.every and (total is None or done < total):
            return
        self._last = now
        self.stream.write("\r\033[K" + bar(source, done, total))
        self.stream.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self._drawn = False

    def source_done(self, outcome: SourceOutcome) -> None:
        self._clear()
        self.stream.write(outcome.text() + "\n")
        self.stream.flush()

    def log(self, line: str) -> None:
        if self.tty:
            self._clear()
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        self._clear()
        self.stream.flush()


def bar(source: str, done: int, total: int | None, width: int = BAR_WIDTH) -> str:
    """`itu        [#########...............]  38%  1.2 MB`: bytes or items done (of the total
    when known; then a share and a bar, else a counter)."""
    if not total:
        return f"{source:<10} [{'...':^{width}}] {_amount(done)}"
    share = min(max(done / total, 0.0), 1.0)
    filled = round(share * width)
    amount = _amount(done) if total >= 1 << 16 else f"{done}/{total}"
    return f"{source:<10} [{'#' * filled}{'.' * (width - filled)}] {share:4.0%}  {amount}"


def _amount(n: int) -> str:
    """Large counts are bytes (1.2 MB); small ones items, printed as they are."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= scale and n >= 1 << 16:
            return f"{n / scale:.1f} {unit}"
    return str(n)
