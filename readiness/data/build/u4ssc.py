"""The U4SSC KPI list and the GeoNames city master: raw files to data/u4ssc/*.csv, checked.

`u4ssc/u4ssc_kpis.csv` (91 KPIs, how far each is verified against ITU's own pages) becomes
`kpis.csv`: the raw facts under plain names, the primary unit and definition where an ITU page
was read, else the secondary one with `*_verified` false. A KPI's direction is "higher" or
"lower" only where its primary definition says so; otherwise "unknown", never guessed.
`cities/geonames_cities15000.csv` becomes `cities.csv`, trimmed to the columns the tool uses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from readiness.errors import ReadinessError

KPI_COLUMNS = [
    "code", "name", "dimension", "sub_dimension", "category", "core_advanced", "type", "unit",
    "unit_verified", "definition", "definition_verified", "data_points", "direction",
    "sdg_indicators", "sdg_goals", "benchmark_note", "verification_level", "source_url", "notes",
]  # fmt: skip
CITY_COLUMNS = ["geonameid", "name", "iso3", "latitude", "longitude", "population"]
# What the raw file must hold (SOURCES.md; ITU Verification Report Geneva 2022, p.27).
EXPECTED_DIMENSIONS = {"Economy": 45, "Environment": 17, "Society and Culture": 29}
EXPECTED_VERIFICATION = {
    "primary_full": 3,
    "primary_code_and_name": 7,
    "primary_name_and_category": 11,
    "secondary_two_sources": 70,
}
EXPECTED_SUB_DIMENSIONS = 7
EXPECTED_CATEGORIES = 22
CODE = re.compile(r"^(EC|EN|SC): [A-Z]+: [A-Z]+: \d+[CA]$")
CLASSES = {"Core": "Core", "Advanced": "Advanced"}
# The raw file marks the Wi-Fi KPI "UNRESOLVED (C or A)": its sources disagree (5C or 5A).
UNRESOLVED = "Unresolved"
_HIGHER = re.compile(r"higher is better|higher values positive", re.IGNORECASE)
_LOWER = re.compile(r"lower is better|lower values positive", re.IGNORECASE)


def build_u4ssc(raw: Path) -> dict[str, bytes]:
    """The files under data/u4ssc/ (relative name -> bytes), byte-identical on every run."""
    return {
        "u4ssc/kpis.csv": _csv(read_kpis(raw)),
        "u4ssc/cities.csv": _csv(read_cities(raw)),
    }


def read_kpis(raw: Path) -> pd.DataFrame:
    """The 91 KPIs in the raw file's order, checked against the counts ITU publishes."""
    path = raw / "u4ssc" / "u4ssc_kpis.csv"
    if not path.exists():
        raise ReadinessError(f"U4SSC KPI list {path} not found; see ../shared/data/raw/u4ssc")
    src = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    src = src.apply(lambda col: col.str.strip())
    out = pd.DataFrame(
        {
            "code": src["kpi_code"],
            "name": src["kpi_name"],
            "dimension": src["dimension"],
            "sub_dimension": src["sub_dimension"],
            "category": src["category"],
            "core_advanced": src["core_advanced"].map(lambda v: CLASSES.get(v, UNRESOLVED)),
            "type": src["type_smart_sustainable_structural"],
            "unit": src["unit"].where(src["unit"] != "", src["unit_secondary"]),
            "unit_verified": src["unit"] != "",
            "definition": src["definition_brief"].where(
                src["definition_brief"] != "", src["definition_secondary"]
            ),
            "definition_verified": src["definition_brief"] != "",
            "data_points": src["data_points"].map(_points),
            "direction": src["definition_brief"].map(_direction),
            "sdg_indicators": src["sdg_indicators_primary"],
            "sdg_goals": src["sdg_goals_ks"].str.replace(" ", "", regex=False),
            "benchmark_note": src["u4ssc_benchmark_note"],
            "verification_level": src["verification_level"],
            "source_url": src["primary_source_urls"],
            "notes": src["notes"],
        }
    )
    _check_kpis(out, src)
    return out[KPI_COLUMNS]


def _points(text: str) -> str:
    """'3G; 4G' -> '3G;4G': the data points of a KPI, in the raw order."""
    return ";".join(p.strip() for p in text.split(";") if p.strip())


def _direction(definition: str) -> str:
    """'higher' or 'lower' where the primary definition says which is better, else 'unknown'."""
    if _HIGHER.search(definition):
        return "higher"
    if _LOWER.search(definition):
        return "lower"
    return "unknown"


def _check_kpis(out: pd.DataFrame, src: pd.DataFrame) -> None:
    problems: list[str] = []
    if out["code"].duplicated().any():
        problems.append(f"duplicate codes {sorted(out.loc[out['code'].duplicated(), 'code'])}")
    bad = sorted(c for c in out["code"] if not CODE.match(c))
    if bad:
        problems.append(f"codes not of the form 'EC: ICT: ICT: 1C': {bad}")
    counts = out["dimension"].value_counts().to_dict()
    if counts != EXPECTED_DIMENSIONS:
        problems.append(f"KPIs per dimension {counts}, expected {EXPECTED_DIMENSIONS}")
    if out["sub_dimension"].nunique() != EXPECTED_SUB_DIMENSIONS:
        problems.append(f"{out['sub_dimension'].nunique()} sub-dimensions, expected 7")
    if out["category"].nunique() != EXPECTED_CATEGORIES:
        problems.append(f"{out['category'].nunique()} categories, expected 22")
    levels = out["verification_level"].value_counts().to_dict()
    if levels != EXPECTED_VERIFICATION:
        problems.append(f"verification levels {levels}, expected {EXPECTED_VERIFICATION}")
    # The class must agree with the code's suffix, except where the raw file says unresolved.
    suffix = out["code"].str[-1].map({"C": "Core", "A": "Advanced"})
    resolved = out["core_advanced"] != UNRESOLVED
    clash = out.loc[resolved & (suffix != out["core_advanced"]), "code"].tolist()
    if clash:
        problems.append(f"core/advanced disagrees with the code's suffix: {clash}")
    unresolved = src.loc[~resolved, "core_advanced"].tolist()
    if any(not v.startswith("UNRESOLVED") for v in unresolved):
        problems.append(f"unknown core/advanced values {sorted(set(unresolved))}")
    if problems:
        raise ReadinessError("u4ssc_kpis.csv: " + "; ".join(problems))


def read_cities(raw: Path) -> pd.DataFrame:
    """GeoNames places of 15,000 people or more: id, name, ISO3, coordinates, population."""
    path = raw / "cities" / "geonames_cities15000.csv"
    if not path.exists():
        raise ReadinessError(f"city master {path} not found; see ../shared/data/raw/cities")
    src = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    out = pd.DataFrame(
        {
            "geonameid": pd.to_numeric(src["geonameid"], errors="coerce"),
            "name": src["name"].str.strip(),
            "iso3": src["country_iso3"].str.strip(),
            # Coordinates keep the raw text (GeoNames' 5 decimals): no float round trip.
            "latitude": src["latitude"].str.strip(),
            "longitude": src["longitude"].str.strip(),
            "population": pd.to_numeric(src["population"], errors="coerce"),
        }
    )
    _check_cities(out)
    out["geonameid"] = out["geonameid"].astype("int64")
    out["population"] = out["population"].astype("int64")
    out = out.sort_values(
        ["iso3", "population", "geonameid"], ascending=[True, False, True], kind="mergesort"
    )
    return out[CITY_COLUMNS].reset_index(drop=True)


def _check_cities(out: pd.DataFrame) -> None:
    problems: list[str] = []
    lat = pd.to_numeric(out["latitude"], errors="coerce")
    lon = pd.to_numeric(out["longitude"], errors="coerce")
    if out["geonameid"].isna().any() or out["geonameid"].duplicated().any():
        problems.append("geonameid missing or repeated")
    if (out["name"] == "").any():
        problems.append(f"{int((out['name'] == '').sum())} places without a name")
    if not out["iso3"].str.fullmatch(r"[A-Z]{3}").all():
        problems.append("places without a three-letter ISO code")
    if not (lat.between(-90, 90).all() and lon.between(-180, 180).all()):
        problems.append("coordinates missing or out of range")
    if out["population"].isna().any() or (out["population"] < 0).any():
        problems.append("population missing or negative")
    if problems:
        raise ReadinessError("geonames_cities15000.csv: " + "; ".join(problems))


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


__all__ = ["CITY_COLUMNS", "KPI_COLUMNS", "build_u4ssc", "read_cities", "read_kpis"]
