"""The import template for a city's U4SSC values (CSV or XLSX, headers in the asked language), and
the reader of filled templates (`read_city_values`, in readiness.cities.cityfile).

One row per KPI and data point (112 rows for the 91 KPIs). Columns (TEMPLATE_COLUMNS): the KPI
code, data point, name and unit to read; then year, value, source, data quality, note, and an
optional target with its direction and source, to fill in. A row can be copied for another
year. A reference target (data/u4ssc/targets.yaml) applies by itself and is not written here: a
target in the file is the user's own and overrides it.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Literal

import pandas as pd

from readiness.cities.cityfile import CityFileError, known_direction, read_city_values
from readiness.cities.columns import (
    DATA_QUALITY,
    FIRST_YEAR,
    TARGET_DIRECTIONS,
    TEMPLATE_COLUMNS,
    VALUE_COLUMNS,
    column_label,
    last_year,
)
from readiness.cities.kpis import data_point_label, kpi_name, kpi_points, unit_label
from readiness.i18n import RTL_LANGUAGES, normal_language, translate

TemplateFormat = Literal["csv", "xlsx"]
SHEET = "data"  # the sheet read_city_values reads first (readiness.uploads.workbook)
# A fixed creation date keeps the workbook's bytes the same from one download to the next.
_CREATED = datetime(2020, 1, 1)
_WIDTHS = {
    "kpi_code": 18, "data_point": 18, "kpi_name": 44, "unit": 22, "year": 8, "value": 12,
    "source": 36, "data_quality": 26, "note": 30, "target": 10, "target_direction": 18,
    "target_source": 30,
}  # fmt: skip


def template_frame(lang: str = "en") -> pd.DataFrame:
    """The template as a table: one row per KPI and data point, headers in `lang` (the labels
    of TEMPLATE_COLUMNS), names, data points and units in `lang`, every entry cell empty."""
    lang = normal_language(lang)
    points = kpi_points()
    frame = pd.DataFrame({column: [""] * len(points) for column in TEMPLATE_COLUMNS}, dtype=object)
    frame["kpi_code"] = points["code"].to_numpy()
    frame["data_point"] = [data_point_label(p, lang) for p in points["data_point"]]
    frame["kpi_name"] = [kpi_name(c, lang) for c in points["code"]]
    frame["unit"] = [unit_label(u, lang) for u in points["unit"]]
    return frame.rename(columns={c: column_label(c, lang) for c in TEMPLATE_COLUMNS})


def template_bytes(fmt: TemplateFormat = "csv", lang: str = "en") -> bytes:
    """The template file: UTF-8 CSV (with a byte-order mark, so spreadsheet programs read every
    script) or an XLSX workbook with drop-down lists for data quality and target direction."""
    frame = template_frame(lang)
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
    if fmt == "xlsx":
        return _workbook(frame, normal_language(lang))
    raise ValueError(f"template format {fmt!r}: use 'csv' or 'xlsx'")


def _workbook(frame: pd.DataFrame, lang: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": _CREATED, "title": "U4SSC KPI values"})
    sheet = book.add_worksheet(SHEET)
    if lang in RTL_LANGUAGES:
        sheet.right_to_left()
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    for k, column in enumerate(TEMPLATE_COLUMNS):
        sheet.write_string(0, k, str(frame.columns[k]), bold)
        sheet.set_column(k, k, _WIDTHS[column])
    cells = frame.to_numpy(dtype=object)
    for i, row in enumerate(cells, start=1):
        for k, text in enumerate(row):
            if text:
                sheet.write_string(i, k, str(text))
    last = len(cells)
    col = {c: k for k, c in enumerate(TEMPLATE_COLUMNS)}
    sheet.data_validation(
        1, col["year"], last, col["year"],
        {"validate": "integer", "criteria": "between", "minimum": FIRST_YEAR,
         "maximum": last_year(), "ignore_blank": True},
    )  # fmt: skip
    for column, options in (
        ("data_quality", DATA_QUALITY),
        ("target_direction", TARGET_DIRECTIONS),
    ):
        # A warning, not a stop: the reader also takes the labels in any of the six languages.
        sheet.data_validation(
            1, col[column], last, col[column],
            {"validate": "list", "source": list(options), "error_type": "warning",
             "ignore_blank": True},
        )  # fmt: skip
    sheet.freeze_panes(1, 2)
    _legend(book, lang)
    book.close()
    return buffer.getvalue()


def _legend(book: object, lang: str) -> None:
    """A second sheet: each data-quality code with its label in `lang`."""
    title = translate(lang, "u4ssc.column.data_quality")
    title = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "data_quality"
    sheet = book.add_worksheet(title)  # type: ignore[attr-defined]
    if lang in RTL_LANGUAGES:
        sheet.right_to_left()
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 44)
    for i, code in enumerate(DATA_QUALITY):
        sheet.write_string(i, 0, code)
        sheet.write_string(i, 1, translate(lang, f"u4ssc.data_quality.{code}"))


__all__ = [
    "SHEET",
    "TEMPLATE_COLUMNS",
    "VALUE_COLUMNS",
    "CityFileError",
    "TemplateFormat",
    "known_direction",
    "read_city_values",
    "template_bytes",
    "template_frame",
]
