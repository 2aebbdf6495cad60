"""ITU DataHub: the catalogue's ITU series from the DataHub API, written as DataHub's CSV export
(`itu_datahub/<file>.csv`, the schema `readiness.data.build.sources.read_itu_datahub` reads).

API (base `https://api.datahub.itu.int/v2`; ITU publishes no reference, the routes are those the
DataHub site calls, as recorded in API Evangelist's observed description of it):
- `GET {base}/dictionaries/getbyid/{codeID}` -> `[{"codeID", "code", "label", "codeDesc", "units",
  ...}]`, the series' definition;
- `GET {base}/data/bycode/{codeID}` -> `[{"codeID", "code", "countryID", "isoCode", "shortName",
  "dataYear", "dataSource", "dataNote", "answer": [{"value": "<text>", "id"}]}, ...]`.
An unknown codeID answers 200 with `[]`. Deployments that ask for an account's token get it from
READINESS_ITU_TOKEN as `Authorization: Bearer <token>`; it is never printed or logged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from readiness.data.catalogue import Catalogue
from readiness.refresh.http import FetchError, Http
from readiness.refresh.rawfiles import FetchResult, write_all

ITU_SOURCE = "itu"
ITU_API_ENV = "READINESS_ITU_API"
ITU_API_DEFAULT = "https://api.datahub.itu.int/v2"
ITU_TOKEN_ENV = "READINESS_ITU_TOKEN"
EXPORT_HEADER = (
    "seriesID", "seriesCode", "seriesName", "seriesParent", "seriesUnits", "entityID",
    "entityIso", "entityName", "dataValue", "dataYear", "dataNote", "dataSource",
    "seriesDescription",
)  # fmt: skip
# Each export file and its series: (code, DataHub codeID, unit as the export labels it). The units
# are checked against the API's: a changed unit means a changed series (SOURCES.md notes labels
# that are wrong in the export; they are kept, since the build keys on codes, never on units).
ITU_FILES: dict[str, tuple[tuple[str, int, str], ...]] = {
    "individuals_using_internet.csv": (("i99H", 11624, "%"),),
    "fixed_broadband_subscriptions.csv": (
        ("i4213tfbb", 19257, "per 100 people"),
        ("i992b", 19303, "per 100 people"),
    ),
    "active_mobile_broadband_subscriptions.csv": (
        ("i271mw", 11632, "count"),
        ("i911mw", 12066, "count"),
    ),
    "population_coverage_mobile_network.csv": (
        ("i271pop", 194, "%"),
        ("i271G", 430, "%"),
        ("i271GA", 19306, "%"),
        ("i271G5_pop", 34236, "%"),
    ),
    "data_only_mobile_broadband_basket_5gb.csv": (
        ("i271mb_5GB$", 36055, "% GNI per capita"),
        ("i271mb_5GB_GNI", 36056, "% GNI per capita"),
        ("i271mb_5GB_PPP", 36057, "% GNI per capita"),
    ),
    "fixed_broadband_price_5gb.csv": (
        ("i154_FBB5$", 33330, "% GNI per capita"),
        ("i154_FBB5_GNI", 33331, "% GNI per capita"),
        ("i154_FBB5_PPP", 33332, "% GNI per capita"),
    ),
    "households_internet_access.csv": (("xHH6_IDI", 12047, "%"),),
    "mobile_phone_ownership.csv": (("xHH18_IDI", 28027, "%"),),
    "smartphone_ownership.csv": (("HHU271sown_HHTotalIndividual", 28318, "%"),),
    "household_ict_expenditure.csv": (("HHA699_HHTotalHousehold", 16379, "%"),),
}
_ISO = re.compile(r"^[A-Z]{3}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def itu_files(catalogue: Catalogue) -> dict[str, tuple[tuple[str, int, str], ...]]:
    """The export files holding a series the catalogue reads (each fetched whole, all its series:
    the build globs the folder, so a series must never sit in two files)."""
    wanted = {i.series for i in catalogue.indicators if i.source == "ITU_DATAHUB"}
    unknown = sorted(wanted - {code for series in ITU_FILES.values() for code, _, _ in series})
    if unknown:
        raise FetchError(ITU_SOURCE, f"no DataHub codeID known for {unknown}; add it to ITU_FILES")
    return {f: s for f, s in ITU_FILES.items() if any(code in wanted for code, _, _ in s)}


def auth_headers() -> dict[str, str]:
    """The token header where READINESS_ITU_TOKEN is set (its value stays out of every message)."""
    token = os.environ.get(ITU_TOKEN_ENV, "").strip()
    return {"Authorization": f"Bearer {token}"} if token else {}


def definition(http: Http, base: str, code: str, code_id: int, units: str) -> dict[str, str]:
    """The series' name, description and unit, checked against the code and unit expected."""
    url = f"{base}/dictionaries/getbyid/{code_id}"
    doc = http.get_json(ITU_SOURCE, url, headers=auth_headers())
    if not (isinstance(doc, list) and doc and isinstance(doc[0], dict)):
        raise FetchError(ITU_SOURCE, f"series {code} (codeID {code_id}): no definition returned")
    meta = doc[0]
    if str(meta.get("code", "")) != code:
        raise FetchError(
            ITU_SOURCE,
            f"codeID {code_id} is now '{meta.get('code')}', not {code}: renamed? update ITU_FILES",
        )
    if str(meta.get("units", "")) != units:
        raise FetchError(
            ITU_SOURCE,
            f"series {code}: unit changed from '{units}' to '{meta.get('units')}'; check it "
            "before use",
        )
    return {
        "name": str(meta.get("label") or ""),
        "description": str(meta.get("codeDesc") or ""),
        "parent": str(meta.get("parent") or ""),
    }


def _export_row(
    item: object, code: str, code_id: int, meta: Mapping[str, str], units: str
) -> list[object] | None:
    """One export row from one API data point; None where it carries no value."""
    if not isinstance(item, dict):
        raise FetchError(ITU_SOURCE, f"series {code}: a data point is not an object")
    if str(item.get("code", code)) != code or int(item.get("codeID", code_id)) != code_id:
        raise FetchError(ITU_SOURCE, f"series {code}: a data point of '{item.get('code')}'")
    iso, year = str(item.get("isoCode") or ""), item.get("dataYear")
    if not _ISO.match(iso) or not isinstance(year, int) or not 1900 <= year <= 2100:
        raise FetchError(ITU_SOURCE, f"series {code}: entity '{iso}' year '{year}' not valid")
    answers = item.get("answer") or []
    value = answers[0].get("value") if answers and isinstance(answers[0], dict) else None
    if value is None or str(value).strip() == "":
        return None
    if not _NUMBER.match(str(value).strip()):
        raise FetchError(ITU_SOURCE, f"series {code} {iso} {year}: value {value!r} not a number")
    return [
        code_id, code, meta["name"], None if not meta["parent"] else meta["parent"], units,
        int(item.get("countryID") or 0), iso, str(item.get("shortName") or ""),
        str(value).strip(), year, str(item.get("dataNote") or ""),
        str(item.get("dataSource") or ""), meta["description"],
    ]  # fmt: skip


def fetch_code(http: Http, base: str, code: str, code_id: int, units: str) -> list[list[object]]:
    """All data points of one series as export rows (points without a value left out)."""
    meta = definition(http, base, code, code_id, units)
    doc = http.get_json(ITU_SOURCE, f"{base}/data/bycode/{code_id}", headers=auth_headers())
    if not isinstance(doc, list):
        raise FetchError(ITU_SOURCE, f"series {code}: data is not a list")
    if not doc:
        raise FetchError(ITU_SOURCE, f"series {code} (codeID {code_id}): no data returned")
    rows = [r for item in doc if (r := _export_row(item, code, code_id, meta, units)) is not None]
    keys = {(r[5], r[9]) for r in rows}
    if len(keys) != len(rows):
        raise FetchError(ITU_SOURCE, f"series {code}: the same entity and year twice")
    return sorted(rows, key=lambda r: (int(str(r[5])), int(str(r[9]))))


def _quoted(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace('"', '""') + '"'


def export_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """DataHub's export layout: UTF-8 with BOM, text quoted, numbers and nulls bare, rows by
    series, entity and year, no line end after the last."""
    lines = [",".join(_quoted(h) for h in EXPORT_HEADER)]
    lines += [",".join(_quoted(v) for v in row) for row in rows]
    return ("\ufeff" + "\n".join(lines)).encode("utf-8")


def fetch_itu(
    raw_dir: Path, http: Http, catalogue: Catalogue, urls: Mapping[str, str]
) -> FetchResult:
    """The DataHub files that hold the catalogue's ITU series, each with all of its series."""
    base = urls[ITU_API_ENV].rstrip("/")
    files = itu_files(catalogue)
    total = sum(len(s) for s in files.values())
    outputs: dict[str, bytes | Path] = {}
    notes: list[str] = []
    done = 0
    for name, series in files.items():
        rows: list[list[object]] = []
        for code, code_id, units in series:
            got = fetch_code(http, base, code, code_id, units)
            years = sorted({int(str(r[9])) for r in got})
            notes.append(f"{code}: {len(got):,} values, {years[0]}-{years[-1]}")
            rows += got
            done += 1
            http.report(ITU_SOURCE, done, total)
        outputs[f"itu_datahub/{name}"] = export_bytes(rows)
    return FetchResult(files=write_all(raw_dir, outputs), notes=notes)
