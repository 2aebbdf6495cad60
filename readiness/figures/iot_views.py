"""The IoT measures as the profile and the map show them: values with their flags, and what an
economy's peers and region have (no Streamlit).

A value keeps its year and source; a flag (data/flags.csv) is written beside the value it
qualifies, in the reader's language. A missing value stays missing: a landlocked economy's
submarine cables are "not applicable", a market missing from the LTE-M/NB-IoT listing is "not
listed" (unknown), anything else is "no data", never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from readiness.data.catalogue import Catalogue
from readiness.data.snapshot import latest_values
from readiness.figures.views import select_values
from readiness.i18n import flag_text, translate
from readiness.index.result import Result

IOT_PILLAR = "IOT"
# Context indicators shown with the pillar: they describe IoT infrastructure but are not scored
# (docs/METHOD.md says why).
IOT_CONTEXT = ("submarine_cables", "download_fixed", "download_mobile", "cloud_regions")
# Listings, not censuses: an economy missing from the list is unknown ("not listed"), never 0.
NOT_LISTED = frozenset({"lpwa_networks"})
# What "has" means for the peers' summary: the indicator is above 0 (an exchange point at all; a
# level of 1 or 2, i.e. LTE-M or NB-IoT commercially launched).
HAS = {"ixp": "ixp_density", "lpwa": "lpwa_networks"}


def iot_codes(catalogue: Catalogue) -> list[str]:
    """The IoT pillar's indicators (catalogue order), then its context indicators."""
    scored = [i.code for i in catalogue.indicators if i.pillar == IOT_PILLAR and i.role == "index"]
    return [*scored, *(c for c in IOT_CONTEXT if c in catalogue.codes)]


def _number(value: Any) -> float:
    """A cell as a float, NaN when missing (None, NaN, pd.NA)."""
    return np.nan if value is None or pd.isna(value) else float(value)


# --- flags -------------------------------------------------------------------------------------
def value_notes(
    flags: pd.DataFrame, code: str, selected: pd.DataFrame, economies: Sequence[str], lang: str
) -> pd.Series:
    """Per economy, the flags of its value of `code` as one text ("" where none).

    `selected` has iso3, value and year (views.select_values). A value's flags are those of
    its data year; an economy without a value is "not applicable" where flagged so (any year),
    "not listed" for a listing (NOT_LISTED), else "" (the caller writes "no data").
    """
    mine = flags[flags["indicator"] == code]
    chosen = selected.set_index("iso3").reindex(list(economies))
    flagged = {str(k): rows for k, rows in mine.groupby("iso3")}
    none = mine.iloc[:0]
    notes = [
        _note(flagged.get(str(iso3), none), code, _number(value), year, lang)
        for iso3, value, year in zip(chosen.index, chosen["value"], chosen["year"], strict=True)
    ]
    return pd.Series(notes, index=chosen.index, dtype=object)


def map_notes(
    table: pd.DataFrame, flags: pd.DataFrame, code: str, lang: str
) -> tuple[pd.DataFrame, int]:
    """The map table (views.map_table of `code`) with a `note` per economy from its flags, and
    how many economies are "not applicable"."""
    selected = table[["iso3", "value", "year"]]
    notes = value_notes(flags, code, selected, list(table["iso3"]), lang)
    out = table.assign(note=notes.reindex(table["iso3"]).fillna("").to_numpy())
    na = flags[(flags["indicator"] == code) & (flags["flag"] == "not_applicable")]
    not_applicable = int(table.loc[table["value"].isna(), "iso3"].isin(na["iso3"]).sum())
    return out, not_applicable


# --- the profile's section ----------------------------------------------------------------------
def _median(series: pd.Series, members: Sequence[str]) -> tuple[float, int]:
    """The median of the members' values, and how many have one."""
    values = series.reindex(list(members)).dropna()
    return (float(values.median()) if len(values) else np.nan), len(values)


def iot_table(
    catalogue: Catalogue,
    values: pd.DataFrame,
    flags: pd.DataFrame,
    result: Result,
    iso3: str,
    peers: Sequence[str],
    region: Sequence[str],
    lang: str,
) -> pd.DataFrame:
    """One row per IoT measure of `iso3` at the result's year: value, unit, data year, source,
    0-100 score where scored, note (flags, or why there is no value), and the median value of
    the peers and of the region's members with how many have a value."""
    year = int(result.year) if result.year is not None else int(values["year"].max())
    src = {s.id: s.name for s in catalogue.sources}
    codes = iot_codes(catalogue)
    chosen = latest_values(values, {c: catalogue.get(c).window for c in codes}, year)
    own = {str(r["indicator"]): r for r in chosen[chosen["iso3"] == iso3].to_dict("records")}
    # A table of values (economy x measure) gives every median at once.
    grid = chosen.pivot(index="iso3", columns="indicator", values="value")
    grid = grid.reindex(columns=codes)
    beside = {k: _medians(grid, m) for k, m in (("peers", peers), ("region", region))}
    mine = flags[flags["iso3"] == iso3]
    rows = []
    for code in codes:
        ind = catalogue.get(code)
        found = own.get(code, {})
        value = _number(found.get("value"))
        data_year = found.get("year", pd.NA)
        note = _note(mine, code, value, data_year, lang)
        scored = code in result.normalised.columns
        if scored and bool(result.imputed.loc[iso3, code]):
            note = "; ".join(t for t in (note, translate(lang, "iot_profile.imputed")) if t)
        if pd.isna(value) and not note:
            note = translate(lang, "iot_profile.no_data")
        row = {
            "code": code,
            "indicator": ind.name,
            "role": "index" if scored else "context",
            "value": value,
            "unit": ind.unit,
            "year": data_year,
            "source": "" if pd.isna(value) else src.get(str(found["source"]), ""),
            "normalised": _number(result.normalised.loc[iso3, code]) if scored else np.nan,
            "note": note,
        }
        for kind, (medians, counts) in beside.items():
            row[f"{kind}_median"] = float(medians[code])
            row[f"{kind}_with_data"] = int(counts[code])
        rows.append(row)
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    return out


def _medians(grid: pd.DataFrame, members: Sequence[str]) -> tuple[pd.Series, pd.Series]:
    """Per measure (a column of `grid`), the median of the members' values and how many have
    one (NaN and 0 when none has)."""
    part = grid.reindex(list(members))
    return part.median(), part.notna().sum()


def _note(mine: pd.DataFrame, code: str, value: float, year: object, lang: str) -> str:
    """The flags of one economy's value of `code` (of data year `year`) as one text, by
    value_notes' rule: `mine` is that economy's flags."""
    hits = [
        (flag, detail)
        for indicator, flag, detail, flag_year in zip(
            mine["indicator"], mine["flag"], mine["detail"], mine["year"], strict=True
        )
        if indicator == code
        and (
            flag == "not_applicable"
            if np.isnan(value)
            else flag != "not_applicable" and flag_year == year
        )
    ]
    if np.isnan(value):
        hits = hits[:1]
    note = "; ".join(flag_text(lang, f, d) for f, d in hits)
    if not note and np.isnan(value) and code in NOT_LISTED:
        note = flag_text(lang, "not_listed")
    return note


@dataclass(frozen=True)
class Count:
    """How many of a set of economies have something, have it not, or are unknown."""

    have: int
    have_not: int
    unknown: int

    @property
    def total(self) -> int:
        return self.have + self.have_not + self.unknown


def _count(series: pd.Series, members: Sequence[str]) -> Count:
    values = series.reindex(list(members))
    known = values.dropna()
    have = int((known > 0).sum())
    return Count(have, len(known) - have, int(values.isna().sum()))


def has_counts(
    catalogue: Catalogue,
    values: pd.DataFrame,
    year: int,
    iso3: str,
    peers: Sequence[str],
    region: Sequence[str],
) -> dict[str, tuple[Count, Count, Count]]:
    """Per HAS item (an exchange point, a commercial LTE-M/NB-IoT network): the economy itself,
    its peers and its region's members as counts (the economy's is one of 1)."""
    out = {}
    for item, code in HAS.items():
        if code not in catalogue.codes:
            continue
        window = catalogue.get(code).window
        series = select_values(values, code, year, window).set_index("iso3")["value"]
        out[item] = (
            _count(series, [iso3]),
            _count(series, peers),
            _count(series, region),
        )
    return out


def pillar_standing(
    result: Result, iso3: str, peers: Sequence[str], region: Sequence[str]
) -> dict[str, float]:
    """The IoT pillar's score and rank of `iso3`, and the median score of its peers and region
    (with how many of them are scored)."""
    scores = result.scores[IOT_PILLAR]
    rank = result.ranks.loc[iso3, IOT_PILLAR]
    peers_median, peers_n = _median(scores, peers)
    region_median, region_n = _median(scores, region)
    return {
        "score": _number(scores.get(iso3)),
        "rank": _number(rank),
        "of": float(scores.notna().sum()),
        "peers_median": peers_median,
        "peers_scored": float(peers_n),
        "region_median": region_median,
        "region_scored": float(region_n),
    }
