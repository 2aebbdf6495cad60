"""Read one uploaded file (CSV or XLSX, chosen by content, not name) into text tables."""

from __future__ import annotations

import hashlib

from readiness.uploads import limits
from readiness.uploads.csvfile import decode, read_csv
from readiness.uploads.tables import ParsedUpload, UploadError
from readiness.uploads.workbook import read_xlsx


def clean_filename(filename: object) -> str:
    """The file's base name as a safe label: no path, no markup, 120 characters at most."""
    name = str(filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    # Letters, digits and ._-() only: the name is shown in markdown, HTML and citations.
    name = "".join(ch if ch.isalnum() or ch in "._-() " else "_" for ch in name).strip()
    return name[:120] or "upload"


def _refuse_by_kind(data: bytes, filename: str) -> None:
    """Size, emptiness, macro-enabled names and old OLE2 files are refused before parsing."""
    if len(data) > limits.MAX_BYTES:
        raise UploadError(
            f"{filename} is {len(data) / 1e6:.1f} MB; the limit is "
            f"{limits.MAX_BYTES / 1e6:.0f} MB: split the file, or keep only the indicators you need"
        )
    if not data.strip():
        raise UploadError(f"{filename} is empty: upload a CSV or .xlsx file with a header row")
    if filename.lower().endswith((".xlsm", ".xltm", ".xlam")):
        raise UploadError(
            f"{filename} is a macro-enabled workbook; macros are never run: save it as .xlsx "
            "(Excel Workbook) or CSV and upload that"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError(
            f"{filename} is an old-format Excel (.xls) or encrypted file; save it as .xlsx or CSV"
        )


def read_upload(data: bytes, filename: str) -> ParsedUpload:
    """Parse CSV or XLSX bytes (chosen by content, not name); UploadError when unsafe/unreadable."""
    filename = clean_filename(filename)
    if not isinstance(data, bytes | bytearray):
        raise UploadError("an upload must be the bytes of a file")
    data = bytes(data)
    _refuse_by_kind(data, filename)
    sha = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        table, meta, notes = read_xlsx(data, filename)
        return ParsedUpload(filename, sha, len(data), "xlsx", table, meta, notes=notes)
    if filename.lower().endswith((".xlsx", ".xls", ".ods")):
        raise UploadError(
            f"{filename} is named like a spreadsheet but is not an .xlsx workbook; "
            "save it again as .xlsx or CSV"
        )
    text, encoding = decode(data, filename)
    table, delimiter, csv_notes = read_csv(text, filename)
    return ParsedUpload(
        filename, sha, len(data), "csv", table, None, encoding, delimiter, tuple(csv_notes)
    )


__all__ = ["clean_filename", "read_upload"]
