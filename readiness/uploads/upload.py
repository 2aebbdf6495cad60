"""Read and validate a user's data file: every upload is treated as hostile.

`read_upload(bytes, filename)` turns a CSV or XLSX into text tables, refusing what cannot be read
safely (UploadError: one message). `validate_upload(parsed, snapshot)` checks the tables against
the snapshot and returns every problem at once, each with its row, column and fix; when there is
no error it also carries the Overlay to apply. docs/UPLOADS.md describes the formats.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import itertools
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Literal

import numpy as np
import pandas as pd

from readiness.data.catalogue import INDEX_CODE, Goalposts, Indicator, Transform
from readiness.data.harmonise import NameIndex, build_name_index, normalise_name
from readiness.data.snapshot import FIRST_YEAR, Snapshot
from readiness.errors import ReadinessError
from readiness.uploads.overlay import USER_LICENCE, USER_SOURCE, Overlay, Provenance

# --- limits -----------------------------------------------------------------------------------
MAX_BYTES = 20_000_000  # an upload larger than this is refused unread
MAX_ROWS = 500_000  # data rows (records) per table
MAX_COLUMNS = 1_000
MAX_CELLS = 5_000_000
MAX_PROBLEMS = 500  # problems listed; the rest are counted
XLSX_MAX_MEMBERS = 1_000
XLSX_MAX_UNCOMPRESSED = 120_000_000  # all members together, as declared and as read
XLSX_MAX_RATIO = 100  # compression ratio refused for members above XLSX_RATIO_FLOOR bytes
XLSX_RATIO_FLOOR = 1_000_000
_FORMULA_XML = re.compile(rb"<f[ >]")
CODE_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")

Severity = Literal["error", "warning"]
Layout = Literal["tidy", "wide"]

_MISSING_TEXT = frozenset({"", "na", "n/a", "nan", "..", "…", "-", "—", "null", "none"})
# Every upper/lower-case spelling, so missing cells are found by one hash lookup each.
_MISSING_VARIANTS = frozenset(
    "".join(chars)
    for word in _MISSING_TEXT
    for chars in itertools.product(*({c.lower(), c.upper()} for c in word))
)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DANGEROUS_XML = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class UploadError(ReadinessError):
    """The file cannot be read safely at all; the message says why and what to do."""


def last_year() -> int:
    """The latest year a value may carry: the current calendar year (UTC)."""
    return datetime.now(UTC).year


# --- reading ----------------------------------------------------------------------------------
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


def read_upload(data: bytes, filename: str) -> ParsedUpload:
    """Parse CSV or XLSX bytes (chosen by content, not name); UploadError when unsafe/unreadable."""
    filename = _clean_filename(filename)
    if not isinstance(data, bytes | bytearray):
        raise UploadError("an upload must be the bytes of a file")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise UploadError(
            f"{filename} is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB: "
            "split the file, or keep only the indicators you need"
        )
    if not data.strip():
        raise UploadError(f"{filename} is empty: upload a CSV or .xlsx file with a header row")
    sha = hashlib.sha256(data).hexdigest()
    lower = filename.lower()
    if lower.endswith((".xlsm", ".xltm", ".xlam")):
        raise UploadError(
            f"{filename} is a macro-enabled workbook; macros are never run: save it as .xlsx "
            "(Excel Workbook) or CSV and upload that"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError(
            f"{filename} is an old-format Excel (.xls) or encrypted file; save it as .xlsx or CSV"
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        table, meta, notes = _read_xlsx(data, filename)
        return ParsedUpload(filename, sha, len(data), "xlsx", table, meta, notes=notes)
    if lower.endswith((".xlsx", ".xls", ".ods")):
        raise UploadError(
            f"{filename} is named like a spreadsheet but is not an .xlsx workbook; "
            "save it again as .xlsx or CSV"
        )
    text, encoding = _decode(data, filename)
    table, delimiter, csv_notes = _read_csv(text, filename)
    return ParsedUpload(
        filename, sha, len(data), "csv", table, None, encoding, delimiter, tuple(csv_notes)
    )


def _clean_filename(filename: object) -> str:
    """The file's base name as a safe label: no path, no markup, 120 characters at most."""
    name = str(filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    # Letters, digits and ._-() only: the name is shown in markdown, HTML and citations.
    name = "".join(ch if ch.isalnum() or ch in "._-() " else "_" for ch in name).strip()
    return name[:120] or "upload"


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    """Text and the encoding it was read with: BOM, UTF-16 without BOM, UTF-8, cp1252, latin-1."""
    boms = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")]
    boms.append((codecs.BOM_UTF16_BE, "utf-16"))
    encoding = next((enc for bom, enc in boms if data.startswith(bom)), None)
    if encoding is None:
        sample = data[:4096]
        if b"\x00" in sample:
            even, odd = sample[0::2].count(0), sample[1::2].count(0)
            half = max(len(sample) // 2, 1)
            if odd / half > 0.3 and even / half < 0.05:
                encoding = "utf-16-le"
            elif even / half > 0.3 and odd / half < 0.05:
                encoding = "utf-16-be"
            else:
                raise UploadError(
                    f"{filename} is neither text (CSV) nor an .xlsx workbook; "
                    "upload a CSV or .xlsx file"
                )
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


def _sniff_delimiter(text: str) -> str:
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


def _read_csv(text: str, filename: str) -> tuple[Table, str, list[str]]:
    if text.count("\n") > MAX_ROWS + 1000:
        raise UploadError(
            f"{filename} has more than {MAX_ROWS:,} rows; split it into smaller files"
        )
    delimiter = _sniff_delimiter(text)
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
            f"{_delimiter_name(delimiter)} must be in double quotes)"
        ) from None
    except (ValueError, OverflowError, csv.Error, UnicodeError) as exc:
        raise UploadError(f"{filename} cannot be read as CSV: {str(exc)[:200]}") from None
    notes = []
    if delimiter != ",":
        notes.append(f"columns are separated by {_delimiter_name(delimiter)}")
    table = _table(frame.fillna(""), "data", filename)
    return table, delimiter, notes


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


_STRIP = np.frompyfunc(str.strip, 1, 1)


def _delimiter_name(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}[delimiter]


def _table(frame: pd.DataFrame, name: str, filename: str) -> Table:
    """Header from the first non-empty record; records after it that are not all empty."""
    if frame.shape[1] > MAX_COLUMNS:
        raise UploadError(
            f"{filename} has {frame.shape[1]:,} columns; the limit is {MAX_COLUMNS:,}"
        )
    if frame.size > MAX_CELLS:
        raise UploadError(f"{filename} has more than {MAX_CELLS:,} cells; split it")
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
    if len(keep) > MAX_ROWS:
        raise UploadError(f"{filename} has {len(keep):,} rows; the limit is {MAX_ROWS:,}: split it")
    cells = stripped.iloc[keep, :width].reset_index(drop=True)
    return Table(name, header[:width], cells, keep + 1, header_row=first + 1)


# --- XLSX -------------------------------------------------------------------------------------
def _check_zip(data: bytes, filename: str) -> tuple[zipfile.ZipFile, list[str]]:
    """Open the zip and inspect every member BEFORE any XML parser sees it."""
    notes: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UploadError(f"{filename} is a damaged .xlsx (zip) file: {exc}") from None
    if len(members) > XLSX_MAX_MEMBERS:
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
    if declared > XLSX_MAX_UNCOMPRESSED:
        raise UploadError(
            f"{filename} would expand to {declared / 1e6:,.0f} MB (limit "
            f"{XLSX_MAX_UNCOMPRESSED / 1e6:.0f} MB); this looks like a decompression bomb"
        )
    for m in members:
        if m.flag_bits & 0x1:
            raise UploadError(f"{filename} is encrypted; save it without a password")
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > XLSX_RATIO_FLOOR and ratio > XLSX_MAX_RATIO:
            raise UploadError(
                f"{filename}: part {m.filename} is compressed {ratio:,.0f} to 1 (limit "
                f"{XLSX_MAX_RATIO}); this looks like a decompression bomb"
            )
    total = 0
    formulas = False
    for m in members:
        scan = m.filename.lower().endswith(_XML_SUFFIXES) or m.filename == "[Content_Types].xml"
        tail = b""
        try:
            with archive.open(m) as stream:
                first = True
                while chunk := stream.read(1 << 20):
                    total += len(chunk)
                    if total > XLSX_MAX_UNCOMPRESSED:
                        raise UploadError(
                            f"{filename} expands beyond {XLSX_MAX_UNCOMPRESSED / 1e6:.0f} MB; "
                            "this looks like a decompression bomb"
                        )
                    if not scan:
                        continue
                    if first and (chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk):
                        raise UploadError(
                            f"{filename}: part {m.filename} is not UTF-8 XML; refused"
                        )
                    first = False
                    window = tail + chunk
                    if _DANGEROUS_XML.search(window):
                        raise UploadError(
                            f"{filename}: part {m.filename} declares a DOCTYPE or ENTITY (an XML "
                            "entity attack such as XXE or 'billion laughs'); refused. Save the "
                            "data again from a spreadsheet program as .xlsx or CSV"
                        )
                    if not formulas and m.filename.startswith("xl/worksheets/"):
                        formulas = bool(_FORMULA_XML.search(window))
                    tail = window[-32:]
        except UploadError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise UploadError(f"{filename} is a damaged .xlsx file ({exc})") from None
        if m.filename == "[Content_Types].xml":
            with archive.open(m) as stream:
                if b"macroenabled" in stream.read().lower():
                    raise UploadError(
                        f"{filename} is a macro-enabled workbook; macros are never run: save it "
                        "as .xlsx (Excel Workbook) or CSV"
                    )
    if formulas:
        notes.append(
            "the workbook has formulas; they are never evaluated: cells hold the values last "
            "saved by the spreadsheet program (empty if never calculated)"
        )
    if any(n.startswith("xl/externalLinks/") for n in names):
        notes.append("the workbook links to other files; those links were not followed")
    return archive, notes


def _read_xlsx(data: bytes, filename: str) -> tuple[Table, Table | None, tuple[str, ...]]:
    archive, notes = _check_zip(data, filename)
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


def _sheet_table(book: Any, title: str, filename: str) -> Table:
    sheet = book[title]
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # ignore the declared size: a forged one pads every row
    records: list[list[str]] = []
    cells = 0
    for n, row in enumerate(sheet.iter_rows(values_only=True)):
        if n > MAX_ROWS:
            raise UploadError(
                f"{filename}: sheet '{title}' has more than {MAX_ROWS:,} rows; split it"
            )
        if len(row) > MAX_COLUMNS:
            raise UploadError(
                f"{filename}: sheet '{title}' has {len(row):,} columns; the limit is "
                f"{MAX_COLUMNS:,}"
            )
        cells += len(row)
        if cells > MAX_CELLS:
            raise UploadError(f"{filename}: sheet '{title}' has more than {MAX_CELLS:,} cells")
        records.append([_cell_text(v) for v in row])
    width = max((len(r) for r in records), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype=object)
    if frame.empty:
        raise UploadError(f"{filename}: sheet '{title}' is empty; add a header row and data")
    return _table(frame, title, filename)


def _cell_text(value: object) -> str:
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


# --- validation -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One problem: where it is (sheet, row, column) and a message that says how to fix it."""

    code: str
    message: str
    sheet: str = "data"
    row: int | None = None
    column: str | None = None
    severity: Severity = "error"

    def line(self) -> str:
        where = [self.sheet]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{self.severity}: {', '.join(where)}: {self.message}"


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
    name = _clean_filename(filename)
    try:
        parsed = read_upload(data, filename)
    except UploadError as exc:
        return Validation(name, (Problem("unreadable", str(exc), sheet="file"),))
    meta = None
    if meta_data is not None:
        try:
            meta = read_upload(meta_data, meta_filename or "indicators.csv")
        except UploadError as exc:
            return Validation(name, (Problem("unreadable", str(exc), sheet="indicators"),))
    return validate_upload(parsed, snapshot, meta, uploaded_at=uploaded_at)


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Header spellings (folded by header_key) that name each column of a data file.
_HEADERS: dict[str, frozenset[str]] = {
    "economy": _names(
        "economy economies country country_name country_code countryname countrycode iso3 "
        "iso_3 iso iso_code iso3_code code name ucode pays pais nation territory economie "
        "страна 国家 经济体 البلد الدولة"
    ),
    "year": _names("year years annee ano period time год 年份 年 السنة"),
    "indicator": _names(
        "indicator indicator_code indicator_name series series_code indicateur indicador "
        "variable показатель 指标 المؤشر"
    ),
    "value": _names("value valeur valor obs_value значение 值 数值 القيمة"),
}
_META_HEADERS: dict[str, frozenset[str]] = {
    "code": frozenset({"code", "indicator", "indicator_code", "icode"}),
    "name": frozenset({"name", "indicator_name", "iname", "title"}),
    "unit": frozenset({"unit", "units"}),
    "direction": frozenset({"direction", "polarity"}),
    "pillar": frozenset({"pillar", "parent", "role"}),
    "goalpost_lo": frozenset({"goalpost_lo", "goalpost_lower", "goalposts_lo", "lo", "min"}),
    "goalpost_hi": frozenset({"goalpost_hi", "goalpost_upper", "goalposts_hi", "hi", "max"}),
    "weight": frozenset({"weight"}),
    "window": frozenset({"window", "window_years"}),
    "description": frozenset({"description", "definition"}),
    "maps_to": frozenset({"maps_to", "map_to", "overrides", "catalogue_code"}),
}
_META_REQUIRED = ("name", "unit", "direction", "pillar", "goalpost_lo", "goalpost_hi")


def header_key(label: str) -> str:
    """A header folded for matching: case, accents, spaces and hyphens."""
    text = unicodedata.normalize("NFKD", str(label)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\-./]+", "_", text.strip()).strip("_")


class _Collector:
    """Collects problems up to MAX_PROBLEMS and counts the rest."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.omitted = 0

    def add(self, problem: Problem) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)
        else:
            self.omitted += 1

    @property
    def errors(self) -> bool:
        return any(p.severity == "error" for p in self.items) or self.omitted > 0

    @property
    def room(self) -> bool:
        """Whether another problem would still be listed."""
        return len(self.items) < MAX_PROBLEMS


@dataclass
class _Long:
    """Observations as parallel arrays, each with the row and column it came from.

    Economy, year and indicator label are factorised (codes into distinct values), so each
    distinct spelling is checked once however many cells repeat it.
    """

    economy: tuple[np.ndarray, np.ndarray]  # (codes, distinct values)
    year: tuple[np.ndarray, np.ndarray]
    label: tuple[np.ndarray, np.ndarray]
    value: np.ndarray
    row: np.ndarray
    column: np.ndarray  # the header label of the value's column
    label_column: str  # where the indicator label sits, for messages
    economy_column: str
    year_column: str
    label_rows: dict[str, int] = field(default_factory=dict)  # wide: label -> header row


def validate_upload(
    parsed: ParsedUpload,
    snapshot: Snapshot,
    metadata: ParsedUpload | None = None,
    uploaded_at: str | None = None,
) -> Validation:
    """Check an upload against the snapshot; every problem at once, with the fix for each."""
    out = _Collector()
    for note in parsed.notes:
        out.add(Problem("note", note, sheet="file", severity="warning"))
    meta_table = metadata.data if metadata is not None else parsed.meta
    if metadata is not None and parsed.meta is not None:
        out.add(
            Problem(
                "meta_twice",
                "the workbook has an `indicators` sheet and a separate metadata file was given; "
                "the separate file is used",
                sheet="indicators",
                severity="warning",
            )
        )
    meta_sheet = "indicators"
    provenance = Provenance(
        filename=parsed.filename,
        sha256=parsed.sha256,
        uploaded_at=uploaded_at or datetime.now(UTC).isoformat(timespec="seconds"),
    )
    declared: dict[str, Indicator] = {}
    aliases: dict[str, str] = {}
    failed: set[str] = set()
    if meta_table is not None:
        declared, aliases, failed = _read_metadata(
            meta_table, snapshot, provenance, out, meta_sheet
        )
    long, layout = _to_long(parsed.data, parsed.delimiter, out)
    if long is None:
        return Validation(parsed.filename, tuple(out.items), None, None, parsed, out.omitted)
    rows = _check_values(long, snapshot, declared, aliases, failed, parsed.delimiter, out)
    used = set(rows["indicator"].unique()) if rows is not None else set()
    for code, ind in declared.items():
        if code not in used:
            out.add(
                Problem(
                    "unused_indicator",
                    f"indicator {code!r} ({ind.name}) is declared but has no values; "
                    "it is left out",
                    sheet=meta_sheet,
                    severity="warning",
                )
            )
    if out.errors or rows is None:
        return Validation(parsed.filename, tuple(out.items), None, layout, parsed, out.omitted)
    if rows.empty:
        out.add(Problem("no_values", "the file holds no values: every value cell is empty"))
        return Validation(parsed.filename, tuple(out.items), None, layout, parsed, out.omitted)
    indicators = tuple(ind for code, ind in declared.items() if code in used)
    overlay = Overlay(rows=rows, indicators=indicators, provenance=provenance)
    return Validation(parsed.filename, tuple(out.items), overlay, layout, parsed, out.omitted)


def _find_columns(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, label in enumerate(header):
        key = header_key(label)
        for role, names in _HEADERS.items():
            if key in names and role not in found:
                found[role] = j
                break
    return found


def _to_long(table: Table, delimiter: str | None, out: _Collector) -> tuple[_Long | None, Layout]:
    header = table.header
    sheet = table.name
    hrow = table.header_row
    if len(header) < 2:
        out.add(
            Problem(
                "one_column",
                "only one column was found: separate columns with a comma, semicolon or tab, "
                "and start with a header row (economy, year, indicator, value)",
                sheet=sheet,
                row=hrow,
            )
        )
        return None, "tidy"
    cols = _find_columns(header)
    layout: Layout = "tidy" if {"indicator", "value"} <= set(cols) else "wide"
    if "economy" not in cols:
        out.add(
            Problem(
                "no_economy_column",
                "no economy column: name the column with ISO3 codes or country names "
                "`economy` (or iso3, country)",
                sheet=sheet,
                row=hrow,
            )
        )
    if "year" not in cols:
        out.add(
            Problem(
                "no_year_column",
                "no year column: add a `year` column giving the year of each value",
                sheet=sheet,
                row=hrow,
            )
        )
    if "economy" not in cols or "year" not in cols:
        return None, layout
    cells = table.cells
    e, y = cols["economy"], cols["year"]
    if layout == "tidy":
        i, v = cols["indicator"], cols["value"]
        extra = [header[j] for j in range(len(header)) if j not in (e, y, i, v) and header[j]]
        if extra:
            out.add(
                Problem(
                    "ignored_columns",
                    f"column(s) {', '.join(map(repr, extra[:10]))} are not read "
                    "(a tidy file needs economy, year, indicator, value)",
                    sheet=sheet,
                    row=hrow,
                    severity="warning",
                )
            )
        n = len(cells)
        return _Long(
            economy=_factorise(cells[e].to_numpy(dtype=object)),
            year=_factorise(cells[y].to_numpy(dtype=object)),
            label=_factorise(cells[i].to_numpy(dtype=object)),
            value=cells[v].to_numpy(dtype=object),
            row=table.rows,
            column=np.full(n, header[v], dtype=object),
            label_column=header[i],
            economy_column=header[e],
            year_column=header[y],
        ), layout
    value_cols = [j for j in range(len(header)) if j not in (e, y)]
    for j in value_cols:
        if not header[j] and (cells[j] != "").any():
            out.add(
                Problem(
                    "no_header",
                    f"column {j + 1} has values but no header: write the indicator code there",
                    sheet=sheet,
                    row=hrow,
                )
            )
    value_cols = [j for j in value_cols if header[j]]
    labels = [header[j] for j in value_cols]
    seen: dict[str, int] = {}
    for j, label in zip(value_cols, labels, strict=True):
        if label in seen:
            out.add(
                Problem(
                    "duplicate_column",
                    f"indicator column {label!r} appears twice (columns {seen[label] + 1} and "
                    f"{j + 1}): keep one",
                    sheet=sheet,
                    row=hrow,
                    column=label,
                )
            )
        seen.setdefault(label, j)
    if not value_cols:
        out.add(
            Problem(
                "no_indicator_columns",
                "no indicator columns: a wide file has economy, year, then one column per "
                "indicator; a tidy file has economy, year, indicator, value",
                sheet=sheet,
                row=hrow,
            )
        )
        return None, layout
    n, k = len(cells), len(value_cols)
    values = cells[value_cols].to_numpy(dtype=object).ravel(order="F")
    e_codes, e_uniques = _factorise(cells[e].to_numpy(dtype=object))
    y_codes, y_uniques = _factorise(cells[y].to_numpy(dtype=object))
    l_codes, l_uniques = _factorise(np.array(labels, dtype=object))
    return _Long(
        economy=(np.tile(e_codes, k), e_uniques),
        year=(np.tile(y_codes, k), y_uniques),
        label=(np.repeat(l_codes, n), l_uniques),
        value=values,
        row=np.tile(table.rows, k),
        column=np.repeat(np.array(labels, dtype=object), n),
        label_column="",
        economy_column=header[e],
        year_column=header[y],
        label_rows=dict.fromkeys(labels, hrow),
    ), layout


def _factorise(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values)
    return codes, np.asarray(uniques, dtype=object)


def _is_formula(text: str) -> bool:
    return text.startswith(("=", "@")) or (text.startswith(("+", "-")) and _number(text) is None)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _rows_note(rows: np.ndarray) -> str:
    """' (also rows 4, 9 and 12 more)' for the other rows of a repeated problem."""
    if len(rows) <= 1:
        return ""
    rest = [str(int(r)) for r in rows[1:4]]
    more = f" and {len(rows) - 4} more" if len(rows) > 4 else ""
    return f" (also row{'s' if len(rows) > 2 else ''} {', '.join(rest)}{more})"


def _check_values(
    long: _Long,
    snapshot: Snapshot,
    declared: dict[str, Indicator],
    aliases: dict[str, str],
    failed: set[str],
    delimiter: str | None,
    out: _Collector,
) -> pd.DataFrame | None:
    sheet = "data"
    catalogue = snapshot.catalogue
    # Missing values are absent: drop empty cells (and NA-like text) before anything else.
    # Work on object arrays and resolve each DISTINCT economy, year and label once.
    raw_values = np.asarray(long.value, dtype=object)
    keep = np.flatnonzero(~pd.Series(raw_values, dtype=object).isin(_MISSING_VARIANTS).to_numpy())
    value_text = raw_values[keep]
    rows = long.row[keep]
    column = long.column[keep]
    ok = np.ones(len(keep), dtype=bool)

    def positions(codes: np.ndarray, k: int) -> np.ndarray:
        return np.flatnonzero(codes == k)

    # Economies through the harmonisation table.
    index = _name_index(snapshot)
    known = set(snapshot.countries["iso3"])
    e_codes, e_uniques = long.economy[0][keep], long.economy[1]
    iso_u = np.full(len(e_uniques), "", dtype=object)
    for k in np.unique(e_codes):  # only spellings that carry a value
        text = str(e_uniques[k]).strip()
        code = index.find(text) if text else None
        if code in known:
            iso_u[k] = code
            continue
        if not out.room:
            out.omitted += 1
            continue
        if not text:
            message = "empty economy: give an ISO3 code (e.g. KEN) or the economy's name"
            kind = "empty_economy"
        elif _is_formula(text):
            message = (
                f"{text[:60]!r} looks like a spreadsheet formula; formulas are never "
                "evaluated: type the economy's ISO3 code or name"
            )
            kind = "formula"
        else:
            message = f"unknown economy {text[:80]!r}" + _suggest(index, snapshot, text)
            kind = "unknown_economy"
        first_rows = pd.unique(rows[positions(e_codes, k)])
        out.add(
            Problem(kind, message + _rows_note(first_rows), sheet, int(first_rows[0]),
                    long.economy_column)
        )  # fmt: skip
    iso = iso_u[e_codes]
    ok &= iso != ""

    # Years: whole numbers in the snapshot's range.
    hi_year = last_year()
    y_codes, y_uniques = long.year[0][keep], long.year[1]
    year_u = np.full(len(y_uniques), np.nan)
    for k in np.unique(y_codes):
        text = str(y_uniques[k]).strip()
        num = _number(text)
        if num is not None and math.isfinite(num) and num == int(num):
            if FIRST_YEAR <= num <= hi_year:
                year_u[k] = num
                continue
            message = f"year {int(num)} is out of range: use a year from {FIRST_YEAR} to {hi_year}"
            kind = "year_out_of_range"
        elif not text:
            message = "empty year: give the year of the value (e.g. 2023)"
            kind = "empty_year"
        else:
            message = f"year {text[:40]!r} is not a whole number: write it as e.g. 2023"
            kind = "bad_year"
        if not out.room:
            out.omitted += 1
            continue
        where = pd.unique(rows[positions(y_codes, k)])
        out.add(Problem(kind, message + _rows_note(where), sheet, int(where[0]), long.year_column))
    years = year_u[y_codes]
    in_range = ~np.isnan(years)

    # Indicators: catalogue codes or names, declared codes or names, declared mappings.
    resolver = _indicator_resolver(catalogue, declared, aliases)
    by_code = {**{i.code: i for i in catalogue.indicators}, **declared}
    l_codes, l_uniques = long.label[0][keep], long.label[1]
    ind_u = np.full(len(l_uniques), "", dtype=object)
    lo_u = np.full(len(l_uniques), -np.inf)
    hi_u = np.full(len(l_uniques), np.inf)
    what_u = [""] * len(l_uniques)
    for k in np.unique(l_codes):
        text = str(l_uniques[k]).strip()
        code = resolver(text)
        if code is not None:
            ind_u[k] = code
            lo_u[k], hi_u[k], what_u[k] = value_limits(by_code[code])
            continue
        if not out.room:
            out.omitted += 1
            continue
        pos = positions(l_codes, k)
        first_row = long.label_rows.get(text, int(rows[pos[0]]))
        col = long.label_column or text
        if not text:
            message = "empty indicator: give a catalogue code (e.g. internet_use) or a declared one"
            kind = "empty_indicator"
        elif text in failed:
            message = (
                f"indicator {text[:60]!r} is declared on the indicators sheet, but its "
                "definition has problems (listed there); fix them to use these values"
            )
            kind = "declared_with_problems"
        else:
            close = difflib.get_close_matches(text, [*catalogue.codes, *declared], n=3, cutoff=0.7)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            message = (
                f"unknown indicator {text[:80]!r}: use a catalogue code{hint} (values then "
                "override the catalogue's), or declare it on an `indicators` sheet / metadata "
                "file with code, name, unit, direction, pillar, goalpost_lo, goalpost_hi"
            )
            kind = "unknown_indicator"
        note = "" if long.label_rows else _rows_note(pd.unique(rows[pos]))
        out.add(Problem(kind, message + note, sheet, first_row, col))
    ind = ind_u[l_codes]
    ok &= ind != ""

    # Values: numbers (a decimal comma is read in semicolon- or tab-separated files).
    try:
        numbers = value_text.astype(np.float64)
    except (ValueError, TypeError, OverflowError):
        clean = pd.Series(value_text, dtype=object).astype(str).str.strip()
        if delimiter in (";", "\t"):
            comma = clean.str.fullmatch(_DECIMAL_COMMA.pattern).to_numpy(dtype=bool)
            clean = clean.where(~comma, clean.str.replace(",", ".", regex=False))
        numbers = pd.to_numeric(clean, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers)
    for k in np.flatnonzero(bad):
        if not out.room:
            out.omitted += int(bad.sum()) - int((np.flatnonzero(bad) < k).sum())
            break
        cell = str(value_text[k]).strip()
        if _is_formula(cell):
            message = (
                f"{cell[:60]!r} looks like a spreadsheet formula; formulas are never evaluated: "
                "type the value itself"
            )
            kind = "formula"
        elif _number(cell) is not None:
            message = f"{cell!r} is not a finite number: give a number or leave the cell empty"
            kind = "not_finite"
        else:
            message = (
                f"{cell[:60]!r} is not a number: write digits with a dot as decimal separator "
                "(no units or % signs), or leave the cell empty for a missing value"
            )
            kind = "not_numeric"
        out.add(Problem(kind, message, sheet, int(rows[k]), str(column[k])))
    ok &= ~bad

    # Ranges: shares within 0-100, scores within their scale, no negative counts.
    with np.errstate(invalid="ignore"):
        wrong = ok & ((numbers < lo_u[l_codes]) | (numbers > hi_u[l_codes]))
    for k in np.flatnonzero(wrong):
        if not out.room:
            out.omitted += 1
            continue
        u = l_codes[k]
        out.add(
            Problem(
                "out_of_range",
                f"{numbers[k]:g} is impossible for {ind_u[u]} ({what_u[u]}): give a value from "
                f"{lo_u[u]:g} to {hi_u[u]:g}",
                sheet,
                int(rows[k]),
                str(column[k]),
            )
        )
    ok &= ~wrong

    good = ok & in_range
    frame = pd.DataFrame(
        {
            "iso3": pd.Series(iso[good], dtype=object),
            "indicator": pd.Series(ind[good], dtype=object),
            "year": years[good].astype("int64"),
            "value": numbers[good],
        }
    )
    # Duplicates on integer keys: one economy under two spellings is still one economy.
    iso_id = pd.factorize(frame["iso3"].to_numpy(dtype=object))[0].astype(np.int64)
    ind_id = pd.factorize(frame["indicator"].to_numpy(dtype=object))[0].astype(np.int64)
    key = (iso_id * (ind_id.max(initial=0) + 1) + ind_id) * 10_000 + frame["year"].to_numpy()
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if dup.any():
        good_rows = rows[good]
        for k in pd.unique(key[dup]):
            if not out.room:
                out.omitted += 1
                continue
            at = np.flatnonzero(key == k)
            where = [int(r) for r in good_rows[at]]
            first = frame.iloc[at[0]]
            out.add(
                Problem(
                    "duplicate",
                    f"{first['iso3']} {first['indicator']} {first['year']} is given {len(where)} "
                    f"times (rows {', '.join(map(str, where[:5]))}): keep one value per economy, "
                    "indicator and year (names and codes of one economy count as the same)",
                    sheet,
                    where[-1],
                    str(long.economy_column),
                )
            )
    return frame


def value_limits(indicator: Indicator) -> tuple[float, float, str]:
    """The values an indicator can take: shares 0-100, scores within their scale, counts >= 0."""
    unit = indicator.unit.strip()
    user = indicator.source == USER_SOURCE
    if (unit.startswith("% of") or unit == "%") and "GNI" not in unit:
        return 0.0, 100.5, f"a share, {unit}"
    scale = re.fullmatch(r"(?:score|points)\s*([-+]?[\d.]+)\s*[-–]\s*([-+]?[\d.]+)", unit)
    if scale:
        lo, hi = float(scale[1]), float(scale[2])
        return min(lo, 0.0) if not user else lo, hi * 1.0001, unit
    if user:
        return -math.inf, math.inf, unit
    return 0.0, math.inf, f"{unit}, never negative"


def _suggest(index: NameIndex, snapshot: Snapshot, text: str) -> str:
    keys = index.suggest(text)
    names = []
    for key in keys:
        code = index.lookup.get(key)
        if code and (label := f"{snapshot.name(code)} ({code})") not in names:
            names.append(label)
    if names:
        return f": did you mean {' or '.join(names)}? Use the ISO3 code to be sure"
    return ": use the ISO3 code (e.g. KEN) or the name in English or another UN language"


_NAME_INDEXES: dict[int, tuple[pd.DataFrame, NameIndex]] = {}


def _name_index(snapshot: Snapshot) -> NameIndex:
    """The harmonisation index for this country master, built once."""
    countries = snapshot.countries
    hit = _NAME_INDEXES.get(id(countries))
    if hit is None or hit[0] is not countries:
        hit = (countries, build_name_index(countries))
        _NAME_INDEXES.clear()
        _NAME_INDEXES[id(countries)] = hit
    return hit[1]


def _indicator_resolver(
    catalogue: Any, declared: dict[str, Indicator], aliases: dict[str, str]
) -> Callable[[str], str | None]:
    exact = {c: c for c in catalogue.codes} | {c: c for c in declared}
    folded = {c.casefold(): c for c in exact}
    names = {normalise_name(i.name): i.code for i in catalogue.indicators}
    names |= {normalise_name(i.name): i.code for i in declared.values()}
    mapped = {normalise_name(k): v for k, v in aliases.items()}

    def resolve(text: str) -> str | None:
        if text in exact:
            return text
        key = normalise_name(text)
        return folded.get(text.casefold()) or mapped.get(key) or names.get(key)

    return resolve


def _read_metadata(
    table: Table,
    snapshot: Snapshot,
    provenance: Provenance,
    out: _Collector,
    sheet: str,
) -> tuple[dict[str, Indicator], dict[str, str], set[str]]:
    """New indicators (code -> Indicator), mappings (label -> catalogue code), failed codes."""
    catalogue = snapshot.catalogue
    cols: dict[str, int] = {}
    for j, label in enumerate(table.header):
        key = header_key(label)
        for field_name, names in _META_HEADERS.items():
            if key in names and field_name not in cols:
                cols[field_name] = j
                break
    hrow = table.header_row
    if "code" not in cols:
        out.add(
            Problem(
                "meta_no_code",
                "the indicators sheet needs a `code` column (and name, unit, direction, pillar, "
                "goalpost_lo, goalpost_hi for each new indicator)",
                sheet,
                hrow,
            )
        )
        return {}, {}, set()
    reserved = {INDEX_CODE.casefold(), *(p.casefold() for p in catalogue.pillar_codes)}
    pillar_by_key = {p.code.casefold(): p.code for p in catalogue.pillars}
    pillar_by_key |= {normalise_name(p.name): p.code for p in catalogue.pillars}
    declared: dict[str, Indicator] = {}
    aliases: dict[str, str] = {}
    failed: set[str] = set()
    cells = table.cells
    for k in range(len(cells)):
        row = int(table.rows[k])

        def get(name: str, k: int = k) -> str:
            # Labels end up in tables, terminals and reports: no control characters.
            text = str(cells.iloc[k, cols[name]]) if name in cols else ""
            return _CONTROL_CHARS.sub("", text).strip()

        def problem(code: str, message: str, column: str | None, row: int = row) -> None:
            label = table.header[cols[column]] if column in cols else column
            out.add(Problem(code, message, sheet, row, label))

        code = get("code")
        target = get("maps_to")
        if target:
            if target not in catalogue.codes:
                problem(
                    "meta_bad_mapping",
                    f"maps_to {target[:60]!r} is not a catalogue code; use one of "
                    f"{', '.join(i.code for i in catalogue.index_indicators()[:6])}, ...",
                    "maps_to",
                )
            elif not code or len(code) > 120:
                problem("meta_no_code", "give the label used in the data as `code`", "code")
            else:
                aliases[code] = target
            continue
        if not CODE_PATTERN.fullmatch(code):
            problem(
                "meta_bad_code",
                f"code {code[:60]!r} must start with a letter and use only letters, digits and "
                "_ (40 at most)",
                "code",
            )
            continue
        if code in catalogue.codes:
            problem(
                "meta_catalogue_code",
                f"{code!r} is a catalogue indicator: remove this row (values under that code "
                "override the catalogue's) or choose a new code",
                "code",
            )
            continue
        if code.casefold() in reserved:
            problem(
                "meta_reserved_code", f"{code!r} is a pillar or index code; choose another", "code"
            )
            continue
        if code in declared:
            problem("meta_duplicate", f"indicator {code!r} is declared twice; keep one row", "code")
            continue
        start = len(out.items) + out.omitted
        for name in _META_REQUIRED:
            if not get(name):
                problem(
                    "meta_missing",
                    f"indicator {code!r} lacks {name}: {_META_HELP[name]}",
                    name,
                )
        name, unit = get("name"), get("unit")
        if len(name) > 200 or len(unit) > 60:
            problem("meta_too_long", "name (200) or unit (60 characters) is too long", "name")
        direction_text = get("direction").casefold()
        direction = _DIRECTIONS.get(direction_text)
        if direction_text and direction is None:
            problem(
                "meta_bad_direction",
                f"direction {direction_text[:20]!r}: write 1 (higher is better) or -1 "
                "(lower is better)",
                "direction",
            )
        pillar_text = get("pillar")
        pillar: str | None = None
        role = "index"
        if pillar_text.casefold() in ("context", "none"):
            role = "context"
        elif pillar_text:
            pillar = pillar_by_key.get(pillar_text.casefold()) or pillar_by_key.get(
                normalise_name(pillar_text)
            )
            if pillar is None:
                problem(
                    "meta_bad_pillar",
                    f"pillar {pillar_text[:40]!r} is not one of "
                    f"{', '.join(catalogue.pillar_codes)} or `context` (shown, not scored)",
                    "pillar",
                )
        lo = _meta_number(get("goalpost_lo"), "goalpost_lo", problem)
        hi = _meta_number(get("goalpost_hi"), "goalpost_hi", problem)
        if lo is not None and hi is not None and not lo < hi:
            problem(
                "meta_bad_goalposts",
                f"goalposts need goalpost_lo < goalpost_hi, got {lo:g} and {hi:g}",
                "goalpost_lo",
            )
        weight = _meta_number(get("weight") or "1", "weight", problem)
        if weight is not None and weight < 0:
            problem("meta_bad_weight", "weight must be a number >= 0", "weight")
        window = _meta_number(get("window") or "5", "window", problem)
        if window is not None and (window != int(window) or not 1 <= window <= 10):
            problem("meta_bad_window", "window must be a whole number of years, 1 to 10", "window")
        if len(out.items) + out.omitted > start:
            failed.add(code)
            continue
        assert direction is not None and lo is not None and hi is not None
        assert weight is not None and window is not None
        declared[code] = Indicator(
            code=code,
            name=name,
            description=get("description")[:1000] or f"{name} (user data)",
            unit=unit,
            source=USER_SOURCE,
            series=provenance.filename,
            licence=USER_LICENCE,
            role="index" if role == "index" else "context",
            pillar=pillar,
            direction=direction,
            weight=float(weight),
            transform=Transform(),
            goalposts=Goalposts(lo, hi, f"declared by the user in {provenance.filename}"),
            window=int(window),
        )
    return declared, aliases, failed


_DIRECTIONS = {
    "1": 1, "+1": 1, "1.0": 1, "higher": 1, "higher is better": 1, "positive": 1,
    "-1": -1, "-1.0": -1, "lower": -1, "lower is better": -1, "negative": -1,
}  # fmt: skip
_META_HELP = {
    "name": "give a short name",
    "unit": "give the unit, e.g. `score 0-100` or `% of population`",
    "direction": "1 if higher is better, -1 if lower is better",
    "pillar": "a pillar code (CONN, BBAF, POLICY, ENABLE) or `context` (shown, not scored)",
    "goalpost_lo": "the worst-end bound in the indicator's unit",
    "goalpost_hi": "the best-end bound in the indicator's unit",
}


def _meta_number(text: str, name: str, problem: Callable[..., None]) -> float | None:
    if not text:
        return None
    num = _number(text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text)
    if num is None or not math.isfinite(num):
        problem("meta_not_numeric", f"{name} {text[:30]!r} is not a number", name)
        return None
    return num


__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "ParsedUpload",
    "Problem",
    "Table",
    "UploadError",
    "Validation",
    "read_upload",
    "validate_file",
    "validate_upload",
    "value_limits",
]
