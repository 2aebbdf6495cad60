"""ITU's own regional and global aggregates (November 2024 edition) as a tidy table.

Reference data for bench/aggregates.py and tests/gaps/test_itu_comparison.py, never a
snapshot input: the workbook lives outside the repository, in
../shared/data/raw/itu_datahub/ (its SOURCES.md gives origin, licence and checksum). Two sheets
are read, "By dvpmnt status and spec. reg." (world, income groups, LDCs, LLDCs, SIDS) and
"By BDT region" (the six ITU-D regions). Each block holds totals (millions) in its first run of
year columns and the rate (per 100 inhabitants, or %) in its second; only the rates are kept,
and every group of both sheets has them, so nothing is recomputed from the totals.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from readiness.paths import default_raw_dir  # noqa: E402

WORKBOOK = Path("itu_datahub") / "ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
EDITION = "November 2024 (Facts and Figures 2024)"
SHEETS = ("By dvpmnt status and spec. reg.", "By BDT region")

# ITU's block title (its start) -> our catalogue code, ITU's unit, what ITU counts.
SERIES: dict[str, tuple[str, str, str]] = {
    "Individuals using the Internet": ("internet_use", "%", "all ages"),
    "Population covered by at least a 3G mobile network": ("coverage_3g", "%", ""),
    "Population covered by at least an LTE/WiMAX mobile network": ("coverage_4g", "%", ""),
    "Active mobile-broadband subscriptions": ("mobile_broadband", "per 100", ""),
    "Fixed-broadband subscriptions": ("fixed_broadband", "per 100", ""),
    "Individuals owning a mobile phone": ("mobile_ownership", "%", "aged 10 or older"),
}
GROUPS: dict[str, str] = {
    "World": "WORLD",
    "Low-income": "LIC",
    "Lower-middle-income": "LMC",
    "Upper-middle-income": "UMC",
    "High-income": "HIC",
    "Least Developed Countries (LDCs)": "LDC",
    "Land Locked Developing Countries (LLDCs)": "LLDC",
    "Small Island Developing States (SIDS)": "SIDS",
    "Africa": "ITU_AFR",
    "Americas": "ITU_AMS",
    "Arab States": "ITU_ARB",
    "Asia-Pacific": "ITU_ASP",
    "CIS": "ITU_CIS",
    "Europe": "ITU_EUR",
}
COLUMNS = ("group", "itu_label", "code", "itu_series", "year", "value", "unit", "counts", "sheet")


def workbook_path(raw_dir: Path | None = None) -> Path:
    """Where the workbook is expected ($READINESS_RAW_DIR or ../shared/data/raw)."""
    return (raw_dir or default_raw_dir()) / WORKBOOK


def read_itu_aggregates(path: Path | None = None) -> pd.DataFrame:
    """One row per group, indicator and year: ITU's published rate (see COLUMNS)."""
    from openpyxl import load_workbook

    book = load_workbook(path or workbook_path(), read_only=True, data_only=True)
    try:
        rows = []
        for name in SHEETS:
            rows += _sheet_rows(book[name].iter_rows(values_only=True), name)
    finally:
        book.close()
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    if out.empty:
        raise ValueError(f"no aggregates found in {path or workbook_path()}")
    return out


def _sheet_rows(lines: Any, sheet: str) -> list[dict[str, Any]]:
    title: str | None = None
    series: str | None = None
    rates: dict[int, int] = {}
    out = []
    for line in lines:
        row = list(line)
        first = row[0].strip() if isinstance(row[0], str) else None
        years = [(j, v) for j, v in enumerate(row) if j and _is_year(v)]
        if len(years) >= 10:  # a block's header: its title is here or on the line above
            title = first or title
            series = _series(title)
            runs = _runs(years)
            rates = dict(runs[1]) if len(runs) > 1 else {}
        elif first in GROUPS and series is not None:
            code, unit, counts = SERIES[series]
            for j, year in rates.items():
                value = row[j] if j < len(row) else None
                if isinstance(value, int | float):
                    out.append(
                        {
                            "group": GROUPS[first],
                            "itu_label": first,
                            "code": code,
                            "itu_series": series,
                            "year": year,
                            "value": float(value),
                            "unit": unit,
                            "counts": counts,
                            "sheet": sheet,
                        }
                    )
        elif first is not None and first not in GROUPS:
            title, series, rates = first, None, {}
    return out


def _is_year(v: object) -> bool:
    return isinstance(v, int) and 1990 <= v <= 2100


def _series(title: str | None) -> str | None:
    if title is None:
        return None
    text = title.replace("*", "").strip()
    return next((s for s in SERIES if text.startswith(s)), None)


def _runs(cells: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Consecutive columns: the totals' years, then the rate's years."""
    runs: list[list[tuple[int, int]]] = []
    for j, year in cells:
        if runs and j == runs[-1][-1][0] + 1:
            runs[-1].append((j, year))
        else:
            runs.append([(j, year)])
    return runs


if __name__ == "__main__":
    table = read_itu_aggregates()
    wide = table.pivot_table(index=["code", "group"], columns="year", values="value")
    print(wide.loc[:, 2019:].to_string())
