"""The `report` command: a needs report (docx, pdf) or workshop deck (pptx), or a batch as a zip."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import multiprocessing
import signal
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from readiness.errors import ReadinessError
from readiness.i18n import UN_LANGUAGES

if TYPE_CHECKING:
    import pandas as pd

    from readiness.reports.model import Report
    from readiness.reports.writers import Charts

FORMATS = ("docx", "pdf", "pptx")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write a needs report (docx, pdf) or workshop deck (pptx) for an economy or group",
        description=(
            "Write a needs report for one economy or a group (LDC, LLDC, SIDS, TRANSITION, an "
            "ITU-D region such as ITU_AFR or Africa, an income group such as LIC). With --batch, "
            "write one report per member of the group into a zip at --out. Numbers equal "
            "`python -m readiness scores` for the same year and method (docs/REPORTS.md)."
        ),
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--country", metavar="ISO3", help="economy, e.g. KEN")
    who.add_argument("--group", metavar="NAME", help="group code or name, e.g. LDC or Africa")
    p.add_argument("--format", choices=FORMATS, required=True, help="file format")
    p.add_argument("--out", type=Path, required=True, help="output file (a .zip with --batch)")
    p.add_argument("--year", type=int, default=None, help="reference year (default: latest)")
    p.add_argument("--method", type=Path, default=None, help="method file (JSON or YAML)")
    p.add_argument(
        "--lang", choices=UN_LANGUAGES, default="en", help="language of the report (default: en)"
    )
    p.add_argument(
        "--batch", action="store_true", help="one report per member of --group, into a zip"
    )
    p.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="the store whose published case studies the experiences section lists (default: "
        "READINESS_DB_URL, else the SQLite file in the state directory); when it cannot be "
        "opened, the committed library",
    )
    _add_extra(p)
    p.set_defaults(handler=_report)


def _add_extra(p: argparse.ArgumentParser) -> None:
    """--extra FILE (user data overlay) when the uploads module provides it."""
    try:
        from readiness.commands.extra import add_extra_option
    except ImportError:
        return
    add_extra_option(p)


def _snapshot(args: argparse.Namespace):
    try:
        from readiness.commands.extra import snapshot_with_extra
    except ImportError:
        from readiness.data.snapshot import load_snapshot

        return load_snapshot()
    return snapshot_with_extra(args)


def _report(args: argparse.Namespace) -> int:
    from readiness.index.method import Method, load_method
    from readiness.reports.build import Subject, build_report, resolve_subject, scoring_context
    from readiness.reports.export import BATCH_RENDERS_PER_RELOAD, image_server
    from readiness.reports.writers import build_charts, draw_charts, write_report

    if args.batch and args.group is None:
        raise ReadinessError("--batch needs --group: it writes one report per member of a group")
    out: Path = args.out
    if not out.parent.exists():
        raise ReadinessError(f"folder {out.parent} does not exist; create it or choose another")
    started = time.perf_counter()
    method = load_method(args.method) if args.method else Method()
    snapshot = _snapshot(args)
    subject = resolve_subject(snapshot, country=args.country, group=args.group)
    last = int(snapshot.latest_year)
    if args.year is not None and not snapshot.first_index_year <= args.year <= last:
        raise ReadinessError(
            f"no data for {args.year}; choose a year from {snapshot.first_index_year} to {last}"
        )
    # The browser starts in kaleido's thread, a batch's writers import the writer and parse its
    # fonts, and the store's studies are read, while the index and its intervals are computed.
    writers = writer_process(warm=args.format) if args.batch else contextlib.nullcontext()
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-studies") as reading,
        terminate_cleanly(),
        writers as writer,
        image_server(reload_every=BATCH_RENDERS_PER_RELOAD if args.batch else None),
    ):
        studies = reading.submit(published_studies, args.db)
        ctx = scoring_context(snapshot, args.year, method)
        found, coding, problem = studies.result()
        if problem:
            print(problem, file=sys.stderr)
        ctx = dataclasses.replace(ctx, studies=found, study_factors=coding)
        if not args.batch:
            report = build_report(snapshot, subject, context=ctx, lang=args.lang)
            data = write_report(report, args.format)
            out.write_bytes(data)
            print(f"wrote {out} ({len(data):,} bytes, {time.perf_counter() - started:.1f} s)")
            return 0
        group = ctx.groups.get(subject.code)
        members = [m for m in (group.members if group else ()) if m in ctx.result.raw.index]
        if not members:
            raise ReadinessError(f"group {subject.code} has no members to report on")

        def progress(k: int, iso3: str) -> None:
            print(f"[{k}/{len(members)}] {iso3}", file=sys.stderr, flush=True)

        def build(iso3: str) -> tuple[Report, Charts]:
            report = build_report(snapshot, Subject.economy(iso3), context=ctx, lang=args.lang)
            return report, build_charts(report)

        def write(report: Report, images: dict[str, bytes]) -> bytes | Future[bytes]:
            if writer is None:
                return write_report(report, args.format, images)
            return writer.submit(write_file, report, args.format, images)

        total = write_batch(out, members, write, build, draw_charts, args.format, progress)
    print(
        f"wrote {out} ({len(members)} reports, {total:,} bytes, "
        f"{time.perf_counter() - started:.1f} s)"
    )
    return 0


def published_studies(url: str | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The store's published case studies and their coding, and "" (`url`, default
    READINESS_DB_URL, else the state directory's SQLite file); when the store cannot be opened,
    the committed library coded by its rule, and one line saying so."""
    try:
        from sqlalchemy.exc import SQLAlchemyError

        from readiness.store.engine import open_store

        with open_store(url) as store:
            studies = store.cases.studies(status="published")
            return studies, store.cases.factors(status="published"), ""
    except (ReadinessError, SQLAlchemyError, ImportError, AttributeError, OSError) as exc:
        # A store's own error names the database without its password; others only their kind.
        why = str(exc).splitlines()[0] if isinstance(exc, ReadinessError) else type(exc).__name__
    from readiness.experiences.coding import code_studies
    from readiness.experiences.studies import load_library

    studies = load_library()
    note = (
        f"experiences: the store could not be opened ({why}); the report lists the committed "
        f"library's {len(studies)} studies"
    )
    return studies, code_studies(studies), note


@contextlib.contextmanager
def terminate_cleanly() -> Iterator[None]:
    """SIGTERM (a job runner's stop, `timeout`) ends the command as Ctrl-C does: through the
    `with` blocks, so the writer processes and chromium stop with it and the partial zip is
    removed. Python's default would end the process at once and leave its children running."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def write_file(report: Report, fmt: str, images: dict[str, bytes]) -> bytes:
    """One report's file bytes (run in the writer process of a batch)."""
    from readiness.reports.writers import write_report

    return write_report(report, fmt, images)


def warm_writer(fmt: str) -> None:
    """Import a format's writer (and parse its fonts) in a writer process before its first file."""
    if fmt == "pdf":
        from readiness.reports.writers.pdf import warm_fonts

        warm_fonts()
    else:
        import importlib

        importlib.import_module(f"readiness.reports.writers.{fmt}")


# Members of a batch built ahead of the one being written. One thread builds the reports (Python,
# one member at a time: two at once only contend for the interpreter lock) while another has
# chromium draw the charts of the report built before, so neither waits for the other.
PREPARE_AHEAD = 2

# Writer processes of a batch, and files handed to them before the builder waits for the oldest.
# Laying out a PDF takes one process about 0.3 s a member, less than building the member's
# report and drawing its charts (about 0.5 s): one writer keeps up, and the LDC batch measured
# faster with one than with two (23.6 s against 24.8 s, medians of 4; 2.3 s less CPU time in
# the Python processes).
WRITERS = 1
IN_FLIGHT = 2


@contextlib.contextmanager
def writer_process(
    workers: int = WRITERS, warm: str | None = None
) -> Iterator[ProcessPoolExecutor | None]:
    """Processes that write a batch's files beside the builder (None where none can start).

    Building a report, drawing its charts and writing its file are all Python and share one
    interpreter lock; writing in processes of their own lets the files of earlier members be
    laid out while the next member is built and drawn. With `warm` (a format), each process
    starts at once and prepares that format's writer.
    """
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_start_method())
    except (OSError, ValueError):
        yield None
        return
    with pool:
        if warm is not None:
            for _ in range(workers):  # each submit starts a process while none is idle
                pool.submit(warm_writer, warm)
        yield pool


def _start_method() -> multiprocessing.context.BaseContext:
    """Forked writers while this process has no thread but the main one: a fork has the
    modules already imported (0.5 s of CPU time a writer, against 1 s to start Python and import
    pandas again). Spawned otherwise (forking a process that runs threads can copy a held lock),
    and where the platform cannot fork."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def write_batch(
    out: Path,
    members: list[str],
    write: Callable[[Report, dict[str, bytes]], bytes | Future[bytes]],
    build: Callable[[str], tuple[Report, Charts]],
    draw: Callable[[Charts], dict[str, bytes]],
    suffix: str,
    progress: Callable[[int, str], None] | None = None,
    in_flight: int = IN_FLIGHT,
    ahead: int = PREPARE_AHEAD,
) -> int:
    """Write one report per member into a zip (written to a temporary name, then renamed).

    A pipeline of threads: one `build`s the next `ahead` members' reports and chart figures in
    order, another has the charts drawn (`draw`: chromium works while the next report is built),
    and this thread hands finished ones to `write`. `write` may return a Future (a writer
    process): up to `in_flight` files are then with the writers while the next members are
    prepared; the zip takes them in the members' order, stored without deflating when the
    format is compressed already (`COMPRESSED`).
    """
    tmp = out.with_name(out.name + ".part")
    size = 0
    try:
        with (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-build") as builder,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-draw") as drawer,
            zipfile.ZipFile(tmp, "w", compression=_compression(suffix)) as zf,
        ):

            def prepare(iso3: str) -> Future[tuple[Report, dict[str, bytes]]]:
                built = builder.submit(build, iso3)

                def drawn() -> tuple[Report, dict[str, bytes]]:
                    report, charts = built.result()  # in the order the builder makes them
                    return report, draw(charts)

                return drawer.submit(drawn)

            upcoming = [prepare(iso3) for iso3 in members[:ahead]]
            pending: list[tuple[str, bytes | Future[bytes]]] = []
            for k, iso3 in enumerate(members, start=1):
                if progress is not None:
                    progress(k, iso3)
                report, images = upcoming.pop(0).result()
                if k + ahead <= len(members):
                    upcoming.append(prepare(members[k + ahead - 1]))
                pending.append((f"{report.filename_stem}.{suffix}", write(report, images)))
                while len(pending) > max(1, in_flight):
                    size += _store(zf, *pending.pop(0))
            while pending:
                size += _store(zf, *pending.pop(0))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return size


# Formats whose files are compressed already (PDF streams deflated, docx and pptx zips): deflating
# them again saved a tenth of the LDC batch's 23 MB for 0.6 s of CPU time.
COMPRESSED = frozenset(FORMATS)


def _compression(suffix: str) -> int:
    """How the batch zip holds files of `suffix`: stored when they are compressed already."""
    return zipfile.ZIP_STORED if suffix in COMPRESSED else zipfile.ZIP_DEFLATED


def _store(zf: zipfile.ZipFile, name: str, data: bytes | Future[bytes]) -> int:
    """Add one file to the zip, waiting for its writer when it is still being written."""
    content = data.result() if isinstance(data, Future) else data
    zf.writestr(name, content)
    return len(content)
