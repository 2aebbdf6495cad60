"""Fetched files into a raw directory: all of a source's files or none, each written to a new file
then renamed, so that a file hard-linked from another raw set is replaced, never written through."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PARTIAL_DIR = ".partial"  # downloads in progress, inside the raw directory being refreshed


@dataclass(frozen=True)
class FetchResult:
    """What a source wrote (paths relative to the raw directory) and what a user should know."""

    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def replace_file(path: Path, payload: bytes) -> None:
    """Write `payload` to a temporary file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(raw_dir: Path, outputs: Mapping[str, bytes | Path]) -> list[str]:
    """Put every output in place once all are ready: bytes are written, a downloaded file (a Path
    inside the raw directory) is renamed. Returns the relative paths, sorted."""
    for rel, payload in outputs.items():
        target = raw_dir / rel
        if isinstance(payload, Path):
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()  # break a hard link before the rename takes its name
            os.replace(payload, target)
        else:
            replace_file(target, payload)
    partial = raw_dir / PARTIAL_DIR
    if partial.is_dir() and not any(partial.iterdir()):
        partial.rmdir()
    return sorted(outputs)


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, line_end: str = "\n"
) -> bytes:
    """A plain UTF-8 CSV (minimal quoting), None written as empty."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=line_end)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue().encode("utf-8")


def read_rows(path: Path) -> list[dict[str, str]]:
    """A raw CSV as text rows (Namibia's `NA` stays `NA`); empty if the file is absent."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def number_text(value: float | int) -> str:
    """A number as the shortest text that reads back to it (integers without `.0`, `1.5E-05`)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value).replace("e", "E") if isinstance(value, float) else str(value)
