"""The 91 U4SSC KPIs (data/u4ssc/kpis.csv), one row per KPI or per KPI and data point, and their
names in the six languages.

A KPI's facts are the raw file's (docs/CITIES.md): `unit` and `definition` are read on an ITU
page where `unit_verified`/`definition_verified` say so, else they come from the secondary lists;
`verification_level` says how far the code and name are verified; `direction` is "higher" or
"lower" only where the primary definition says which is better, else "unknown". The Wi-Fi KPI's
class is "Unresolved": its sources give 5C and 5A.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

import pandas as pd

from readiness.errors import SnapshotError
from readiness.i18n import has, translate
from readiness.paths import DATA_DIR

KPIS_FILE = DATA_DIR / "u4ssc" / "kpis.csv"
KPI_COLUMNS = (
    "code", "name", "dimension", "sub_dimension", "category", "core_advanced", "type", "unit",
    "unit_verified", "definition", "definition_verified", "data_points", "direction",
    "sdg_indicators", "sdg_goals", "benchmark_note", "verification_level", "source_url", "notes",
)  # fmt: skip
POINT_COLUMNS = (
    "code", "data_point", "name", "dimension", "sub_dimension", "category", "core_advanced",
    "unit", "direction", "percent", "yes_no", "negative_allowed", "verification_level",
)  # fmt: skip
DIMENSIONS = ("Economy", "Environment", "Society and Culture")
VERIFICATION_LEVELS = (
    "primary_full", "primary_code_and_name", "primary_name_and_category", "secondary_two_sources",
)  # fmt: skip
Direction = Literal["higher", "lower", "unknown"]
Level = Literal["dimension", "sub_dimension", "category"]
# Codes the secondary lists use for a KPI the raw file lists under another code (its `notes`):
# Wi-Fi in public areas is 5C in one list and 5A in the other; electronic health records is
# SC: EH: H: 6A in the KS vocabulary and SC: EH: ED: 5A on ITU's page.
CODE_ALIASES = {"EC: ICT: ICT: 5A": "EC: ICT: ICT: 5C", "SC: EH: H: 6A": "SC: EH: ED: 5A"}
WIFI = "EC: ICT: ICT: 5C"
# Shares that may pass 100: economic losses from disasters, as % of city GDP (a hurricane can
# destroy more than a year's output). Every other percentage KPI is a share of a whole.
MAY_EXCEED_100 = frozenset({"SC: SH: SA: 2C"})
# Net greenhouse-gas emissions may be negative where removals exceed emissions; every other KPI
# is a count, share, rate, length, time or concentration.
MAY_BE_NEGATIVE = frozenset({"EN: EN: AQ: 2C"})
_BOOLEANS = ("unit_verified", "definition_verified")


def slug(text: str) -> str:
    """'EC: ICT: ICT: 1C' -> 'ec_ict_ict_1c'; 'ICT Infrastructure' -> 'ict_infrastructure'."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


@functools.cache
def _kpis(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise SnapshotError([f"{path.name}: file missing (data/u4ssc/)"])
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in KPI_COLUMNS if c not in frame.columns]
    problems = [f"u4ssc/kpis.csv: missing column(s) {missing}"] if missing else []
    if not missing and (len(frame) != 91 or frame["code"].duplicated().any()):
        problems.append(f"u4ssc/kpis.csv: {len(frame)} rows or repeated codes; expected 91 KPIs")
    if problems:
        raise SnapshotError(problems)
    for col in _BOOLEANS:
        frame[col] = frame[col] == "True"
    return frame[list(KPI_COLUMNS)]


def load_kpis() -> pd.DataFrame:
    """One row per KPI (91), in the U4SSC order: the columns of KPI_COLUMNS."""
    return _kpis(KPIS_FILE).copy()


def _point_unit(unit: str, point: str) -> str:
    """The unit of one data point: 'percentage; number' gives 'number' to the point 'number'."""
    units = [u.strip() for u in unit.split(";")]
    if len(units) == 1 or not point:
        return unit
    return next((u for u in units if u.startswith(point) or point.startswith(u)), unit)


@functools.cache
def _points(path: Path) -> pd.DataFrame:
    rows = []
    for kpi in _kpis(path).to_dict("records"):
        code, units, listed = str(kpi["code"]), str(kpi["unit"]), str(kpi["data_points"])
        for point in listed.split(";") if listed else [""]:
            unit = _point_unit(units, point)
            rows.append(
                {
                    **{c: kpi[c] for c in POINT_COLUMNS if c in kpi and c != "unit"},
                    "data_point": point,
                    "unit": unit,
                    "percent": slug(unit) == "percentage",
                    "yes_no": slug(unit).startswith("yes_no"),
                    "negative_allowed": code in MAY_BE_NEGATIVE,
                }
            )
    return pd.DataFrame(rows, columns=list(POINT_COLUMNS))


def kpi_points() -> pd.DataFrame:
    """One row per KPI and data point (data_point "" when the KPI has none): POINT_COLUMNS.

    `percent`: the unit is a percentage (0-100, except MAY_EXCEED_100); `yes_no`: 1 or 0;
    `negative_allowed`: only net GHG emissions."""
    return _points(KPIS_FILE).copy()


def normal_code(text: object) -> str | None:
    """The KPI code a user wrote ('ec:ict:ict:1c', an alias), or None when there is none."""
    compact = re.sub(r"\s+", "", str(text or "")).upper()
    known = {re.sub(r"\s+", "", c): c for c in (*_kpis(KPIS_FILE)["code"], *CODE_ALIASES)}
    code = known.get(compact)
    return CODE_ALIASES.get(code, code) if code else None


def kpi_name(code: str, lang: str = "en") -> str:
    """The KPI's name in `lang` (u4ssc.kpi.<slug of the code>)."""
    return translate(lang, f"u4ssc.kpi.{slug(code)}")


def level_name(level: Level, name: str, lang: str = "en") -> str:
    """A dimension, sub-dimension or category in `lang`: level_name('category', 'Health', 'fr')."""
    return translate(lang, f"u4ssc.{level}.{slug(name)}")


def data_point_label(point: str, lang: str = "en") -> str:
    """A data point in `lang`; symbols such as 3G or PM2.5 are the same in every language."""
    key = f"u4ssc.data_point.{slug(point)}"
    return translate(lang, key) if point and has(key) else point


def unit_label(unit: str, lang: str = "en") -> str:
    """A KPI's unit in `lang` (as written in the KPI list when the catalogue lacks it)."""
    key = f"u4ssc.unit.{slug(unit)}"
    return translate(lang, key) if unit and has(key) else unit


def class_label(core_advanced: str, lang: str = "en") -> str:
    """Core, Advanced or Unresolved (the Wi-Fi KPI) in `lang`."""
    return translate(lang, f"u4ssc.class.{slug(core_advanced)}")


def verification_label(level: str, lang: str = "en") -> str:
    """How far a KPI is verified against ITU's own pages, in `lang`."""
    return translate(lang, f"u4ssc.verification.{level}")


def verification_counts() -> dict[str, int]:
    """KPIs per verification level, in VERIFICATION_LEVELS order: 3, 7, 11, 70."""
    counts = _kpis(KPIS_FILE)["verification_level"].value_counts()
    return {level: int(counts.get(level, 0)) for level in VERIFICATION_LEVELS}


__all__ = [
    "CODE_ALIASES",
    "DIMENSIONS",
    "KPIS_FILE",
    "KPI_COLUMNS",
    "MAY_BE_NEGATIVE",
    "MAY_EXCEED_100",
    "POINT_COLUMNS",
    "VERIFICATION_LEVELS",
    "WIFI",
    "Direction",
    "Level",
    "class_label",
    "data_point_label",
    "kpi_name",
    "kpi_points",
    "level_name",
    "load_kpis",
    "normal_code",
    "slug",
    "unit_label",
    "verification_counts",
    "verification_label",
]
