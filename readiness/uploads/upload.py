"""Validate a user's data file: every upload is treated as hostile.

`read_upload(bytes, filename)` (readiness.uploads.reading) turns a CSV or XLSX into text tables,
refusing what cannot be read safely (UploadError: one message). `validate_upload(parsed,
snapshot)` checks the tables against the snapshot and returns every problem at once, each with
its row, column and fix; when there is no error it also carries the Overlay to apply.
`validate_file` does both. docs/UPLOADS.md describes the formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from readiness.data.catalogue import Indicator
from readiness.data.snapshot import Snapshot
from readiness.uploads.checks import check_values
from readiness.uploads.layout import Layout, to_long
from readiness.uploads.metadata import read_metadata
from readiness.uploads.overlay import Overlay, Provenance
from readiness.uploads.problems import Collector, Problem
from readiness.uploads.reading import clean_filename, read_upload
from readiness.uploads.tables import ParsedUpload, UploadError

_META_SHEET = "indicators"


@dataclass(frozen=True, eq=False)
class Validation:
    """Every problem found; with no error, the Overlay ready to apply."""

    filename: str
    problems: tuple[Problem, ...]
    overlay: Overlay | None = None
    layout: Layout | None = None
    parsed: ParsedUpload | None = None
    omitted: int = 0  # problems found beyond MAX_PROBLEMS

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    def table(self) -> pd.DataFrame:
        """One row per problem: severity, sheet, row, column, code, message."""
        frame = pd.DataFrame(
            [
                {
                    "severity": p.severity,
                    "sheet": p.sheet,
                    "row": p.row,
                    "column": p.column,
                    "problem": p.code,
                    "message": p.message,
                }
                for p in self.problems
            ],
            columns=["severity", "sheet", "row", "column", "problem", "message"],
        )
        frame["row"] = frame["row"].astype("Int64")
        frame["column"] = frame["column"].fillna("").astype(str)
        return frame

    def summary(self) -> str:
        """One line: what was read and whether it is valid."""
        n_err, n_warn = len(self.errors), len(self.warnings)
        if not self.ok:
            more = f" (and {self.omitted} more not listed)" if self.omitted else ""
            return f"{self.filename}: invalid, {n_err} error(s){more}, {n_warn} warning(s)"
        ov = self.overlay
        assert ov is not None
        rows = ov.rows
        new = len(ov.indicators)
        return (
            f"{self.filename}: valid ({self.layout}), {len(rows):,} value(s) for "
            f"{rows['indicator'].nunique()} indicator(s) ({new} new) and "
            f"{rows['iso3'].nunique()} economies, {n_warn} warning(s)"
        )


def validate_file(
    data: bytes,
    filename: str,
    snapshot: Snapshot,
    meta_data: bytes | None = None,
    meta_filename: str | None = None,
    uploaded_at: str | None = None,
) -> Validation:
    """Read and validate in one go; a file that cannot be read becomes a one-problem Validation."""
    name = clean_filename(filename)
    try:
        parsed = read_upload(data, filename)
    except UploadError as exc:
        return Validation(name, (Problem("unreadable", str(exc), sheet="file"),))
    meta = None
    if meta_data is not None:
        try:
            meta = read_upload(meta_data, meta_filename or "indicators.csv")
        except UploadError as exc:
            return Validation(name, (Problem("unreadable", str(exc), sheet=_META_SHEET),))
    return validate_upload(parsed, snapshot, meta, uploaded_at=uploaded_at)


def _unused(declared: dict[str, Indicator], used: set[str], out: Collector) -> None:
    for code, ind in declared.items():
        if code not in used:
            message = (
                f"indicator {code!r} ({ind.name}) is declared but has no values; it is left out"
            )
            out.add(Problem("unused_indicator", message, sheet=_META_SHEET, severity="warning"))


def validate_upload(
    parsed: ParsedUpload,
    snapshot: Snapshot,
    metadata: ParsedUpload | None = None,
    uploaded_at: str | None = None,
) -> Validation:
    """Check an upload against the snapshot; every problem at once, with the fix for each."""
    out = Collector()
    for note in parsed.notes:
        out.add(Problem("note", note, sheet="file", severity="warning"))
    meta_table = metadata.data if metadata is not None else parsed.meta
    if metadata is not None and parsed.meta is not None:
        message = (
            "the workbook has an `indicators` sheet and a separate metadata file was given; "
            "the separate file is used"
        )
        out.add(Problem("meta_twice", message, sheet=_META_SHEET, severity="warning"))
    provenance = Provenance(
        filename=parsed.filename,
        sha256=parsed.sha256,
        uploaded_at=uploaded_at or datetime.now(UTC).isoformat(timespec="seconds"),
    )
    declared: dict[str, Indicator] = {}
    aliases: dict[str, str] = {}
    failed: set[str] = set()
    if meta_table is not None:
        declared, aliases, failed = read_metadata(
            meta_table, snapshot, provenance, out, _META_SHEET
        )

    def result(overlay: Overlay | None = None, layout: Layout | None = None) -> Validation:
        return Validation(parsed.filename, tuple(out.items), overlay, layout, parsed, out.omitted)

    long, layout = to_long(parsed.data, out)
    if long is None:
        return result()
    rows = check_values(long, snapshot, declared, aliases, failed, parsed.delimiter, out)
    used = set(rows["indicator"].unique())
    _unused(declared, used, out)
    if out.errors:
        return result(None, layout)
    if rows.empty:
        out.add(Problem("no_values", "the file holds no values: every value cell is empty"))
        return result(None, layout)
    indicators = tuple(ind for code, ind in declared.items() if code in used)
    return result(Overlay(rows=rows, indicators=indicators, provenance=provenance), layout)


__all__ = ["Problem", "Validation", "read_upload", "validate_file", "validate_upload"]
