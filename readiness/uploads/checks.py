"""The checks on an upload's values, one per kind: economies, years, indicators, numbers, ranges
and duplicates. Each resolves every DISTINCT spelling once and adds a problem per wrong one."""

from __future__ import annotations

import difflib
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from readiness.data.catalogue import Indicator
from readiness.data.harmonise import NameIndex, build_name_index, normalise_name
from readiness.data.snapshot import FIRST_YEAR, Snapshot
from readiness.uploads.layout import Long
from readiness.uploads.overlay import USER_SOURCE
from readiness.uploads.problems import Collector, Problem
from readiness.uploads.tables import DECIMAL_COMMA, is_formula, number

_MISSING_TEXT = frozenset({"", "na", "n/a", "nan", "..", "…", "-", "—", "null", "none"})
# Every upper/lower-case spelling, so missing cells are found by one hash lookup each.
MISSING_VARIANTS = frozenset(
    "".join(chars)
    for word in _MISSING_TEXT
    for chars in itertools.product(*({c.lower(), c.upper()} for c in word))
)
_SHEET = "data"


def last_year() -> int:
    """The latest year a value may carry: the current calendar year (UTC)."""
    return datetime.now(UTC).year


def rows_note(rows: np.ndarray) -> str:
    """' (also rows 4, 9 and 12 more)' for the other rows of a repeated problem."""
    if len(rows) <= 1:
        return ""
    rest = [str(int(r)) for r in rows[1:4]]
    more = f" and {len(rows) - 4} more" if len(rows) > 4 else ""
    return f" (also row{'s' if len(rows) > 2 else ''} {', '.join(rest)}{more})"


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


def name_index(snapshot: Snapshot) -> NameIndex:
    """The harmonisation index for this country master, built once."""
    countries = snapshot.countries
    hit = _NAME_INDEXES.get(id(countries))
    if hit is None or hit[0] is not countries:
        hit = (countries, build_name_index(countries))
        _NAME_INDEXES.clear()
        _NAME_INDEXES[id(countries)] = hit
    return hit[1]


def indicator_resolver(
    catalogue: Any, declared: dict[str, Indicator], aliases: dict[str, str]
) -> Callable[[str], str | None]:
    """Label -> indicator code: codes (any case), names, declared codes and names, mappings."""
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


@dataclass(frozen=True, eq=False)
class Cells:
    """The non-missing value cells: where they came from, and their economy/year/label codes."""

    long: Long
    keep: np.ndarray  # positions in `long` of the cells that are not missing
    rows: np.ndarray
    column: np.ndarray
    text: np.ndarray

    @classmethod
    def of(cls, long: Long) -> Cells:
        """Missing values are absent: empty cells and NA-like text are dropped first."""
        raw = np.asarray(long.value, dtype=object)
        missing = pd.Series(raw, dtype=object).isin(MISSING_VARIANTS).to_numpy()
        keep = np.flatnonzero(~missing)
        return cls(long, keep, long.row[keep], long.column[keep], raw[keep])

    def codes(self, which: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        return which[0][self.keep], which[1]

    def rows_of(self, codes: np.ndarray, k: int) -> np.ndarray:
        """The distinct rows where the k-th distinct spelling appears."""
        return pd.unique(self.rows[np.flatnonzero(codes == k)])


def _economy_problem(index: NameIndex, snapshot: Snapshot, text: str) -> tuple[str, str]:
    if not text:
        return "empty_economy", "empty economy: give an ISO3 code (e.g. KEN) or the economy's name"
    if is_formula(text):
        return "formula", (
            f"{text[:60]!r} looks like a spreadsheet formula; formulas are never "
            "evaluated: type the economy's ISO3 code or name"
        )
    return "unknown_economy", f"unknown economy {text[:80]!r}" + _suggest(index, snapshot, text)


def check_economies(cells: Cells, snapshot: Snapshot, out: Collector) -> np.ndarray:
    """ISO3 code of each cell ('' when unknown), through the harmonisation table."""
    index = name_index(snapshot)
    known = set(snapshot.countries["iso3"])
    codes, uniques = cells.codes(cells.long.economy)
    iso_u = np.full(len(uniques), "", dtype=object)
    for k in np.unique(codes):  # only spellings that carry a value
        text = str(uniques[k]).strip()
        code = index.find(text) if text else None
        if code in known:
            iso_u[k] = code
            continue
        if not out.room:
            out.omitted += 1
            continue
        kind, message = _economy_problem(index, snapshot, text)
        where = cells.rows_of(codes, k)
        column = cells.long.economy_column
        out.add(Problem(kind, message + rows_note(where), _SHEET, int(where[0]), column))
    return iso_u[codes]


def _year_problem(text: str, hi_year: int) -> tuple[str, str] | float:
    """The year as a float, or (kind, message) when it is not a whole year in range."""
    num = number(text)
    if num is not None and math.isfinite(num) and num == int(num):
        if FIRST_YEAR <= num <= hi_year:
            return num
        message = f"year {int(num)} is out of range: use a year from {FIRST_YEAR} to {hi_year}"
        return "year_out_of_range", message
    if not text:
        return "empty_year", "empty year: give the year of the value (e.g. 2023)"
    return "bad_year", f"year {text[:40]!r} is not a whole number: write it as e.g. 2023"


def check_years(cells: Cells, out: Collector) -> np.ndarray:
    """Year of each cell, NaN when it is not a whole number from FIRST_YEAR to this year."""
    hi_year = last_year()
    codes, uniques = cells.codes(cells.long.year)
    year_u = np.full(len(uniques), np.nan)
    for k in np.unique(codes):
        found = _year_problem(str(uniques[k]).strip(), hi_year)
        if isinstance(found, float):
            year_u[k] = found
            continue
        if not out.room:
            out.omitted += 1
            continue
        kind, message = found
        where = cells.rows_of(codes, k)
        column = cells.long.year_column
        out.add(Problem(kind, message + rows_note(where), _SHEET, int(where[0]), column))
    return year_u[codes]


@dataclass(frozen=True, eq=False)
class Resolved:
    """Each distinct label's indicator code ('' when unknown) and the values it can take."""

    codes: np.ndarray  # per cell: index into the arrays below
    indicator: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    what: list[str]

    def per_cell(self) -> np.ndarray:
        return self.indicator[self.codes]


def _indicator_problem(text: str, failed: set[str], candidates: list[str]) -> tuple[str, str]:
    if not text:
        return "empty_indicator", (
            "empty indicator: give a catalogue code (e.g. internet_use) or a declared one"
        )
    if text in failed:
        return "declared_with_problems", (
            f"indicator {text[:60]!r} is declared on the indicators sheet, but its "
            "definition has problems (listed there); fix them to use these values"
        )
    close = difflib.get_close_matches(text, candidates, n=3, cutoff=0.7)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return "unknown_indicator", (
        f"unknown indicator {text[:80]!r}: use a catalogue code{hint} (values then "
        "override the catalogue's), or declare it on an `indicators` sheet / metadata "
        "file with code, name, unit, direction, pillar, goalpost_lo, goalpost_hi"
    )


def check_indicators(
    cells: Cells,
    snapshot: Snapshot,
    declared: dict[str, Indicator],
    aliases: dict[str, str],
    failed: set[str],
    out: Collector,
) -> Resolved:
    """Catalogue codes or names, declared codes or names, declared mappings."""
    catalogue = snapshot.catalogue
    resolver = indicator_resolver(catalogue, declared, aliases)
    by_code = {**{i.code: i for i in catalogue.indicators}, **declared}
    codes, uniques = cells.codes(cells.long.label)
    n = len(uniques)
    found = Resolved(codes, np.full(n, "", dtype=object), np.full(n, -np.inf),
                     np.full(n, np.inf), [""] * n)  # fmt: skip
    long = cells.long
    for k in np.unique(codes):
        text = str(uniques[k]).strip()
        code = resolver(text)
        if code is not None:
            found.indicator[k] = code
            found.lo[k], found.hi[k], found.what[k] = value_limits(by_code[code])
            continue
        if not out.room:
            out.omitted += 1
            continue
        where = cells.rows_of(codes, k)
        kind, message = _indicator_problem(text, failed, [*catalogue.codes, *declared])
        note = "" if long.label_rows else rows_note(where)
        first_row = long.label_rows.get(text, int(where[0]))
        out.add(Problem(kind, message + note, _SHEET, first_row, long.label_column or text))
    return found


def _value_problem(cell: str) -> tuple[str, str]:
    if is_formula(cell):
        return "formula", (
            f"{cell[:60]!r} looks like a spreadsheet formula; formulas are never evaluated: "
            "type the value itself"
        )
    if number(cell) is not None:
        return (
            "not_finite",
            f"{cell!r} is not a finite number: give a number or leave the cell empty",
        )
    return "not_numeric", (
        f"{cell[:60]!r} is not a number: write digits with a dot as decimal separator "
        "(no units or % signs), or leave the cell empty for a missing value"
    )


def check_numbers(cells: Cells, delimiter: str | None, out: Collector) -> np.ndarray:
    """The values as floats, NaN where a cell is not a finite number (a problem each)."""
    try:
        numbers = cells.text.astype(np.float64)
    except (ValueError, TypeError, OverflowError):
        clean = pd.Series(cells.text, dtype=object).astype(str).str.strip()
        if delimiter in (";", "\t"):  # a decimal comma is read in semicolon or tab files
            comma = clean.str.fullmatch(DECIMAL_COMMA.pattern).to_numpy(dtype=bool)
            clean = clean.where(~comma, clean.str.replace(",", ".", regex=False))
        numbers = pd.to_numeric(clean, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(numbers))
    for n, k in enumerate(bad):
        if not out.room:
            out.omitted += len(bad) - n
            break
        kind, message = _value_problem(str(cells.text[k]).strip())
        out.add(Problem(kind, message, _SHEET, int(cells.rows[k]), str(cells.column[k])))
    return numbers


def check_ranges(
    cells: Cells, numbers: np.ndarray, ok: np.ndarray, found: Resolved, out: Collector
) -> np.ndarray:
    """Cells whose value the indicator cannot take: shares 0-100, scales, no negative counts."""
    codes = found.codes
    with np.errstate(invalid="ignore"):
        wrong = ok & ((numbers < found.lo[codes]) | (numbers > found.hi[codes]))
    for k in np.flatnonzero(wrong):
        if not out.room:
            out.omitted += 1
            continue
        u = codes[k]
        message = (
            f"{numbers[k]:g} is impossible for {found.indicator[u]} ({found.what[u]}): give a "
            f"value from {found.lo[u]:g} to {found.hi[u]:g}"
        )
        out.add(Problem("out_of_range", message, _SHEET, int(cells.rows[k]), str(cells.column[k])))
    return wrong


def check_duplicates(frame: pd.DataFrame, rows: np.ndarray, column: str, out: Collector) -> None:
    """One value per economy, indicator and year; two spellings of one economy are one."""
    iso_id = pd.factorize(frame["iso3"].to_numpy(dtype=object))[0].astype(np.int64)
    ind_id = pd.factorize(frame["indicator"].to_numpy(dtype=object))[0].astype(np.int64)
    key = (iso_id * (ind_id.max(initial=0) + 1) + ind_id) * 10_000 + frame["year"].to_numpy()
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    for k in pd.unique(key[dup]):
        if not out.room:
            out.omitted += 1
            continue
        at = np.flatnonzero(key == k)
        where = [int(r) for r in rows[at]]
        first = frame.iloc[at[0]]
        message = (
            f"{first['iso3']} {first['indicator']} {first['year']} is given {len(where)} "
            f"times (rows {', '.join(map(str, where[:5]))}): keep one value per economy, "
            "indicator and year (names and codes of one economy count as the same)"
        )
        out.add(Problem("duplicate", message, _SHEET, where[-1], column))


def check_values(
    long: Long,
    snapshot: Snapshot,
    declared: dict[str, Indicator],
    aliases: dict[str, str],
    failed: set[str],
    delimiter: str | None,
    out: Collector,
) -> pd.DataFrame:
    """Every check on the values; the rows that pass (iso3, indicator, year, value)."""
    cells = Cells.of(long)
    iso = check_economies(cells, snapshot, out)
    years = check_years(cells, out)
    found = check_indicators(cells, snapshot, declared, aliases, failed, out)
    ind = found.per_cell()
    numbers = check_numbers(cells, delimiter, out)
    ok = (iso != "") & (ind != "") & np.isfinite(numbers)
    ok &= ~check_ranges(cells, numbers, ok, found, out)
    good = ok & ~np.isnan(years)
    frame = pd.DataFrame(
        {
            "iso3": pd.Series(iso[good], dtype=object),
            "indicator": pd.Series(ind[good], dtype=object),
            "year": years[good].astype("int64"),
            "value": numbers[good],
        }
    )
    check_duplicates(frame, cells.rows[good], str(long.economy_column), out)
    return frame


__all__ = [
    "MISSING_VARIANTS",
    "check_duplicates",
    "check_economies",
    "check_indicators",
    "check_numbers",
    "check_ranges",
    "check_values",
    "check_years",
    "last_year",
    "value_limits",
]
