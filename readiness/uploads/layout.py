"""A data table, tidy or wide, turned into long observations: economy, year, label, value."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from readiness.uploads.problems import Collector, Problem
from readiness.uploads.tables import Table

Layout = Literal["tidy", "wide"]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Header spellings (folded by header_key) that name each column of a data file.
HEADERS: dict[str, frozenset[str]] = {
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


def header_key(label: str) -> str:
    """A header folded for matching: case, accents, spaces and hyphens."""
    text = unicodedata.normalize("NFKD", str(label)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\-./]+", "_", text.strip()).strip("_")


def find_columns(header: Sequence[str], spellings: dict[str, frozenset[str]]) -> dict[str, int]:
    """Role -> column position: the first header whose folded key is one of the role's names."""
    found: dict[str, int] = {}
    for j, label in enumerate(header):
        key = header_key(label)
        for role, names in spellings.items():
            if key in names and role not in found:
                found[role] = j
                break
    return found


@dataclass
class Long:
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


def factorise(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values as an object array)."""
    codes, uniques = pd.factorize(values)
    return codes, np.asarray(uniques, dtype=object)


def _structure(table: Table, out: Collector) -> tuple[dict[str, int] | None, Layout]:
    """The key columns, or None (with the problems added) when the file's shape is wrong."""
    header, sheet, hrow = table.header, table.name, table.header_row
    if len(header) < 2:
        message = (
            "only one column was found: separate columns with a comma, semicolon or tab, "
            "and start with a header row (economy, year, indicator, value)"
        )
        out.add(Problem("one_column", message, sheet=sheet, row=hrow))
        return None, "tidy"
    cols = find_columns(header, HEADERS)
    layout: Layout = "tidy" if {"indicator", "value"} <= set(cols) else "wide"
    if "economy" not in cols:
        message = (
            "no economy column: name the column with ISO3 codes or country names "
            "`economy` (or iso3, country)"
        )
        out.add(Problem("no_economy_column", message, sheet=sheet, row=hrow))
    if "year" not in cols:
        message = "no year column: add a `year` column giving the year of each value"
        out.add(Problem("no_year_column", message, sheet=sheet, row=hrow))
    if "economy" not in cols or "year" not in cols:
        return None, layout
    return cols, layout


def _tidy(table: Table, cols: dict[str, int], out: Collector) -> Long:
    header, cells = table.header, table.cells
    e, y, i, v = cols["economy"], cols["year"], cols["indicator"], cols["value"]
    extra = [header[j] for j in range(len(header)) if j not in (e, y, i, v) and header[j]]
    if extra:
        out.add(
            Problem(
                "ignored_columns",
                f"column(s) {', '.join(map(repr, extra[:10]))} are not read "
                "(a tidy file needs economy, year, indicator, value)",
                sheet=table.name,
                row=table.header_row,
                severity="warning",
            )
        )
    return Long(
        economy=factorise(cells[e].to_numpy(dtype=object)),
        year=factorise(cells[y].to_numpy(dtype=object)),
        label=factorise(cells[i].to_numpy(dtype=object)),
        value=cells[v].to_numpy(dtype=object),
        row=table.rows,
        column=np.full(len(cells), header[v], dtype=object),
        label_column=header[i],
        economy_column=header[e],
        year_column=header[y],
    )


def _value_columns(table: Table, e: int, y: int, out: Collector) -> list[int]:
    """The wide file's indicator columns; problems for headerless and repeated ones."""
    header, cells, sheet, hrow = table.header, table.cells, table.name, table.header_row
    value_cols = [j for j in range(len(header)) if j not in (e, y)]
    for j in value_cols:
        if not header[j] and (cells[j] != "").any():
            message = f"column {j + 1} has values but no header: write the indicator code there"
            out.add(Problem("no_header", message, sheet=sheet, row=hrow))
    value_cols = [j for j in value_cols if header[j]]
    seen: dict[str, int] = {}
    for j in value_cols:
        label = header[j]
        if label in seen:
            message = (
                f"indicator column {label!r} appears twice (columns {seen[label] + 1} and "
                f"{j + 1}): keep one"
            )
            out.add(Problem("duplicate_column", message, sheet=sheet, row=hrow, column=label))
        seen.setdefault(label, j)
    if not value_cols:
        message = (
            "no indicator columns: a wide file has economy, year, then one column per "
            "indicator; a tidy file has economy, year, indicator, value"
        )
        out.add(Problem("no_indicator_columns", message, sheet=sheet, row=hrow))
    return value_cols


def _wide(table: Table, cols: dict[str, int], out: Collector) -> Long | None:
    header, cells = table.header, table.cells
    e, y = cols["economy"], cols["year"]
    value_cols = _value_columns(table, e, y, out)
    if not value_cols:
        return None
    labels = [header[j] for j in value_cols]
    n, k = len(cells), len(value_cols)
    values = cells[value_cols].to_numpy(dtype=object).ravel(order="F")
    e_codes, e_uniques = factorise(cells[e].to_numpy(dtype=object))
    y_codes, y_uniques = factorise(cells[y].to_numpy(dtype=object))
    l_codes, l_uniques = factorise(np.array(labels, dtype=object))
    return Long(
        economy=(np.tile(e_codes, k), e_uniques),
        year=(np.tile(y_codes, k), y_uniques),
        label=(np.repeat(l_codes, n), l_uniques),
        value=values,
        row=np.tile(table.rows, k),
        column=np.repeat(np.array(labels, dtype=object), n),
        label_column="",
        economy_column=header[e],
        year_column=header[y],
        label_rows=dict.fromkeys(labels, table.header_row),
    )


def to_long(table: Table, out: Collector) -> tuple[Long | None, Layout]:
    """Long observations and the layout found; None when the structure is wrong (see `out`)."""
    cols, layout = _structure(table, out)
    if cols is None:
        return None, layout
    if layout == "tidy":
        return _tidy(table, cols, out), layout
    return _wide(table, cols, out), layout


__all__ = ["HEADERS", "Layout", "Long", "factorise", "find_columns", "header_key", "to_long"]
