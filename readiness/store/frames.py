"""Checking a table of city KPI values before it is stored: every problem at once, by row.

`clean_values` turns a frame (columns kpi_code, data_point, year, value, unit, source,
data_quality, note; optionally target, target_direction and target_source, as
readiness.cities.cityfile.read_city_values gives them) into plain rows for the database, or
raises StoreError listing every problem it found, so nothing is stored unless all is well.
KPI codes and data points are checked against the U4SSC list (readiness.cities.kpis) and
stored in its spelling ("ec:ict:ict:1c" is stored as "EC: ICT: ICT: 1C").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from readiness.cities.columns import DATA_QUALITY, TARGET_DIRECTIONS
from readiness.cities.kpis import kpi_points, normal_code
from readiness.store.errors import StoreError

VALUE_COLUMNS = (
    "kpi_code", "data_point", "year", "value", "unit", "source", "data_quality", "note",
)  # fmt: skip
REQUIRED_COLUMNS = ("kpi_code", "year", "value")
FIRST_YEAR, LAST_YEAR = 1900, 2100
# Column widths of schema.py; longer text is refused rather than cut.
TEXT_LIMITS = {"kpi_code": 40, "data_point": 80, "unit": 120, "data_quality": 40}
USER_TARGET = "user"  # the source of a target the user gave without naming one
MAX_PROBLEMS = 50  # listed in full up to here; the count says how many more


@dataclass(frozen=True)
class CleanValues:
    """Rows ready to store: `values` keyed by (kpi_code, data_point, year), `targets` by KPI."""

    values: list[dict[str, Any]]
    targets: list[dict[str, Any]]


@cache
def _points() -> dict[str, dict[str, str]]:
    """KPI code -> its data points by their folded spelling ("" for a KPI without any)."""
    points: dict[str, dict[str, str]] = {}
    for code, point in kpi_points()[["code", "data_point"]].itertuples(index=False):
        points.setdefault(str(code), {})[str(point).casefold()] = str(point)
    return points


@cache
def _positions() -> dict[tuple[str, str], int]:
    points = kpi_points()[["code", "data_point"]].itertuples(index=False, name=None)
    return {(str(code), str(point)): n for n, (code, point) in enumerate(points)}


def in_u4ssc_order(frame: pd.DataFrame, then: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows in the framework's order of KPIs and data points, then by `then` columns.

    Sorted here rather than by the database, whose text order depends on its collation.
    """
    positions = _positions()
    keys = zip(frame["kpi_code"], frame["data_point"], strict=True)
    order = [positions.get(key, len(positions)) for key in keys]  # an unknown code goes last
    return (
        frame.assign(_order=order)
        .sort_values(["_order", "kpi_code", "data_point", *then], kind="mergesort")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


@cache
def _normal_code(text: str) -> str | None:
    return normal_code(text)  # the same few codes come back on every row of an import


def _kpi_problem(row: dict[str, Any]) -> str | None:
    """Put the row's KPI code and data point in U4SSC's spelling; what is wrong if they are not."""
    if not row["kpi_code"]:
        return "no KPI code"
    code = _normal_code(row["kpi_code"])
    if code is None:
        return f"{row['kpi_code']!r} is not a U4SSC KPI code"
    row["kpi_code"] = code
    known = _points()[code]
    point = known.get(row["data_point"].casefold())
    if point is None:
        named = ", ".join(repr(p) for p in known.values() if p) or "none"
        return f"{code} has no data point {row['data_point']!r} (its data points: {named})"
    row["data_point"] = point
    return None


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _number(value: Any) -> float | None:
    """A finite float, or None when missing or not a number."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _year(value: Any) -> int | None:
    number = _number(value)
    if number is None or not number.is_integer() or not FIRST_YEAR <= number <= LAST_YEAR:
        return None
    return int(number)


def _row_problems(row: dict[str, Any]) -> list[str]:
    kpi = _kpi_problem(row)
    problems = [kpi] if kpi else []
    if row["year"] is None:
        problems.append(f"the year must be a whole number from {FIRST_YEAR} to {LAST_YEAR}")
    if row["value"] is None:
        problems.append("the value is missing or not a number (leave out KPIs not reported)")
    quality = row["data_quality"]
    if quality and quality not in DATA_QUALITY:
        problems.append(f"data quality {quality!r} is not one of {', '.join(DATA_QUALITY)}")
    problems += [
        f"{column} is longer than {limit} characters"
        for column, limit in TEXT_LIMITS.items()
        if len(row[column]) > limit
    ]
    return problems


def _target_parts(target: Any, direction: Any, source: Any) -> tuple[dict[str, Any], list[str]]:
    """A target's number (None when not given), direction and source, and what is wrong."""
    problems, number = [], None
    if _text(target) != "":
        number = _number(target)
        if number is None:
            problems.append("the target is not a number")
    way = _text(direction).lower()
    if way not in ("", *TARGET_DIRECTIONS):
        problems.append(
            f"the target direction must be {' or '.join(TARGET_DIRECTIONS)}, not {way!r}"
        )
    return {"target": number, "direction": way, "source": _text(source) or USER_TARGET}, problems


def _target(raw: dict[str, Any], row: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """The row's target (None when it gives none) and its problems."""
    parts, problems = _target_parts(
        raw.get("target"), raw.get("target_direction"), raw.get("target_source")
    )
    if parts["target"] is None:
        return None, problems
    return {"kpi_code": row["kpi_code"], "data_point": row["data_point"], **parts}, problems


def _raise(problems: list[str]) -> None:
    shown = problems[:MAX_PROBLEMS]
    more = len(problems) - len(shown)
    tail = f"\n  ... and {more} more" if more else ""
    body = "\n".join(f"  - {p}" for p in shown)
    raise StoreError(
        f"nothing was stored: the values have {len(problems)} problem(s):\n{body}{tail}"
    )


def clean_target(
    kpi_code: str, data_point: str, target: float | None, source: str, direction: str = ""
) -> dict[str, Any]:
    """One target checked (target None: to remove it); StoreError otherwise."""
    given = {"kpi_code": _text(kpi_code), "data_point": _text(data_point)}
    row = dict.fromkeys(VALUE_COLUMNS, "") | given | {"year": FIRST_YEAR, "value": 0.0}
    parts, problems = _target_parts(target, direction, source)
    problems = _row_problems(row) + problems
    if problems:
        _raise(problems)
    return {"kpi_code": row["kpi_code"], "data_point": row["data_point"], **parts}


def clean_values(frame: pd.DataFrame) -> CleanValues:
    """The frame's rows checked and typed; StoreError listing every problem otherwise."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise StoreError(
            f"the values table lacks the column(s) {', '.join(missing)}; it needs "
            f"{', '.join(VALUE_COLUMNS)} (target, target_direction and target_source optional)"
        )
    problems: list[str] = []
    values: list[dict[str, Any]] = []
    targets: dict[tuple[str, str], dict[str, Any]] = {}
    seen: dict[tuple[str, str, int | None], int] = {}
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in frame.to_dict("records")
    ]
    for number, raw in enumerate(records, start=1):
        row: dict[str, Any] = {c: _text(raw.get(c)) for c in VALUE_COLUMNS}
        row["year"], row["value"] = _year(raw.get("year")), _number(raw.get("value"))
        found = [f"row {number}: {p}" for p in _row_problems(row)]
        target, target_problems = _target(raw, row)
        found += [f"row {number}: {p}" for p in target_problems]
        key = (row["kpi_code"], row["data_point"], row["year"])
        if row["year"] is not None and key in seen:
            found.append(f"row {number}: repeats row {seen[key]} ({key[0]} {key[1]} {key[2]})")
        seen.setdefault(key, number)
        if target is not None:
            earlier = targets.setdefault((row["kpi_code"], row["data_point"]), target)
            if (earlier["target"], earlier["direction"]) != (target["target"], target["direction"]):
                found.append(f"row {number}: another row gives {row['kpi_code']} another target")
        problems += found
        values.append(row)
    if problems:
        _raise(problems)
    return CleanValues(values=values, targets=list(targets.values()))
