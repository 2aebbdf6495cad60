"""Files in hand (`readiness refresh --from DIR`): each matched to its place in the raw set and
checked before use; a file that cannot be placed or fails its checks stops the refresh.

DIR may hold a whole raw set laid out as ../shared/data/raw, or only some files. A file takes the
place of the raw file at the same relative path (checked against what that file must hold).
Other files are recognised by their content, never by a guess from their name:
- an ITU DataHub CSV export (its header, seriesCode...seriesDescription): its rows take the place
  of the same series, economy and year in the itu_datahub/ file that holds that series (other
  rows are kept, so an export of a few economies or years updates just those);
- a World Bank CLASS.xlsx (sheets "List of economies" and "composition"): the income
  classification, at classifications/WB_CLASS_FY<year>.xlsx as the wb_class fetcher writes it;
  OGHIST.xlsx (sheet "Country Analytical History"): the income history;
- a UN DESA EGDI CSV (Survey Year, Country Name, E-Government Index ...): the survey years the
  build reads from a name-keyed file (2022, 2024), written in that file's layout.
"""

from __future__ import annotations

import csv
import filecmp
import io
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from readiness.refresh.http import FetchError
from readiness.refresh.wb import check_oghist, class_fiscal_year

ITU_COLUMNS = (
    "seriesID", "seriesCode", "seriesName", "seriesParent", "seriesUnits", "entityID",
    "entityIso", "entityName", "dataValue", "dataYear", "dataNote", "dataSource",
    "seriesDescription",
)  # fmt: skip
ITU_KEY = ["seriesCode", "entityIso", "dataYear"]
CLASS_TARGET = "classifications/WB_CLASS_FY{year}.xlsx"  # as the wb_class fetcher writes it
OGHIST_TARGET = "classifications/WB_OGHIST.xlsx"
EGDI_DATACENTER = (
    "Survey Year", "Country Name", "E-Government Rank", "E-Government Index",
    "E-Participation Index", "Online Service Index", "Human Capital Index",
    "Telecommunication Infrastructure Index",
)  # fmt: skip
# The 2024 file the build reads renamed the Data Center's headers (egdi/SOURCES.md).
EGDI_2024_NAMES = dict(
    zip(
        EGDI_DATACENTER,
        ("Survey Year", "Country", "Rank", "E_Index", "E_Participation", "Online_Service",
         "Human_Capital", "Tele_Infra"),
        strict=True,
    )
)  # fmt: skip
EGDI_TARGETS = {2022: "egdi/EGOV_DATA_2022.csv", 2024: "egdi/EGOV_DATA_2024_modified-headers.csv"}
WDI_COLUMNS = ("Country Name", "Country Code", "Year", "Value")
_ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Placement:
    """One hand file (or part of it) and the raw file it takes the place of."""

    source: Path
    target: str  # relative to the raw folder
    how: str  # for people: "same path", "ITU DataHub export of i99H" ...
    series: tuple[str, ...] = ()  # ITU merges: the series whose rows replace the target's
    payload: bytes | None = None  # a file rewritten into the build's layout (EGDI)


@dataclass(frozen=True)
class HandPlan:
    """Where each file of DIR goes, and every problem found (any one stops the refresh)."""

    from_dir: Path
    placements: tuple[Placement, ...]
    problems: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def targets(self) -> list[str]:
        return sorted({p.target for p in self.placements})


def plan(from_dir: Path, raw_base: Path) -> HandPlan:
    """Match and check every file of `from_dir` against the raw set `raw_base` (read only)."""
    from_dir = Path(from_dir)
    if not from_dir.is_dir():
        return HandPlan(from_dir, (), (f"--from {from_dir}: not a folder",))
    files = sorted(
        p for p in from_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(from_dir).parts)
    )  # fmt: skip
    placements: list[Placement] = []
    problems: list[str] = []
    notes: list[str] = []
    same = 0
    series_files = _itu_series_files(raw_base)
    for path in files:
        rel = path.relative_to(from_dir).as_posix()
        try:
            if (raw_base / rel).is_file() and filecmp.cmp(path, raw_base / rel, shallow=False):
                same += 1
                continue
            if (raw_base / rel).is_file():
                found = _same_path(path, rel, raw_base, series_files)
            else:
                found = _by_content(path, raw_base, series_files, notes)
        except _Invalid as exc:
            problems.append(f"{rel}: {exc}")
            continue
        placements += found
    if not files:
        problems.append(f"--from {from_dir}: no files found")
    elif same:
        notes.append(f"{same} file(s) identical to the raw set's, left as they are")
    problems += _clashes(placements)
    return HandPlan(from_dir, tuple(placements), tuple(problems), tuple(notes))


class _Invalid(Exception):
    """A hand file that is not what its place needs, or cannot be placed."""


def _clashes(placements: list[Placement]) -> list[str]:
    """Two whole files for one place is ambiguous (row merges of different series are not)."""
    seen: dict[str, Path] = {}
    out = []
    for p in placements:
        if p.series:
            continue
        if p.target in seen:
            out.append(f"{p.source.name} and {seen[p.target].name} both take the place of "
                       f"{p.target}; keep one")  # fmt: skip
        seen[p.target] = p.source
    return out


def _same_path(path: Path, rel: str, raw_base: Path, series: dict[str, str]) -> list[Placement]:
    current = raw_base / rel
    if rel.startswith("itu_datahub/") and path.suffix == ".csv":
        frame = _read_itu(path)
        _check_itu(frame, raw_base, series)
        elsewhere = sorted(c for c in set(frame["seriesCode"]) if series.get(c, rel) != rel)
        if elsewhere:
            raise _Invalid(f"series {', '.join(elsewhere)} belong in another itu_datahub/ file")
        held = set(_csv(current, usecols=["seriesCode"])["seriesCode"])
        lost = sorted(held - set(frame["seriesCode"]))
        if lost:
            raise _Invalid(f"lacks series {', '.join(lost)} that the current file holds")
    elif re.fullmatch(r"classifications/WB_CLASS_FY\d{4}\.xlsx", rel):
        _class_year(path)
    elif rel == OGHIST_TARGET:
        _check_oghist(path)
    elif rel in EGDI_TARGETS.values():
        frame = _csv(path, dtype=str)
        _require(frame, tuple(_csv(current, nrows=0).columns), "the current file's columns")
        _check_egdi(frame, "Survey Year")
    elif re.fullmatch(r"wdi/[^/]+/data\.csv", rel):
        _check_wdi(path)
    else:
        _check_generic(path, current)
    return [Placement(path, rel, "same path")]


def _by_content(
    path: Path, raw_base: Path, series: dict[str, str], notes: list[str]
) -> list[Placement]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header = _header(path)
        if set(ITU_KEY) <= set(header) and "dataValue" in header:
            frame = _read_itu(path)
            _check_itu(frame, raw_base, series)
            return _itu_placements(path, frame, series)
        if {"Survey Year", "E-Government Index"} <= set(header):
            return _egdi_placements(path, notes)
    elif suffix in (".xlsx", ".xlsm"):
        sheets = _sheets(path)
        if {"List of economies", "composition"} <= set(sheets):
            return [_class_placement(path, notes)]
        if "Country Analytical History" in sheets:
            _check_oghist(path)
            return [Placement(path, OGHIST_TARGET, "World Bank OGHIST (income history)")]
    raise _Invalid(
        "not recognised: no raw file at this path, and not an ITU DataHub CSV export, a World "
        "Bank CLASS.xlsx or OGHIST.xlsx, or a UN DESA EGDI CSV; put it at its raw path"
    )


# --- reading -----------------------------------------------------------------------------------
def _csv(path: Path, **kwargs: object) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return pd.read_csv(path, encoding=encoding, **kwargs)  # type: ignore[call-overload]
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            raise _Invalid(f"cannot be read as CSV ({str(exc).splitlines()[0]})") from None
    raise _Invalid("cannot be read as CSV text")


def _header(path: Path) -> list[str]:
    return [str(c).strip() for c in _csv(path, nrows=0).columns]


def _sheets(path: Path) -> list[str]:
    try:
        return [str(name) for name in pd.ExcelFile(path).sheet_names]
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _Invalid(f"cannot be read as an Excel workbook ({exc})") from None


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise _Invalid(f"header lacks {', '.join(missing)} ({what})")


def _examples(values: pd.Series, limit: int = 3) -> str:
    return ", ".join(repr(v) for v in values.head(limit))


# --- ITU DataHub --------------------------------------------------------------------------------
def _itu_series_files(raw_base: Path) -> dict[str, str]:
    """Which itu_datahub/ file of the raw set holds each series code."""
    out: dict[str, str] = {}
    for path in sorted((raw_base / "itu_datahub").glob("*.csv")):
        codes = _csv(path, usecols=["seriesCode"], dtype=str)["seriesCode"].dropna().unique()
        for code in codes:
            out.setdefault(str(code), f"itu_datahub/{path.name}")
    return out


def _read_itu(path: Path) -> pd.DataFrame:
    frame = _csv(path, dtype=str, keep_default_na=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    _require(frame, ITU_COLUMNS, "an ITU DataHub export")
    return frame


def _check_itu(frame: pd.DataFrame, raw_base: Path, series: dict[str, str]) -> None:
    """Codes, years and values well formed, each series known and in its known units."""
    if frame.empty:
        raise _Invalid("no rows")
    problems = []
    bad_iso = frame.loc[~frame["entityIso"].str.fullmatch(_ISO3), "entityIso"]
    if len(bad_iso):
        problems.append(f"entityIso not a 3-letter code: {_examples(bad_iso)}")
    year = pd.to_numeric(frame["dataYear"], errors="coerce")
    bad_year = frame.loc[~year.between(1960, datetime.now(UTC).year + 1), "dataYear"]
    if len(bad_year):
        problems.append(f"dataYear not a year: {_examples(bad_year)}")
    value = pd.to_numeric(frame["dataValue"], errors="coerce")
    bad_value = frame.loc[value.isna() & frame["dataValue"].str.strip().ne(""), "dataValue"]
    if len(bad_value):
        problems.append(f"dataValue not a number: {_examples(bad_value)}")
    dup = frame[frame.duplicated(ITU_KEY, keep=False)]
    if len(dup):
        problems.append(f"{len(dup)} rows repeat a series, economy and year")
    unknown = sorted(set(frame["seriesCode"]) - set(series))
    if unknown:
        problems.append(
            f"series {', '.join(unknown)} in no itu_datahub/ file of the raw set (a renamed "
            "series? the build reads ITU series by code)"
        )
    problems += _itu_units(frame, raw_base, series)
    if problems:
        raise _Invalid("; ".join(problems))


def _itu_units(frame: pd.DataFrame, raw_base: Path, series: dict[str, str]) -> list[str]:
    """Each series keeps the units label of the raw set (a changed unit is a changed series)."""
    out = []
    for target in sorted({series[s] for s in set(frame["seriesCode"]) if s in series}):
        current = _csv(raw_base / target, usecols=["seriesCode", "seriesUnits"], dtype=str)
        known = current.fillna("").groupby("seriesCode")["seriesUnits"].agg(set)
        for code, rows in frame[frame["seriesCode"].isin(known.index)].groupby("seriesCode"):
            units = set(rows["seriesUnits"])
            if not units <= known[code]:
                was = sorted(known[code])
                out.append(f"series {code} in units {sorted(units)}, the raw set's in {was}")
    return out


def _itu_placements(path: Path, frame: pd.DataFrame, series: dict[str, str]) -> list[Placement]:
    by_target: dict[str, list[str]] = {}
    for code in sorted(set(frame["seriesCode"])):
        by_target.setdefault(series[code], []).append(code)
    return [
        Placement(path, target, f"ITU DataHub export of {', '.join(codes)}", tuple(codes))
        for target, codes in sorted(by_target.items())
    ]


# --- World Bank ----------------------------------------------------------------------------------
def _class_year(path: Path) -> int:
    """The fiscal year a CLASS workbook classifies, after the fetcher's checks (wb.py)."""
    try:
        return class_fiscal_year(path)
    except FetchError as exc:
        raise _Invalid(exc.reason) from None


def _check_oghist(path: Path) -> None:
    try:
        check_oghist(path)
    except FetchError as exc:
        raise _Invalid(exc.reason) from None


def _class_placement(path: Path, notes: list[str]) -> Placement:
    year = _class_year(path)
    target = CLASS_TARGET.format(year=year)
    notes.append(
        f"{path.name}: income classification FY{year} placed at {target} (the build reads the "
        "newest fiscal year's workbook)"
    )
    return Placement(path, target, f"World Bank CLASS, FY{year} income classification")


def _check_wdi(path: Path) -> None:
    frame = _csv(path, dtype={"Country Code": str})
    _require(frame, WDI_COLUMNS, "a WDI series file")
    years = pd.to_numeric(frame["Year"], errors="coerce")
    values = pd.to_numeric(frame["Value"], errors="coerce")
    if frame.empty or years.isna().any() or (values.isna() & frame["Value"].notna()).any():
        raise _Invalid("Year and Value must be numbers on every row")


# --- UN DESA EGDI --------------------------------------------------------------------------------
def _check_egdi(frame: pd.DataFrame, year_column: str) -> None:
    index_cols = [c for c in frame.columns if "Index" in c or c.startswith("E_")]
    problems = []
    for col in index_cols:
        value = pd.to_numeric(frame[col], errors="coerce")
        if value.isna().any() or not value.between(0, 1).all():
            problems.append(f"{col} must be a number from 0 to 1 on every row")
    years = pd.to_numeric(frame[year_column], errors="coerce")
    if years.isna().any():
        problems.append(f"{year_column} must be a year on every row")
    if problems:
        raise _Invalid("; ".join(problems))


def _egdi_placements(path: Path, notes: list[str]) -> list[Placement]:
    frame = _csv(path, dtype=str)
    frame.columns = [str(c).strip() for c in frame.columns]
    _require(frame, EGDI_DATACENTER, "a UN DESA Data Center EGDI export")
    _check_egdi(frame, "Survey Year")
    years = pd.to_numeric(frame["Survey Year"]).astype(int)
    out = []
    later = {
        int(y): f"egdi/EGOV_DATA_{int(y)}.csv" for y in set(years) if int(y) > max(EGDI_TARGETS)
    }
    for year, target in {**EGDI_TARGETS, **later}.items():
        rows = frame.loc[years == year, list(EGDI_DATACENTER)]
        if rows.empty:
            continue
        if len(rows) < 190:
            raise _Invalid(f"EGDI {year}: {len(rows)} countries (the survey covers 193)")
        if year == 2024:
            rows = rows.rename(columns=EGDI_2024_NAMES)
        payload = rows.to_csv(index=False, lineterminator="\n").encode("utf-8")
        out.append(Placement(path, target, f"UN DESA EGDI {year}", payload=payload))
    unused = sorted(set(years) - set(EGDI_TARGETS) - set(later))
    if not out:
        raise _Invalid(
            f"EGDI survey year(s) {unused}: the build reads the name-keyed EGDI of "
            f"{sorted(EGDI_TARGETS)} only"
        )
    if unused:
        notes.append(f"{path.name}: EGDI years {unused} not read by the build, left out")
    return out


# --- anything else at its raw path --------------------------------------------------------------
def _check_generic(path: Path, current: Path) -> None:
    """A CSV keeps the current file's columns, a workbook its sheets, a JSON file parses."""
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise _Invalid("empty file")
    if suffix == ".csv":
        columns = tuple(str(c) for c in _csv(current, nrows=0).columns)
        frame = _csv(path, nrows=5)
        _require(frame, columns, "the current file's columns")
    elif suffix in (".xlsx", ".xlsm"):
        missing = sorted(set(_sheets(current)) - set(_sheets(path)))
        if missing:
            raise _Invalid(f"lacks sheet(s) {', '.join(missing)} of the current workbook")
    elif suffix == ".json":
        try:
            json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError) as exc:
            raise _Invalid(f"not valid JSON ({exc})") from None


# --- applying ------------------------------------------------------------------------------------
def apply(hand: HandPlan, raw_dir: Path) -> list[str]:
    """Write every placement into `raw_dir` (files there may be hard links to the current raw
    set: each is replaced by a new file, never written in place). Returns the targets."""
    for placement in hand.placements:
        target = raw_dir / placement.target
        target.parent.mkdir(parents=True, exist_ok=True)
        if placement.series:
            payload = _merged_itu(target, placement)
        elif placement.payload is not None:
            payload = placement.payload
        else:
            _replace_with_copy(placement.source, target)
            continue
        _replace_with_bytes(target, payload)
    return hand.targets()


def _merged_itu(target: Path, placement: Placement) -> bytes:
    """The target's rows, those of the hand file's series, economies and years replaced in
    place by the hand file's, its new rows added at the end."""
    base = _csv(target, dtype=str, keep_default_na=False)
    hand = _read_itu(placement.source)
    hand = hand[hand["seriesCode"].isin(placement.series)].reset_index(drop=True)
    for col in base.columns.difference(hand.columns):
        hand[col] = ""
    hand = hand[list(base.columns)]
    base_key = pd.MultiIndex.from_frame(base[ITU_KEY])
    hand_key = pd.MultiIndex.from_frame(hand[ITU_KEY])
    where = hand_key.get_indexer(base_key)  # each base row's hand row, or -1
    hit = where >= 0
    base.loc[hit, :] = hand.iloc[where[hit]].to_numpy()
    out = pd.concat([base, hand[~hand_key.isin(base_key)]], ignore_index=True)
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _replace_with_bytes(target: Path, payload: bytes) -> None:
    tmp = target.with_name(target.name + ".hand-tmp")
    tmp.write_bytes(payload)
    os.replace(tmp, target)


def _replace_with_copy(source: Path, target: Path) -> None:
    tmp = target.with_name(target.name + ".hand-tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def describe(hand: HandPlan) -> list[str]:
    """One line per placement and per problem, for the terminal and the report."""
    lines = [f"{p.source.name} -> {p.target} ({p.how})" for p in hand.placements]
    lines += [f"problem: {problem}" for problem in hand.problems]
    lines += [f"note: {note}" for note in hand.notes]
    return lines
