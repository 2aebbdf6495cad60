"""Karmøy's 14 real U4SSC values (ITU verification report, 2020, p.14), read from the raw sample
and written into the tool's own template, as a city officer would fill it in. The sample is a
test fixture, not shipped data (docs/CITIES.md)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd

from readiness.cities.kpis import kpi_points
from readiness.cities.template import template_bytes, template_frame

SAMPLE = Path("cities") / "u4ssc_city_values_sample.csv"
# The sample gives the report's date (2020-09), not a data year: 2020 stands for it here.
KARMOY_YEAR = 2020


def read_sample(raw_dir: Path) -> pd.DataFrame:
    """The raw sample as text: kpi_code_mapped, data_point, value, unit, source_url, ..."""
    with (raw_dir / SAMPLE).open(encoding="utf-8", newline="") as handle:
        return pd.DataFrame(list(csv.DictReader(handle)))


def fill(frame: pd.DataFrame, sample: pd.DataFrame, year: int = KARMOY_YEAR) -> pd.DataFrame:
    """The template (any language) with the sample's values in the rows of their KPI and point."""
    points = kpi_points()
    out = frame.copy()
    cols = list(out.columns)  # headers in the template's language, in TEMPLATE_COLUMNS order
    year_col, value_col, source_col = cols[4], cols[5], cols[6]
    for row in sample.itertuples(index=False):
        match = points.index[
            (points["code"] == row.kpi_code_mapped) & (points["data_point"] == row.data_point)
        ]
        assert len(match) == 1, (row.kpi_code_mapped, row.data_point)
        out.loc[match[0], [year_col, value_col, source_col]] = [
            str(year),
            row.value,
            row.source_url,
        ]
    return out


def filled_workbook(sample: pd.DataFrame, lang: str = "en") -> bytes:
    """The XLSX template of `lang`, opened and filled with openpyxl as a spreadsheet user would."""
    book = openpyxl.load_workbook(io.BytesIO(template_bytes("xlsx", lang)))
    sheet = book["data"]
    filled = fill(template_frame(lang), sample)
    for i, row in enumerate(filled.itertuples(index=False), start=2):
        year, value, source = row[4], row[5], row[6]
        if value:
            sheet.cell(i, 5, int(year))
            sheet.cell(i, 6, float(value))
            sheet.cell(i, 7, source)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
