"""`--extra FILE` for any command that scores: user data applied as an overlay, validated first.

A command adds the option with `add_extra_option(parser)` and gets its snapshot with
`snapshot_with_extra(args)`: the committed snapshot when no --extra is given, else a new one with
the files applied in order. Any invalid file stops the command with every problem listed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from readiness.data.snapshot import Snapshot, load_snapshot
from readiness.errors import ReadinessError
from readiness.uploads.overlay import apply_overlays, user_mask


def add_extra_option(parser: argparse.ArgumentParser) -> None:
    """Add --extra FILE (repeatable) and --extra-meta FILE to a command's parser."""
    parser.add_argument(
        "--extra",
        type=Path,
        action="append",
        default=None,
        metavar="FILE",
        help="user data (CSV or .xlsx, tidy or wide) applied over the snapshot; repeatable, "
        "later files win (see docs/UPLOADS.md)",
    )
    parser.add_argument(
        "--extra-meta",
        type=Path,
        default=None,
        metavar="FILE",
        help="indicator definitions (CSV or .xlsx) for new indicators in the --extra files",
    )


def read_file(path: Path, what: str = "file") -> bytes:
    """The bytes of a user's file, with a one-line error when it cannot be read."""
    from readiness.uploads.limits import MAX_BYTES

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReadinessError(
                f"{what} {path.name} is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadinessError(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise ReadinessError(f"{what} is a folder, not a file: {path}") from None
    except OSError as exc:
        raise ReadinessError(f"cannot read {what} {path}: {exc.strerror}") from None


def snapshot_with_extra(args: argparse.Namespace, base: Snapshot | None = None) -> Snapshot:
    """The snapshot the command should use: `base` (default: committed) plus any --extra files."""
    from readiness.uploads.upload import validate_file

    snapshot = base if base is not None else load_snapshot()
    paths = getattr(args, "extra", None) or []
    meta_path = getattr(args, "extra_meta", None)
    if not paths:
        if meta_path is not None:
            raise ReadinessError("--extra-meta needs at least one --extra FILE")
        return snapshot
    meta = read_file(meta_path, "--extra-meta file") if meta_path is not None else None
    overlays, problems = [], []
    for path in paths:
        result = validate_file(
            read_file(path, "--extra file"),
            path.name,
            snapshot,
            meta,
            meta_path.name if meta_path else None,
        )
        for warning in result.warnings:
            print(f"note: {result.filename}: {warning.line()}", file=sys.stderr)
        if result.ok and result.overlay is not None:
            overlays.append(result.overlay)
        else:
            problems += [f"{result.filename}: {p.line()}" for p in result.errors]
            if result.omitted:
                problems.append(f"... and {result.omitted} more problem(s) in {path.name}")
    if problems:
        raise ReadinessError(
            f"--extra data has {len(problems)} problem(s); fix them or check the file with "
            "`python -m readiness validate FILE`:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    return apply_overlays(snapshot, overlays)


def mark_user_data(table: pd.DataFrame, snapshot: Snapshot, key: str = "iso3") -> pd.DataFrame:
    """Add a `user_values` column (values from user files per economy) when there are any."""
    mask = user_mask(snapshot.values)
    if not mask.any():
        return table
    counts = snapshot.values.loc[mask, "iso3"].astype(str).value_counts()
    out = table.copy()
    out["user_values"] = out[key].astype(str).map(counts).fillna(0).astype(int)
    return out


__all__ = ["add_extra_option", "mark_user_data", "read_file", "snapshot_with_extra"]
