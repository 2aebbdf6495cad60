"""The case-study library (data/cases/case_studies.csv) and the filters every view applies."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from readiness.data.build.cases import STUDY_COLUMNS
from readiness.data.groups import Group, group_by_name, standard_groups
from readiness.errors import ReadinessError
from readiness.experiences.coding import split_phrases
from readiness.experiences.vocabulary import CASES_DIR, FACTORS, SIDES, STAGES

__all__ = ["STUDY_COLUMNS", "filter_studies", "find_group", "load_library"]
LIBRARY_FILE = CASES_DIR / "case_studies.csv"


def load_library(path: Path | None = None) -> pd.DataFrame:
    """The committed studies (STUDY_COLUMNS, all text, "" for none), origin library, published."""
    return _library(path or LIBRARY_FILE).copy()


@functools.cache
def _library(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise ReadinessError(
            f"case-study library {path} not found; rebuild it with `python -m readiness build-data`"
        )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if tuple(frame.columns) != STUDY_COLUMNS:
        raise ReadinessError(
            f"{path.name}: columns must be {', '.join(STUDY_COLUMNS)}; rebuild with build-data"
        )
    return frame


def list_field(value: object) -> list[str]:
    """The codes of a `;`-joined field (economies, sectors), stripped, empties out."""
    return split_phrases(value)


def economies_of(studies: pd.DataFrame) -> pd.DataFrame:
    """One row per study and economy: case_id, iso3."""
    rows = [
        (str(cid), iso)
        for cid, field in zip(studies["case_id"], studies["economies"], strict=True)
        for iso in list_field(field)
    ]
    return pd.DataFrame(rows, columns=["case_id", "iso3"])


def find_group(name: str, countries: pd.DataFrame) -> Group:
    """A standard group by code (LDC, LLDC, SIDS, ITU_AFR, LIC...) or label (Africa, Low income),
    as the reports resolve it (readiness.reports.context.find_group): current income groups."""
    return group_by_name(name, standard_groups(countries))


def _countries(countries: pd.DataFrame | None) -> pd.DataFrame:
    if countries is not None:
        return countries
    from readiness.data.snapshot import load_snapshot

    return load_snapshot().countries


def filter_studies(
    studies: pd.DataFrame,
    *,
    factors: pd.DataFrame | None = None,
    economy: str | Iterable[str] | None = None,
    group: str | None = None,
    sector: str | None = None,
    technology: str | None = None,
    factor: str | None = None,
    side: str | None = None,
    stage: str | None = None,
    text: str | None = None,
    countries: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The studies that meet every filter given (None: no filter), in their order.

    economy: ISO3 (or several); a multi-economy study matches each of its economies. group: a
    group code or label (LDC, ITU_AFR, Africa, LMC...). technology and text: case-blind
    substring (text searches summary, outcomes, phrases, place, technology and source). factor
    (with the coding `factors`, CODING_COLUMNS) and side: studies coded to it on that side."""
    keep = pd.Series(True, index=studies.index)
    if economy is not None:
        wanted = {economy} if isinstance(economy, str) else set(economy)
        wanted = {w.strip().upper() for w in wanted}
        keep &= studies["economies"].map(lambda f: bool(wanted & set(list_field(f))))
    if group is not None:
        members = set(find_group(group, _countries(countries)).members)
        keep &= studies["economies"].map(lambda f: bool(members & set(list_field(f))))
    if sector is not None:
        keep &= studies["sectors"].map(lambda f: sector in list_field(f))
    if stage is not None:
        if stage not in STAGES:
            raise ReadinessError(f"unknown stage '{stage}'; use one of {', '.join(STAGES)}")
        keep &= studies["stage"] == stage
    if technology:
        keep &= studies["technology"].str.contains(technology, case=False, regex=False)
    if text:
        keep &= _text_of(studies).str.contains(text.strip(), case=False, regex=False)
    if factor is not None or side is not None:
        keep &= studies["case_id"].isin(_coded(factors, factor, side))
    return studies[keep]


def _coded(factors: pd.DataFrame | None, factor: str | None, side: str | None) -> set[str]:
    if factors is None:
        raise ReadinessError("filtering by factor needs the coding (code_studies or the store's)")
    if factor is not None and factor not in FACTORS:
        raise ReadinessError(f"unknown factor '{factor}'; use one of {', '.join(FACTORS)}")
    if side is not None and side not in SIDES:
        raise ReadinessError(f"unknown side '{side}'; use one of {', '.join(SIDES)}")
    rows = factors
    if factor is not None:
        rows = rows[rows["factor"] == factor]
    if side is not None:
        rows = rows[rows["side"] == side]
    return set(rows["case_id"])


def _text_of(studies: pd.DataFrame) -> pd.Series:
    columns = [
        "case_id", "city_or_region", "technology", "summary", "outcomes", "enabling", "limiting",
        "source_title", "source_publisher", "stage_detail",
    ]  # fmt: skip
    return studies[columns].astype(str).agg(" | ".join, axis=1)
