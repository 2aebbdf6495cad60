"""What an upload is read into: text tables (header, records, row numbers) and the parsed file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from readiness.errors import ReadinessError
from readiness.uploads import limits

DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


class UploadError(ReadinessError):
    """The file cannot be read safely at all; the message says why and what to do."""


@dataclass(frozen=True, eq=False)
class Table:
    """One sheet as text: its header, its non-empty records and their spreadsheet row numbers."""

    name: str
    header: tuple[str, ...]
    cells: pd.DataFrame  # str cells, columns 0..n-1 in header order
    rows: np.ndarray  # 1-based row number of each record in the file or sheet
    header_row: int = 1


@dataclass(frozen=True, eq=False)
class ParsedUpload:
    """What was read from one file, before any check against the snapshot."""

    filename: str
    sha256: str
    size: int
    kind: Literal["csv", "xlsx"]
    data: Table
    meta: Table | None = None  # the `indicators` sheet of a workbook
    encoding: str | None = None
    delimiter: str | None = None
    notes: tuple[str, ...] = ()


def number(text: str) -> float | None:
    """The cell as a float, or None when it is not one."""
    try:
        return float(text)
    except ValueError:
        return None


def is_formula(text: str) -> bool:
    """Whether a cell looks like a spreadsheet formula (never evaluated)."""
    return text.startswith(("=", "@")) or (text.startswith(("+", "-")) and number(text) is None)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


_STRIP = np.frompyfunc(str.strip, 1, 1)


def to_table(frame: pd.DataFrame, name: str, filename: str) -> Table:
    """Header from the first non-empty record; records after it that are not all empty."""
    if frame.shape[1] > limits.MAX_COLUMNS:
        raise UploadError(
            f"{filename} has {frame.shape[1]:,} columns; the limit is {limits.MAX_COLUMNS:,}"
        )
    if frame.size > limits.MAX_CELLS:
        raise UploadError(f"{filename} has more than {limits.MAX_CELLS:,} cells; split it")
    frame.columns = pd.RangeIndex(frame.shape[1])
    # Object columns of str (CSV cells and workbook cells are text by now); kept as object, not
    # Arrow strings: validation looks each distinct value up once.
    values = frame.to_numpy(dtype=object)
    try:
        stripped = pd.DataFrame(_STRIP(values), dtype=object)
    except TypeError:  # a cell that is not text (None, a number): make it text first
        stripped = pd.DataFrame(_STRIP(np.frompyfunc(_text, 1, 1)(values)), dtype=object)
    filled = (stripped != "").to_numpy()
    nonempty = filled.any(axis=1)
    if not nonempty.any():
        raise UploadError(f"{filename}: sheet '{name}' has no rows; add a header row and data")
    first = int(np.flatnonzero(nonempty)[0])
    header = tuple(stripped.iloc[first].tolist())
    # Trailing columns with neither a header nor a value are padding, not data.
    used = filled[first:].any(axis=0)
    width = int(np.flatnonzero(used)[-1]) + 1
    keep = np.flatnonzero(nonempty)
    keep = keep[keep > first]
    if len(keep) > limits.MAX_ROWS:
        raise UploadError(
            f"{filename} has {len(keep):,} rows; the limit is {limits.MAX_ROWS:,}: split it"
        )
    cells = stripped.iloc[keep, :width].reset_index(drop=True)
    return Table(name, header[:width], cells, keep + 1, header_row=first + 1)


__all__ = [
    "DECIMAL_COMMA",
    "ParsedUpload",
    "Table",
    "UploadError",
    "is_formula",
    "number",
    "to_table",
]
