"""Load the committed snapshot, validate it once, and hand out trusted tables."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from readiness.data.catalogue import Catalogue, load_catalogue
from readiness.errors import SnapshotError
from readiness.paths import DATA_DIR

ITU_REGIONS = ("Africa", "Americas", "Arab States", "Asia-Pacific", "CIS", "Europe")
INCOME_GROUPS = ("Low income", "Lower middle income", "Upper middle income", "High income")
BOOL_COLUMNS = ("un_member", "ldc", "lldc", "sids", "transition")
FIRST_YEAR = 2000

_COUNTRY_DTYPES = {
    "iso3": "string", "m49": "string", "name_en": "string", "name_fr": "string",
    "name_es": "string", "name_ru": "string", "name_zh": "string", "name_ar": "string",
    "name_wb": "string", "m49_region": "string", "m49_subregion": "string",
    "itu_region": "string", "wb_region": "string", "income_group": "string",
    "lending_category": "string", "sids_status": "string", "population": "float64",
    "population_year": "Int64",
}  # fmt: skip
# Flags beside values (data/flags.csv): why a value is uncertain, or why there is none.
FLAGS = ("low_sample", "later_scrape", "partial_year", "not_applicable")
_FLAG_DTYPES = {
    "iso3": "string", "indicator": "string", "year": "int64", "flag": "string",
    "detail": "string",
}  # fmt: skip
_VALUE_DTYPES = {
    "iso3": "string", "indicator": "string", "year": "int64", "value": "float64",
    "source": "string", "estimate": "int8",
}  # fmt: skip


@dataclass(frozen=True)
class Snapshot:
    """The validated snapshot: tidy values, the country master, income history, catalogue."""

    values: pd.DataFrame
    countries: pd.DataFrame
    income_history: pd.DataFrame
    coverage: pd.DataFrame
    catalogue: Catalogue
    data_dir: Path
    flags: pd.DataFrame = field(default_factory=lambda: empty_flags())

    @property
    def latest_year(self) -> int:
        """The latest year with a value for any index indicator."""
        codes = [i.code for i in self.catalogue.index_indicators()]
        return int(self.values.loc[self.values["indicator"].isin(codes), "year"].max())

    @property
    def first_index_year(self) -> int:
        return 2015

    def name(self, iso3: str) -> str:
        """The English name of an economy, or the code itself when unknown."""
        names = self._names()
        return names.get(iso3, iso3)

    def _names(self) -> dict[str, str]:
        return dict(zip(self.countries["iso3"], self.countries["name_en"], strict=True))

    def flags_of(self, code: str) -> pd.DataFrame:
        """The flags of one indicator: iso3, year, flag, detail."""
        return self.flags[self.flags["indicator"] == code]

    def indicator_values(self, code: str) -> pd.DataFrame:
        """Every value of one indicator (ReadinessError for an unknown code)."""
        self.catalogue.get(code)
        return self.values[self.values["indicator"] == code]


def load_snapshot(data_dir: Path | None = None) -> Snapshot:
    """The snapshot under data/ (cached per process); SnapshotError lists every problem."""
    return _load(Path(data_dir or DATA_DIR).resolve())


@functools.cache
def _load(data_dir: Path) -> Snapshot:
    return read_snapshot(data_dir)


def forget_loaded() -> None:
    """Drop the snapshots load_snapshot keeps, so its next call reads the folder again."""
    _load.cache_clear()


def read_snapshot(data_dir: Path) -> Snapshot:
    """The snapshot in `data_dir`, read and validated now (no cache; the path used as given:
    a refresh reads a folder it switched through a pinned path)."""
    catalogue = load_catalogue()
    problems: list[str] = []
    values = _read(data_dir / "values.csv", _VALUE_DTYPES, problems)
    countries = _read(data_dir / "countries.csv", _COUNTRY_DTYPES, problems)
    income = _read(data_dir / "income_history.csv", {"iso3": "string", "year": "int64"}, problems)
    coverage = _read(data_dir / "coverage.csv", {"indicator": "string"}, problems)
    flags = _read(data_dir / "flags.csv", _FLAG_DTYPES, problems)
    if not problems:
        problems += validate(values, countries, income, catalogue)
        problems += validate_flags(flags, values, countries, catalogue)
    if problems:
        raise SnapshotError(problems)
    for col in BOOL_COLUMNS:
        countries[col] = countries[col].astype(bool)
    values["estimate"] = values["estimate"].astype(bool)
    flags["detail"] = flags["detail"].fillna("")
    return Snapshot(values, countries, income, coverage, catalogue, data_dir, flags)


# A `per` count is divided by the denominator of its year, or of the latest earlier year at most
# this many years back (the build); the same rule gives a per-capita value's count back.
PER_LOOKBACK = 5


def denominators(values: pd.DataFrame, by: str, keys: pd.DataFrame) -> np.ndarray:
    """For each (iso3, year) row of `keys`: indicator `by`'s value (population) of that year, or
    of its latest earlier year at most PER_LOOKBACK years back; NaN without one. `values` is
    tidy (iso3, indicator, year, value): the build's rows or a snapshot's."""
    base = values.loc[values["indicator"] == by, ["iso3", "year", "value"]]
    base = base.astype({"iso3": "str", "year": "int64"}).rename(
        columns={"year": "by_year", "value": "by_value"}
    )
    left = pd.DataFrame(
        {
            "iso3": keys["iso3"].astype("str").to_numpy(),
            "year": keys["year"].astype("int64").to_numpy(),
            "row": np.arange(len(keys)),
        }
    ).astype({"iso3": "str"})
    joined = pd.merge_asof(
        left.sort_values("year"), base.sort_values("by_year"), left_on="year",
        right_on="by_year", by="iso3", direction="backward", tolerance=PER_LOOKBACK,
    )  # fmt: skip
    return joined.sort_values("row")["by_value"].to_numpy(dtype=float)


def latest_values(values: pd.DataFrame, windows: Mapping[str, int], year: int) -> pd.DataFrame:
    """Per indicator (a key of `windows`, the value its window) and economy, the most recent
    value in the window ending at `year` (indicator, iso3, value, year, source, estimate): what
    `figures.views.select_values` picks for one indicator, for several in one pass."""
    rows = values[values["indicator"].isin(list(windows))]
    window = rows["indicator"].astype(object).map(windows).to_numpy(dtype="int64")
    rows = rows[(rows["year"] <= year) & (rows["year"].to_numpy() > year - window)]
    rows = rows.sort_values(["indicator", "iso3", "year"], kind="stable").drop_duplicates(
        ["indicator", "iso3"], keep="last"
    )
    return rows[["indicator", "iso3", "value", "year", "source", "estimate"]].reset_index(drop=True)


def empty_flags() -> pd.DataFrame:
    """A flags table with no rows (a snapshot without flags.csv, e.g. a user's framework)."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _FLAG_DTYPES.items()})


def validate_flags(
    flags: pd.DataFrame, values: pd.DataFrame, countries: pd.DataFrame, catalogue: Catalogue
) -> list[str]:
    """Flags name known economies, indicators and flags; a 'not applicable' pair has no value."""
    problems = []
    unknown = set(flags["flag"].dropna()) - set(FLAGS)
    if unknown:
        problems.append(f"flags.csv: unknown flag(s) {sorted(unknown)}; known: {FLAGS}")
    if not flags["iso3"].isin(countries["iso3"]).all():
        problems.append("flags.csv: economies not in countries.csv")
    if not flags["indicator"].isin(catalogue.codes).all():
        problems.append("flags.csv: indicators not in the catalogue")
    na = flags[flags["flag"] == "not_applicable"]
    clash = values.merge(na[["iso3", "indicator"]], on=["iso3", "indicator"])
    if len(clash):
        sample = clash[["iso3", "indicator"]].head(3).to_dict("records")
        problems.append(f"flags.csv: 'not applicable' pairs have values in values.csv {sample}")
    return problems


def _read(path: Path, dtypes: dict[str, str], problems: list[str]) -> pd.DataFrame:
    if not path.exists():
        problems.append(f"{path.name}: file missing")
        return pd.DataFrame()
    try:
        head = pd.read_csv(path, nrows=0)
        missing = sorted(set(dtypes) - set(head.columns))
        if missing:
            problems.append(f"{path.name}: missing column(s) {missing}")
            return pd.DataFrame()
        return pd.read_csv(path, dtype=dtypes, engine="pyarrow")
    except (ValueError, TypeError, OSError) as exc:
        problems.append(f"{path.name}: cannot be read with the expected types ({exc})")
        return pd.DataFrame()


def validate(
    values: pd.DataFrame, countries: pd.DataFrame, income: pd.DataFrame, catalogue: Catalogue
) -> list[str]:
    """Schema, unique keys, code lists and ranges; returns every problem found."""
    problems: list[str] = []
    iso = countries["iso3"]
    if iso.isna().any() or not iso.str.fullmatch(r"[A-Z]{3}").all():
        bad = iso[iso.isna() | ~iso.fillna("").str.fullmatch(r"[A-Z]{3}")].tolist()[:5]
        problems.append(f"countries.csv: iso3 must be three capital letters; found {bad}")
    if iso.duplicated().any():
        problems.append(f"countries.csv: duplicate iso3 {iso[iso.duplicated()].tolist()[:5]}")
    for col in BOOL_COLUMNS:
        if not countries[col].isin([True, False]).all():
            problems.append(f"countries.csv: column {col} must be True or False")
    bad_region = countries["itu_region"].dropna()
    bad_region = bad_region[~bad_region.isin(ITU_REGIONS)]
    if len(bad_region):
        problems.append(f"countries.csv: unknown ITU-D region(s) {sorted(set(bad_region))}")
    bad_income = countries["income_group"].dropna()
    bad_income = bad_income[~bad_income.isin(INCOME_GROUPS)]
    if len(bad_income):
        problems.append(f"countries.csv: unknown income group(s) {sorted(set(bad_income))}")
    un = countries[countries["un_member"].astype(bool)]
    if un["itu_region"].isna().any():
        problems.append(
            "countries.csv: UN members without an ITU-D region "
            f"{un.loc[un['itu_region'].isna(), 'iso3'].tolist()}; add them to "
            "data/manual/itu_d_regions.csv"
        )
    if (countries["population"].dropna() <= 0).any():
        problems.append("countries.csv: population must be positive")

    known = set(iso.dropna())
    unknown_econ = set(values["iso3"].dropna().unique()) - known
    if unknown_econ:
        problems.append(f"values.csv: economies not in countries.csv {sorted(unknown_econ)[:8]}")
    unknown_ind = set(values["indicator"].dropna().unique()) - set(catalogue.codes)
    if unknown_ind:
        problems.append(f"values.csv: indicators not in the catalogue {sorted(unknown_ind)}")
    source_ids = {s.id for s in catalogue.sources}
    unknown_src = set(values["source"].dropna().unique()) - source_ids
    if unknown_src:
        problems.append(f"values.csv: sources not in sources.yaml {sorted(unknown_src)}")
    if values[["iso3", "indicator", "year", "value"]].isna().any().any():
        problems.append("values.csv: empty iso3, indicator, year or value (missing is absent)")
    if not np.isfinite(values["value"].to_numpy(dtype=float, na_value=np.nan)).all():
        problems.append("values.csv: values must be finite numbers")
    key = values.duplicated(["iso3", "indicator", "year"])
    if key.any():
        sample = values.loc[key, ["iso3", "indicator", "year"]].head(3).to_dict("records")
        problems.append(f"values.csv: {int(key.sum())} duplicate economy-indicator-year {sample}")
    years = values["year"]
    if len(years) and (years.min() < FIRST_YEAR or years.max() > 2100):
        problems.append(f"values.csv: years must run from {FIRST_YEAR}, found {years.min()}")
    if not values["estimate"].isin([0, 1]).all():
        problems.append("values.csv: estimate must be 0 or 1")
    problems += _ranges(values, catalogue)
    if len(income) and not income["income_group"].isin(INCOME_GROUPS).all():
        problems.append("income_history.csv: unknown income group labels")
    return problems


def _ranges(values: pd.DataFrame, catalogue: Catalogue) -> list[str]:
    """Shares lie in 0-100 (a little over for rounding), scores within their scale, counts >= 0."""
    problems = []
    by_code = {i.code: i for i in catalogue.indicators}
    lo = values.groupby("indicator")["value"].min()
    hi = values.groupby("indicator")["value"].max()
    for code in lo.index:
        ind = by_code.get(code)
        if ind is None:
            continue
        if lo[code] < 0:
            problems.append(f"values.csv: {code} has negative values (min {lo[code]:g})")
        if ind.unit.startswith("% of") and "GNI" not in ind.unit and hi[code] > 100.5:
            problems.append(f"values.csv: {code} is a share but reaches {hi[code]:g}")
        if ind.unit.startswith(("score", "points")) and hi[code] > ind.goalposts.hi * 1.0001:
            problems.append(f"values.csv: {code} exceeds its scale ({hi[code]:g})")
    return problems
