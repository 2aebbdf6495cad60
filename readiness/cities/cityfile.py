"""Read a city's KPI values from a CSV or XLSX file made from the template: every problem found
at once, each with its row and column, and nothing returned unless the whole file is valid.

The rules (docs/CITIES.md): headers in any of the six languages; a row with no value and nothing
else entered is an untouched template row and is skipped; a value needs a KPI code (aliases such
as EC: ICT: ICT: 5A are accepted), a data point where the KPI has them, a whole year from 1990 to
next year, a number (a decimal comma only in semicolon- or tab-separated files, as for every
upload), and a source. Percentages stay within 0-100, yes/no KPIs take 1 or 0, no KPI but net
GHG emissions is negative. A target needs a number above 0, its source, and a direction where
the KPI list and the reference targets do not give one.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from readiness.cities.columns import (
    DATA_QUALITY,
    ENTERED_COLUMNS,
    FIRST_YEAR,
    REQUIRED_COLUMNS,
    VALUE_COLUMNS,
    data_point_lookup,
    data_quality_lookup,
    direction_lookup,
    header_lookup,
    last_year,
    norm,
    unit_lookup,
)
from readiness.cities.kpis import MAY_EXCEED_100, kpi_points, normal_code, slug
from readiness.cities.targets import load_targets
from readiness.errors import ReadinessError
from readiness.i18n import translate
from readiness.uploads.problems import Collector, Problem
from readiness.uploads.reading import clean_filename, read_upload
from readiness.uploads.tables import DECIMAL_COMMA, Table, UploadError

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_LISTED = 50  # problems written into the error's message; .problems holds them all


class CityFileError(ReadinessError):
    """A city-values file with problems: `.problems` lists each (row, column, message)."""

    def __init__(
        self, filename: str, problems: list[Problem], omitted: int = 0, lang: str = "en"
    ) -> None:
        self.filename = filename
        self.problems = list(problems)
        self.omitted = omitted
        count = len(self.problems) + omitted
        lines = [translate(lang, "u4ssc.problem.summary", filename=filename, count=count)]
        for p in self.problems[:_LISTED]:
            where = [translate(lang, "u4ssc.problem.row", row=p.row)] if p.row else []
            where += [p.column] if p.column else []
            lines.append(f"  - {', '.join(where)}: {p.message}" if where else f"  - {p.message}")
        hidden = count - min(len(self.problems), _LISTED)
        if hidden:
            lines.append("  " + translate(lang, "u4ssc.problem.omitted", count=hidden))
        super().__init__("\n".join(lines))

    def table(self) -> pd.DataFrame:
        """One row per problem: row (<NA> for the whole file), column, problem code, message."""
        frame = pd.DataFrame(
            [(p.row, p.column or "", p.code, p.message) for p in self.problems],
            columns=["row", "column", "problem", "message"],
        )
        frame["row"] = frame["row"].astype("Int64")
        return frame


@dataclass
class _Checker:
    """Checks one file's records, collecting problems; `values` holds the rows that passed."""

    table: Table
    columns: dict[str, int]
    delimiter: str | None
    lang: str
    out: Collector = field(default_factory=Collector)
    values: list[dict[str, object]] = field(default_factory=list)
    seen: dict[tuple[str, str, int], int] = field(default_factory=dict)
    targets: dict[tuple[str, str], tuple[int, float, str]] = field(default_factory=dict)

    def problem(self, code: str, row: int | None, where: str | None, **values: object) -> None:
        """A problem at `row` in the column `where` (a template column; None: the whole file)."""
        header = self.table.header[self.columns[where]] if where in self.columns else where
        message = translate(self.lang, f"u4ssc.problem.{code}", **values)
        self.out.add(Problem(code, message, self.table.name, row, header))

    def run(self) -> None:
        grid = self.table.cells.to_numpy(dtype=object)
        for i in range(len(grid)):
            cells = {c: str(grid[i, k]).strip() for c, k in self.columns.items()}
            row = int(self.table.rows[i])
            if cells.get("value", "") or any(cells.get(c, "") for c in ENTERED_COLUMNS):
                self.record(cells, row)
        if not self.values and not self.out.items:
            self.problem("no_values", None, None)

    def record(self, cells: dict[str, str], row: int) -> None:
        before = len(self.out.items) + self.out.omitted
        if not cells.get("value"):
            self.problem("missing_value", row, "value")
        code = self.kpi(cells.get("kpi_code", ""), row)
        point = self.point(code, cells.get("data_point", ""), row) if code else None
        year = self.year(cells.get("year", ""), row)
        value = self.value(code, point, cells.get("value", ""), row)
        source = cells.get("source", "")
        if not source:
            self.problem("missing_source", row, "source")
        quality = self.quality(cells.get("data_quality", ""), row)
        target = self.target(code, point, cells, row)
        if len(self.out.items) + self.out.omitted > before or code is None or point is None:
            return
        assert year is not None and value is not None and quality is not None
        key = (code, point, year)
        if key in self.seen:
            kpi = f"{code} {point}".strip()
            self.problem("duplicate", row, "year", kpi=kpi, year=year, first=self.seen[key])
            return
        self.seen[key] = row
        self.values.append(
            {
                "kpi_code": code,
                "data_point": point,
                "year": year,
                "value": value,
                "unit": self.unit(code, point, cells.get("unit", "")),
                "source": source,
                "data_quality": quality,
                "note": cells.get("note", ""),
                **target,
            }
        )

    def kpi(self, text: str, row: int) -> str | None:
        if not text:
            self.problem("missing_kpi", row, "kpi_code")
            return None
        code = normal_code(text)
        if code is None:
            self.problem("unknown_kpi", row, "kpi_code", text=text[:60])
        return code

    def point(self, code: str, text: str, row: int) -> str | None:
        points = data_point_lookup().get(code)
        if not points:
            if text:
                self.problem("no_data_point", row, "data_point", kpi=code)
                return None
            return ""
        allowed = ", ".join(dict.fromkeys(points.values()))
        if not text:
            self.problem("missing_data_point", row, "data_point", kpi=code, allowed=allowed)
            return None
        point = points.get(norm(text))
        if point is None:
            self.problem(
                "unknown_data_point", row, "data_point", text=text[:60], kpi=code, allowed=allowed
            )
        return point

    def year(self, text: str, row: int) -> int | None:
        number = self.number(text)
        if number is None or not number.is_integer() or not FIRST_YEAR <= number <= last_year():
            self.problem(
                "bad_year", row, "year", text=text[:60], first=FIRST_YEAR, last=last_year()
            )
            return None
        return int(number)

    def number(self, text: str) -> float | None:
        """The cell as a finite number; a decimal comma only in semicolon or tab files."""
        if self.delimiter in (";", "\t") and DECIMAL_COMMA.fullmatch(text):
            text = text.replace(",", ".")
        if not _NUMBER.fullmatch(text):
            return None
        number = float(text)
        return number if math.isfinite(number) else None

    def value(self, code: str | None, point: str | None, text: str, row: int) -> float | None:
        if not text:
            return None
        number = self.number(text)
        if number is None:
            self.problem("bad_value", row, "value", text=text[:60])
            return None
        if code is None or point is None:
            return number
        facts = _point_facts().get((code, point), {})
        kpi = f"{code} {point}".strip()
        if facts.get("yes_no") and number not in (0.0, 1.0):
            self.problem("not_yes_no", row, "value", kpi=kpi)
        elif number < 0 and not facts.get("negative_allowed"):
            self.problem("negative", row, "value", value=text, kpi=kpi)
        elif facts.get("percent") and number > 100 and code not in MAY_EXCEED_100:
            self.problem("over_100", row, "value", value=text, kpi=kpi)
        return number

    def quality(self, text: str, row: int) -> str | None:
        if not text:
            return ""
        code = data_quality_lookup().get(norm(text))
        if code is None:
            allowed = ", ".join(DATA_QUALITY)
            self.problem("bad_data_quality", row, "data_quality", text=text[:60], allowed=allowed)
        return code

    def unit(self, code: str, point: str, text: str) -> str:
        """The unit as written; the KPI's unit when blank or one of its labels."""
        unit = str(_point_facts()[(code, point)]["unit"])
        return unit if not text or unit_lookup().get(norm(text)) == slug(unit) else text

    def target(
        self, code: str | None, point: str | None, cells: dict[str, str], row: int
    ) -> dict[str, object]:
        text, given = cells.get("target", ""), cells.get("target_direction", "")
        source = cells.get("target_source", "")
        empty: dict[str, object] = {"target": math.nan, "target_direction": "", "target_source": ""}
        if not text:
            if given or source:
                self.problem("target_missing", row, "target")
            return empty
        target = self.number(text)
        if target is None or target <= 0:
            self.problem("bad_target", row, "target", text=text[:60])
        if not source:
            self.problem("missing_target_source", row, "target_source")
        if code is None or point is None or target is None:
            return empty
        direction = self.direction(code, point, given, row)
        if direction is None:
            return empty
        first = self.targets.setdefault((code, point), (row, target, direction))
        if first[1:] != (target, direction):
            kpi = f"{code} {point}".strip()
            self.problem("target_conflict", row, "target", kpi=kpi, first=first[0])
        return {"target": target, "target_direction": direction, "target_source": source}

    def direction(self, code: str, point: str, given: str, row: int) -> str | None:
        known = known_direction(code, point)
        kpi = f"{code} {point}".strip()
        if not given:
            if known is None:
                self.problem("missing_direction", row, "target_direction", kpi=kpi)
            return known
        direction = direction_lookup().get(norm(given))
        if direction is None:
            self.problem("bad_direction", row, "target_direction", text=given[:60])
        elif known is not None and direction != known:
            self.problem(
                "direction_conflict", row, "target_direction", text=given[:60], kpi=kpi,
                known=translate(self.lang, f"u4ssc.direction.{known}"),
            )  # fmt: skip
            return None
        return direction


@functools.cache
def _point_facts() -> dict[tuple[str, str], dict[str, object]]:
    points = kpi_points()
    columns = ["unit", "percent", "yes_no", "negative_allowed"]
    records = points[columns].to_dict("records")
    keys = zip(points["code"].astype(str), points["data_point"].astype(str), strict=True)
    return {
        key: {str(k): v for k, v in record.items()}
        for key, record in zip(keys, records, strict=True)
    }


def known_direction(code: str, point: str) -> str | None:
    """'higher' or 'lower' as the KPI list or a reference target says, else None."""
    return _known_directions().get((code, point))


@functools.cache
def _known_directions() -> dict[tuple[str, str], str]:
    refs = load_targets()
    known = {(c, p): str(d) for c, p, d in refs[["code", "data_point", "direction"]].to_numpy()}
    points = kpi_points()
    stated = points[points["direction"].isin(["higher", "lower"])]
    known.update(
        {(c, p): str(d) for c, p, d in stated[["code", "data_point", "direction"]].to_numpy()}
    )
    return known


def _columns(table: Table, checker: _Checker) -> None:
    """Map each header to a template column; a problem for unknown, repeated or missing ones."""
    lookup = header_lookup()
    for k, header in enumerate(table.header):
        column = lookup.get(norm(header))
        if column is None:
            checker.problem("unknown_column", None, None, column=header[:60])
        elif column in checker.columns:
            checker.problem("duplicate_column", None, None, column=header[:60])
        else:
            checker.columns[column] = k
    for column in REQUIRED_COLUMNS:
        if column not in checker.columns:
            label = translate(checker.lang, f"u4ssc.column.{column}")
            checker.problem("missing_column", None, None, column=label)


def read_city_values(data: bytes, filename: str, lang: str = "en") -> pd.DataFrame:
    """A city's values from CSV or XLSX bytes: VALUE_COLUMNS, one row per KPI, data point and
    year, in the framework's order; CityFileError (every problem, in `lang`) unless all valid."""
    name = clean_filename(filename)
    try:
        parsed = read_upload(data, filename)
    except UploadError as exc:
        message = translate(lang, "u4ssc.problem.unreadable", detail=str(exc))
        raise CityFileError(name, [Problem("unreadable", message)], lang=lang) from None
    checker = _Checker(parsed.data, {}, parsed.delimiter, lang)
    _columns(parsed.data, checker)
    if not checker.out.items:
        checker.run()
    if checker.out.items or checker.out.omitted:
        raise CityFileError(name, checker.out.items, checker.out.omitted, lang)
    return _frame(checker.values)


def _frame(values: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(values, columns=list(VALUE_COLUMNS))
    points = kpi_points()[["code", "data_point"]].itertuples(index=False, name=None)
    order = {key: n for n, key in enumerate(points)}
    keys = zip(frame["kpi_code"], frame["data_point"], strict=True)
    frame["_order"] = [order[key] for key in keys]
    frame = frame.sort_values(["_order", "year"], kind="mergesort").drop(columns="_order")
    frame = frame.astype({"year": "int64", "value": "float64", "target": "float64"})
    return frame.reset_index(drop=True)


__all__ = ["CityFileError", "known_direction", "read_city_values"]
