"""Index inputs: one cross-section (`IndexData`) from a wide table or from our snapshot's panel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from readiness.errors import ReadinessError
from readiness.index.framework import Framework
from readiness.index.method import Method
from readiness.index.selection import Panel, panel_from_long


# --- inputs -----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class IndexData:
    """One cross-section: raw values (units x indicators, NaN missing) and facts about units."""

    raw: pd.DataFrame
    units: pd.DataFrame  # same index as raw; a `name` column, optional groups and population
    years: pd.DataFrame | None = None  # the year of each selected value
    estimates: pd.DataFrame | None = None  # True where the value is a producer's estimate
    year: int | None = None  # the reference year, when there is one


def read_wide(path: str | Path) -> pd.DataFrame:
    """Read a COINr-style data CSV (uCode, optional uName, one column per indicator) as text."""
    path = Path(path)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ReadinessError(f"data file not found: {path}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ReadinessError(f"cannot read data file {path}: {exc}") from None


_MISSING_TEXT = frozenset({"", "NA", "N/A", "NaN", "nan", "na", "n/a", ".."})


def data_from_wide(
    table: pd.DataFrame, framework: Framework, unit_column: str = "uCode"
) -> IndexData:
    """Validate a wide table (one row per unit, one column per indicator) into IndexData.

    Empty cells (or NA, NaN, ..) are missing values; any other non-numeric cell is an error.
    Columns that are not indicators (uName, group columns, population) become unit facts.
    """
    problems: list[str] = []
    if unit_column not in table.columns:
        raise ReadinessError(
            f"data lacks the unit column {unit_column!r}; name the units' codes there"
        )
    codes = table[unit_column].astype(str).str.strip()
    if codes.eq("").any():
        problems.append(f"{int(codes.eq('').sum())} row(s) have no {unit_column}")
    dupes = sorted(set(codes[codes.duplicated()]))
    if dupes:
        problems.append(f"{unit_column} repeated: {', '.join(dupes[:10])}")
    absent = [c for c in framework.indicators if c not in table.columns]
    if absent:
        problems.append(f"no column for indicator(s) {', '.join(absent)}")
    raw = pd.DataFrame(index=pd.Index(codes, name="code"))
    for code in framework.indicators:
        if code not in table.columns:
            continue
        col = table[code]
        if pd.api.types.is_numeric_dtype(col):
            raw[code] = col.to_numpy(dtype=float)
            continue
        text = col.astype(str).str.strip()
        blank = text.isin(_MISSING_TEXT) | col.isna().to_numpy()
        num = pd.to_numeric(text.where(~blank), errors="coerce")
        bad = num.isna() & ~blank
        if bad.any():
            where = ", ".join(f"{codes.iloc[k]}={text.iloc[k]!r}" for k in np.flatnonzero(bad)[:3])
            problems.append(f"non-numeric value(s) in {code}: {where}")
        raw[code] = num.to_numpy(dtype=float)
    if problems:
        raise ReadinessError("data has " + f"{len(problems)} problem(s): " + "; ".join(problems))
    finite = np.isfinite(raw.to_numpy()) | raw.isna().to_numpy()
    if not finite.all():
        raise ReadinessError("data has infinite values; leave missing values empty instead")
    extra = [c for c in table.columns if c not in framework.by_code and c != unit_column]
    units = table[extra].copy()
    units.index = raw.index
    if "uName" in units.columns:
        units = units.rename(columns={"uName": "name"})
    if "name" not in units.columns:
        units["name"] = raw.index.to_numpy()
    if "population" in units.columns:
        units["population"] = pd.to_numeric(units["population"], errors="coerce")
    return IndexData(raw=raw, units=units)


def units_from_countries(countries: pd.DataFrame) -> pd.DataFrame:
    """Unit facts from the snapshot's country master, indexed by ISO3, with a `name` column."""
    units = countries.set_index("iso3", drop=False)
    units.index.name = "code"
    if "name_en" in units.columns and "name" not in units.columns:
        units = units.rename(columns={"name_en": "name"})
    return units


def panel_from_snapshot(snapshot: Any, framework: Framework) -> Panel:
    """The years x economies x indicators cube of the snapshot's values for this framework."""
    units = units_from_countries(snapshot.countries)
    return panel_from_long(snapshot.values, units, framework.indicators, snapshot.latest_year)


def windows(framework: Framework, method: Method) -> np.ndarray:
    """Each indicator's most-recent-value window: the method's, else the framework's, else 1."""
    if method.window is not None:
        return np.full(len(framework.indicators), method.window, dtype=float)
    return np.array([framework.by_code[c].window or 1 for c in framework.indicators], dtype=float)


def data_for_year(panel: Panel, framework: Framework, method: Method, year: int) -> IndexData:
    """The cross-section for reference year `year` under the method's year policy."""
    vals, yrs, est = panel.select(year, windows(framework, method))
    cols = pd.Index(panel.indicators, name="indicator")
    idx = panel.units.index
    return IndexData(
        raw=pd.DataFrame(vals, index=idx, columns=cols),
        units=panel.units,
        years=pd.DataFrame(yrs, index=idx, columns=cols).astype("Int64"),
        estimates=pd.DataFrame(est, index=idx, columns=cols),
        year=int(year),
    )


# --- our snapshot ------------------------------------------------------------------------------
_SNAPSHOT_CACHE: dict[int, tuple[Any, Framework, Panel]] = {}


def snapshot_inputs(snapshot: Any | None = None) -> tuple[Any, Framework, Panel]:
    """(snapshot, framework, panel) for our catalogue and data, built once per snapshot object."""
    if snapshot is None:
        from readiness.data.snapshot import load_snapshot

        snapshot = load_snapshot()
    key = id(snapshot)
    hit = _SNAPSHOT_CACHE.get(key)
    if hit is None or hit[0] is not snapshot:
        framework = Framework.from_catalogue(snapshot.catalogue)
        hit = (snapshot, framework, panel_from_snapshot(snapshot, framework))
        _SNAPSHOT_CACHE.clear()  # one snapshot per process; keeping the object pins its id
        _SNAPSHOT_CACHE[key] = hit
    return hit
