"""XLSX uploads: the zip inspected before any XML parser sees it, then values read by openpyxl."""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import date, datetime, time
from typing import Any

import pandas as pd

from readiness.uploads import limits
from readiness.uploads.tables import Table, UploadError, to_table

_FORMULA_XML = re.compile(rb"<f[ >]")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DANGEROUS_XML = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_MACRO_MESSAGE = (
    "is a macro-enabled workbook; macros are never run: save it as .xlsx (Excel Workbook) or CSV"
)


def _open_zip(data: bytes, filename: str) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return archive, archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UploadError(f"{filename} is a damaged .xlsx (zip) file: {exc}") from None


def _check_directory(members: list[zipfile.ZipInfo], filename: str) -> None:
    """What the zip's directory claims: parts, workbook, macros, sizes, ratios, encryption."""
    if len(members) > limits.XLSX_MAX_MEMBERS:
        raise UploadError(f"{filename} holds {len(members):,} parts; not a workbook we can read")
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadError(
            f"{filename} is a zip file but not an Excel workbook (.xlsx); save it as .xlsx or CSV"
        )
    if any(n.lower().endswith(("vbaproject.bin", ".bin")) and "vba" in n.lower() for n in names):
        raise UploadError(
            f"{filename} contains macros (a VBA project); macros are never run: save it as "
            ".xlsx (Excel Workbook, no macros) or CSV"
        )
    declared = sum(m.file_size for m in members)
    if declared > limits.XLSX_MAX_UNCOMPRESSED:
        raise UploadError(
            f"{filename} would expand to {declared / 1e6:,.0f} MB (limit "
            f"{limits.XLSX_MAX_UNCOMPRESSED / 1e6:.0f} MB); this looks like a decompression bomb"
        )
    for m in members:
        if m.flag_bits & 0x1:
            raise UploadError(f"{filename} is encrypted; save it without a password")
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > limits.XLSX_RATIO_FLOOR and ratio > limits.XLSX_MAX_RATIO:
            raise UploadError(
                f"{filename}: part {m.filename} is compressed {ratio:,.0f} to 1 (limit "
                f"{limits.XLSX_MAX_RATIO}); this looks like a decompression bomb"
            )


def _scan_member(
    archive: zipfile.ZipFile, m: zipfile.ZipInfo, total: int, filename: str
) -> tuple[int, bool]:
    """Decompress one part in a bounded stream; XML is scanned for entities. (total, formulas)."""
    scan = m.filename.lower().endswith(_XML_SUFFIXES) or m.filename == "[Content_Types].xml"
    sheet = m.filename.startswith("xl/worksheets/")
    tail = b""
    formulas = False
    with archive.open(m) as stream:
        first = True
        while chunk := stream.read(1 << 20):
            total += len(chunk)
            if total > limits.XLSX_MAX_UNCOMPRESSED:
                raise UploadError(
                    f"{filename} expands beyond {limits.XLSX_MAX_UNCOMPRESSED / 1e6:.0f} MB; "
                    "this looks like a decompression bomb"
                )
            if not scan:
                continue
            if first and (chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk):
                raise UploadError(f"{filename}: part {m.filename} is not UTF-8 XML; refused")
            first = False
            window = tail + chunk
            if _DANGEROUS_XML.search(window):
                raise UploadError(
                    f"{filename}: part {m.filename} declares a DOCTYPE or ENTITY (an XML "
                    "entity attack such as XXE or 'billion laughs'); refused. Save the "
                    "data again from a spreadsheet program as .xlsx or CSV"
                )
            if sheet and not formulas:
                formulas = bool(_FORMULA_XML.search(window))
            tail = window[-32:]
    return total, formulas


def check_zip(data: bytes, filename: str) -> tuple[zipfile.ZipFile, list[str]]:
    """Open the zip and inspect every member BEFORE any XML parser sees it; notes for the user."""
    archive, members = _open_zip(data, filename)
    _check_directory(members, filename)
    total = 0
    formulas = False
    for m in members:
        try:
            total, found = _scan_member(archive, m, total, filename)
        except UploadError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise UploadError(f"{filename} is a damaged .xlsx file ({exc})") from None
        formulas = formulas or found
        if m.filename == "[Content_Types].xml":
            with archive.open(m) as stream:
                if b"macroenabled" in stream.read().lower():
                    raise UploadError(f"{filename} {_MACRO_MESSAGE}")
    notes: list[str] = []
    if formulas:
        notes.append(
            "the workbook has formulas; they are never evaluated: cells hold the values last "
            "saved by the spreadsheet program (empty if never calculated)"
        )
    if any(m.filename.startswith("xl/externalLinks/") for m in members):
        notes.append("the workbook links to other files; those links were not followed")
    return archive, notes


def read_xlsx(data: bytes, filename: str) -> tuple[Table, Table | None, tuple[str, ...]]:
    """The data sheet, the `indicators` sheet if any, and notes; UploadError when unsafe."""
    archive, notes = check_zip(data, filename)
    archive.close()
    import openpyxl

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False, keep_vba=False
        )
    except Exception as exc:
        raise UploadError(
            f"{filename} cannot be opened as an .xlsx workbook ({type(exc).__name__}); "
            "save it again as .xlsx or CSV"
        ) from None
    try:
        table, meta = _read_sheets(book, filename, notes)
    except UploadError:
        raise
    except Exception as exc:
        raise UploadError(
            f"{filename} cannot be read as an .xlsx workbook ({type(exc).__name__}); "
            "save it again as .xlsx or CSV"
        ) from None
    finally:
        book.close()
    return table, meta, tuple(notes)


def _read_sheets(book: Any, filename: str, notes: list[str]) -> tuple[Table, Table | None]:
    titles = list(book.sheetnames)
    meta_title = next((t for t in titles if t.strip().casefold() == "indicators"), None)
    data_title = next((t for t in titles if t.strip().casefold() == "data"), None)
    data_title = data_title or next((t for t in titles if t != meta_title), None)
    if data_title is None:
        raise UploadError(
            f"{filename} has no data sheet: put the values on the first sheet and the "
            "indicator definitions on a sheet named `indicators`"
        )
    ignored = [t for t in titles if t not in (data_title, meta_title)]
    if ignored:
        notes.append(f"sheets {', '.join(repr(t) for t in ignored)} were not read")
    table = _sheet_table(book, data_title, filename)
    meta = _sheet_table(book, meta_title, filename) if meta_title else None
    return table, meta


def _sheet_table(book: Any, title: str, filename: str) -> Table:
    sheet = book[title]
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # ignore the declared size: a forged one pads every row
    records: list[list[str]] = []
    cells = 0
    for n, row in enumerate(sheet.iter_rows(values_only=True)):
        if n > limits.MAX_ROWS:
            raise UploadError(
                f"{filename}: sheet '{title}' has more than {limits.MAX_ROWS:,} rows; split it"
            )
        if len(row) > limits.MAX_COLUMNS:
            raise UploadError(
                f"{filename}: sheet '{title}' has {len(row):,} columns; the limit is "
                f"{limits.MAX_COLUMNS:,}"
            )
        cells += len(row)
        if cells > limits.MAX_CELLS:
            raise UploadError(
                f"{filename}: sheet '{title}' has more than {limits.MAX_CELLS:,} cells"
            )
        records.append([cell_text(v) for v in row])
    width = max((len(r) for r in records), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype=object)
    if frame.empty:
        raise UploadError(f"{filename}: sheet '{title}' is empty; add a header row and data")
    return to_table(frame, title, filename)


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV would hold: whole floats without '.0', dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


__all__ = ["cell_text", "check_zip", "read_xlsx"]
