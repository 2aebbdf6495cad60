"""World Bank: the catalogue's WDI series from the Indicators API v2, and the income
classification files (CLASS.xlsx, OGHIST.xlsx), written as the build reads them.

API (documented at datahelpdesk.worldbank.org, "API Basic Call Structures"):
`GET {base}/country/all/indicator/{code}?format=json&per_page=N&page=P` answers
`[{"page", "pages", "per_page", "total", ...}, [row, ...]]`, one row per economy (or aggregate)
and year: `indicator.id`, `country.value`, `countryiso3code`, `date`, `value` (a number or null).
An unknown or withdrawn series answers `[{"message": [{"id", "key", "value"}]}]`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from readiness.data.catalogue import Catalogue
from readiness.refresh.http import FetchError, Http, finite
from readiness.refresh.rawfiles import PARTIAL_DIR, FetchResult, csv_bytes, number_text, write_all

WB_SOURCE = "wb"
CLASS_SOURCE = "wb_class"
WB_API_ENV = "READINESS_WB_API"
WB_API_DEFAULT = "https://api.worldbank.org/v2"
CLASS_ENV = "READINESS_WB_CLASS_URL"
CLASS_DEFAULT = "https://datacatalogfiles.worldbank.org/ddh-published/0037712/DR0090755/CLASS.xlsx"
OGHIST_ENV = "READINESS_WB_OGHIST_URL"
OGHIST_DEFAULT = (
    "https://datacatalogfiles.worldbank.org/ddh-published/0037712/DR0090754/OGHIST.xlsx"
)
PER_PAGE = 20_000
WDI_HEADER = ("Country Name", "Country Code", "Year", "Value")
INCOME_GROUPS = {"Low income", "Lower middle income", "Upper middle income", "High income"}
CLASS_COLUMNS = ("Economy", "Code", "Region", "Income group", "Lending category")
COMPOSITION_COLUMNS = ("WB_Group_Code", "WB_Group_Name", "WB_Country_Code", "WB_Country_Name")
MIN_ECONOMIES = 200  # CLASS lists 218 economies; far fewer means a truncated or other file
_CODE = re.compile(r"^[A-Z0-9]{3}$")
_YEAR = re.compile(r"^\d{4}$")


def wdi_series(catalogue: Catalogue) -> list[str]:
    """The WDI series codes the catalogue reads."""
    return sorted({i.series for i in catalogue.indicators if i.source == "WDI"})


def _envelope(doc: object, code: str, page: int) -> tuple[dict[str, int], list[object]]:
    """The [meta, rows] pair of one page, after the API's own error document is ruled out."""
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "message" in doc[0]:
        messages = doc[0]["message"] if isinstance(doc[0]["message"], list) else []
        said = "; ".join(
            f"{m.get('value', '')} (id {m.get('id', '?')})" for m in messages if isinstance(m, dict)
        )
        raise FetchError(
            WB_SOURCE,
            f"series {code} refused by the API: {said or 'error document'}; renamed or withdrawn? "
            "check its code in data/catalogue.yaml",
        )
    if not (isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], dict)):
        raise FetchError(WB_SOURCE, f"series {code} page {page}: not the API's [meta, rows] shape")
    try:
        meta = {k: int(doc[0][k]) for k in ("page", "pages", "per_page", "total")}
    except (KeyError, TypeError, ValueError):
        raise FetchError(
            WB_SOURCE, f"series {code} page {page}: page, pages, per_page or total missing"
        ) from None
    rows = doc[1] if doc[1] is not None else []
    if not isinstance(rows, list):
        raise FetchError(WB_SOURCE, f"series {code} page {page}: rows are not a list")
    return meta, rows


def _row(item: object, code: str) -> tuple[str, str, int, float | int | None] | None:
    """(name, ISO3 or aggregate code, year, value or None); None for a row without a code."""
    if not isinstance(item, dict):
        raise FetchError(WB_SOURCE, f"series {code}: a row is not an object")
    indicator = item.get("indicator") or {}
    answered = str(indicator.get("id", "")) if isinstance(indicator, dict) else ""
    if answered.upper() != code.upper():
        raise FetchError(
            WB_SOURCE,
            f"series {code} answered as '{answered}': renamed? check data/catalogue.yaml",
        )
    iso3 = str(item.get("countryiso3code") or "")
    if not _CODE.match(iso3):
        return None
    date = str(item.get("date", ""))
    if not _YEAR.match(date):
        raise FetchError(WB_SOURCE, f"series {code}: date '{date}' is not a year")
    value = item.get("value")
    if value is not None and not finite(value):
        raise FetchError(WB_SOURCE, f"series {code} {iso3} {date}: value {value!r} not a number")
    country = item.get("country") or {}
    name = str(country.get("value", "")) if isinstance(country, dict) else ""
    return name, iso3, int(date), value


def fetch_series(
    http: Http, base: str, code: str, *, per_page: int = PER_PAGE
) -> tuple[list[tuple[str, str, int, float | int]], int]:
    """Every page of one series: the rows with a value (null means absent, never 0) and the
    number of rows without an economy code."""
    url = f"{base.rstrip('/')}/country/all/indicator/{code}"
    kept: list[tuple[str, str, int, float | int]] = []
    seen = uncoded = 0
    page, pages, total = 1, 1, None
    while page <= pages:
        doc = http.get_json(
            WB_SOURCE, url, params={"format": "json", "per_page": per_page, "page": page}
        )
        meta, items = _envelope(doc, code, page)
        if meta["page"] != page or (
            total is not None
            and (meta["total"], meta["pages"])
            != (
                total,
                pages,
            )
        ):
            raise FetchError(WB_SOURCE, f"series {code}: page {page} does not follow the others")
        pages, total = meta["pages"], meta["total"]
        expected = min(meta["per_page"], total - (page - 1) * meta["per_page"])
        if total == 0 or len(items) != expected:
            raise FetchError(
                WB_SOURCE,
                f"series {code}: page {page} of {pages} has {len(items)} rows, expected "
                f"{max(expected, 1) if total else 'some'} (an empty or cut page)",
            )
        for item in items:
            row = _row(item, code)
            if row is None:
                uncoded += 1
            elif row[3] is not None:
                kept.append((row[0], row[1], row[2], row[3]))
        seen += len(items)
        page += 1
    keys = {(r[1], r[2]) for r in kept}
    if len(keys) != len(kept):
        raise FetchError(WB_SOURCE, f"series {code}: the same economy and year twice")
    if not kept:
        raise FetchError(WB_SOURCE, f"series {code}: {seen} rows, none with a value")
    return sorted(kept, key=lambda r: (r[1], r[2])), uncoded


def fetch_wdi(
    raw_dir: Path, http: Http, catalogue: Catalogue, urls: Mapping[str, str]
) -> FetchResult:
    """The catalogue's WDI series -> wdi/<code>/data.csv (Country Name,Country Code,Year,Value)."""
    base = urls[WB_API_ENV]
    series = wdi_series(catalogue)
    outputs: dict[str, bytes | Path] = {}
    notes = []
    for done, code in enumerate(series, start=1):
        rows, uncoded = fetch_series(http, base, code)
        body = ((n, c, y, number_text(v)) for n, c, y, v in rows)
        outputs[f"wdi/{code.lower()}/data.csv"] = csv_bytes(WDI_HEADER, body, line_end="\r\n")
        years = f"{min(r[2] for r in rows)}-{max(r[2] for r in rows)}"
        notes.append(f"{code}: {len(rows):,} values, {years}")
        if uncoded:
            notes.append(f"{code}: {uncoded} rows without an economy code left out")
        http.report(WB_SOURCE, done, len(series))
    return FetchResult(files=write_all(raw_dir, outputs), notes=notes)


def class_fiscal_year(path: Path) -> int:
    """Check a CLASS workbook (economies, income groups, composition) and return its fiscal year."""
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FetchError(CLASS_SOURCE, f"CLASS.xlsx is not a readable workbook ({exc})") from None
    economies = sheets.get("List of economies")
    composition = sheets.get("composition")
    if economies is None or composition is None:
        raise FetchError(
            CLASS_SOURCE, f"CLASS.xlsx lacks 'List of economies' or 'composition': {list(sheets)}"
        )
    missing = [c for c in CLASS_COLUMNS if c not in economies.columns]
    missing += [c for c in COMPOSITION_COLUMNS if c not in composition.columns]
    if missing:
        raise FetchError(CLASS_SOURCE, f"CLASS.xlsx lacks the columns {missing}")
    listed = economies[economies["Region"].notna()]
    bad_codes = sorted(c for c in listed["Code"].astype(str) if not _CODE.match(c))
    groups = set(listed["Income group"].dropna()) - INCOME_GROUPS
    if len(listed) < MIN_ECONOMIES or bad_codes or groups:
        raise FetchError(
            CLASS_SOURCE,
            f"CLASS.xlsx: {len(listed)} economies, codes {bad_codes[:5]}, unknown groups "
            f"{sorted(groups)}",
        )
    if "LDC" not in set(composition["WB_Group_Code"]):
        raise FetchError(CLASS_SOURCE, "CLASS.xlsx composition has no LDC group")
    notes = " ".join(" ".join(map(str, f.fillna("").to_numpy().ravel())) for f in sheets.values())
    set_on = re.search(r"set on July 1, (\d{4})", notes)
    if set_on:
        return int(set_on.group(1)) + 1
    fiscal = [int(y) for y in re.findall(r"\bFY(\d{2})\b", notes)]
    if not fiscal:
        raise FetchError(CLASS_SOURCE, "CLASS.xlsx does not say which fiscal year it classifies")
    return 2000 + max(fiscal)


def check_oghist(path: Path) -> None:
    """OGHIST must hold the analytical history with its 'Data for calendar year' row."""
    try:
        sheet = pd.read_excel(path, sheet_name="Country Analytical History", header=None, dtype=str)
    except Exception as exc:
        raise FetchError(
            CLASS_SOURCE, f"OGHIST.xlsx: no 'Country Analytical History' ({exc})"
        ) from None
    labels = sheet[1].astype(str) if 1 in sheet.columns else pd.Series(dtype=str)
    if not labels.str.startswith("Data for calendar year").any():
        raise FetchError(CLASS_SOURCE, "OGHIST.xlsx: no 'Data for calendar year' row")


def fetch_class(
    raw_dir: Path, http: Http, catalogue: Catalogue, urls: Mapping[str, str]
) -> FetchResult:
    """CLASS.xlsx -> classifications/WB_CLASS_FY<year>.xlsx; OGHIST.xlsx -> WB_OGHIST.xlsx."""
    partial = raw_dir / PARTIAL_DIR
    class_file = http.download(CLASS_SOURCE, urls[CLASS_ENV], partial / "CLASS.xlsx")
    year = class_fiscal_year(class_file)
    oghist = http.download(CLASS_SOURCE, urls[OGHIST_ENV], partial / "OGHIST.xlsx")
    check_oghist(oghist)
    target = f"classifications/WB_CLASS_FY{year}.xlsx"
    notes = [f"income classification for FY{year}"]
    if year != 2026:
        notes.append(
            f"the build reads {target} once readiness.data.build.countries.read_wb_class "
            "takes the newest file (wb_class_path)"
        )
    outputs: dict[str, bytes | Path] = {
        target: class_file,
        "classifications/WB_OGHIST.xlsx": oghist,
    }
    return FetchResult(files=write_all(raw_dir, outputs), notes=notes)
