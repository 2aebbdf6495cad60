"""CSV uploads: the encoding, the delimiter, and the text read into a Table by pandas' C parser."""

from __future__ import annotations

import codecs
import csv
import io
import re

import pandas as pd

from readiness.uploads import limits
from readiness.uploads.tables import Table, UploadError, to_table


def _bom_encoding(data: bytes, filename: str) -> str | None:
    """The encoding a BOM or the zero bytes of UTF-16 show; None for an 8-bit text."""
    boms = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")]
    boms.append((codecs.BOM_UTF16_BE, "utf-16"))
    encoding = next((enc for bom, enc in boms if data.startswith(bom)), None)
    if encoding is not None:
        return encoding
    sample = data[:4096]
    if b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    if odd / half > 0.3 and even / half < 0.05:
        return "utf-16-le"
    if even / half > 0.3 and odd / half < 0.05:
        return "utf-16-be"
    raise UploadError(
        f"{filename} is neither text (CSV) nor an .xlsx workbook; upload a CSV or .xlsx file"
    )


def decode(data: bytes, filename: str) -> tuple[str, str]:
    """Text and the encoding it was read with: BOM, UTF-16 without BOM, UTF-8, cp1252, latin-1."""
    encoding = _bom_encoding(data, filename)
    candidates = [encoding] if encoding else ["utf-8", "cp1252", "latin-1"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise UploadError(
                f"{filename} holds NUL characters, so it is not a text (CSV) file; "
                "upload a CSV or .xlsx file"
            )
        return text, enc
    raise UploadError(
        f"{filename} is not valid {encoding} text; save it as UTF-8 CSV and upload it again"
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number (>1) of cells."""
    lines = [line for line in text[:65536].splitlines() if line.strip()][:50]
    best, best_score = ",", (0.0, 0)
    for delimiter in (",", ";", "\t", "|"):
        try:
            counts = [len(next(csv.reader([line], delimiter=delimiter))) for line in lines]
        except (csv.Error, StopIteration):
            continue
        if not counts or counts[0] < 2:
            continue
        score = (sum(c == counts[0] for c in counts) / len(counts), counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def delimiter_name(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}[delimiter]


def read_csv(text: str, filename: str) -> tuple[Table, str, list[str]]:
    """The text as a Table, the delimiter used, and notes for the user."""
    if text.count("\n") > limits.MAX_ROWS + 1000:
        raise UploadError(
            f"{filename} has more than {limits.MAX_ROWS:,} rows; split it into smaller files"
        )
    delimiter = sniff_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            quotechar='"',
        )
    except pd.errors.EmptyDataError:
        raise UploadError(f"{filename} has no rows: add a header row and data") from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        where = (
            f"row {found[2]} has {found[3]} cells but the header has {found[1]}"
            if found
            else str(exc).splitlines()[0][:200]
        )
        raise UploadError(
            f"{filename}: {where}; check the delimiter and quotes (a text with a "
            f"{delimiter_name(delimiter)} must be in double quotes)"
        ) from None
    except (ValueError, OverflowError, csv.Error, UnicodeError) as exc:
        raise UploadError(f"{filename} cannot be read as CSV: {str(exc)[:200]}") from None
    notes = []
    if delimiter != ",":
        notes.append(f"columns are separated by {delimiter_name(delimiter)}")
    table = to_table(frame.fillna(""), "data", filename)
    return table, delimiter, notes


__all__ = ["decode", "delimiter_name", "read_csv", "sniff_delimiter"]
