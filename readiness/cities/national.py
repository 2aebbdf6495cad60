"""A city's national context: its country's readiness index and IoT pillar, and the national
value of each indicator that matches a U4SSC KPI, with its year, source and how the two differ.

The matches are few and stated (MATCHES): a national figure is context for a city's value,
never a substitute for it, and where the units differ (subscriptions per 100 inhabitants
against a share of households) the note says so and no ratio is drawn between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from readiness.errors import ReadinessError


@dataclass(frozen=True)
class KpiMatch:
    """A U4SSC KPI (and data point) and the national indicator that measures the same thing."""

    kpi: str
    data_point: str
    indicator: str
    same_unit: bool
    note: str
    scale: float = 1.0  # national value x scale is in the KPI's unit (when same_unit)


MATCHES: tuple[KpiMatch, ...] = (
    KpiMatch("EC: ICT: ICT: 1C", "", "households_internet", True,
             "same definition: % of households with Internet access (ITU)"),
    KpiMatch("EC: ICT: ICT: 2C", "", "fixed_broadband", False,
             "national: subscriptions per 100 inhabitants; the KPI: % of households"),
    KpiMatch("EC: ICT: ICT: 3C", "", "mobile_broadband", True,
             "national: per 100 inhabitants, shown per 100,000 (x 1,000)", 1000.0),
    KpiMatch("EC: ICT: ICT: 4C", "3G", "coverage_3g", True,
             "national: % of population covered; the KPI: % of the city served"),
    KpiMatch("EC: ICT: ICT: 4C", "4G", "coverage_4g", True,
             "national: % of population covered; the KPI: % of the city served"),
    KpiMatch("EC: I: ES: 3C", "", "electricity_access", False,
             "national: % of population (World Bank); the KPI: % of households"),
)  # fmt: skip

CONTEXT_COLUMNS = (
    "kpi_code", "data_point", "indicator", "indicator_name", "unit", "value", "year", "source",
    "estimate", "same_unit", "value_in_kpi_unit", "note",
)  # fmt: skip


@dataclass(frozen=True)
class NationalContext:
    """The country behind a city: scores for the reference year and the matched indicators."""

    iso3: str
    name: str
    year: int
    index: float
    iot: float
    rank: Any  # Int64 or <NA> when not scored
    ranked: int  # economies ranked that year
    tier: str
    indicators: pd.DataFrame  # CONTEXT_COLUMNS, one row per match (value <NA> when missing)


def national_context(
    iso3: str, year: int | None = None, snapshot: Any | None = None, result: Any | None = None
) -> NationalContext:
    """The national context of a city in `iso3` for the reference `year` (default: latest).

    `result` may pass the index Result of that year when the caller holds it already.
    """
    from readiness.data.snapshot import load_snapshot
    from readiness.index.engine import score_snapshot

    snapshot = snapshot or load_snapshot()
    code = iso3.strip().upper()
    if code not in set(snapshot.countries["iso3"]):
        raise ReadinessError(f"unknown economy code '{iso3}'; use an ISO3 code such as NOR")
    year = snapshot.latest_year if year is None else int(year)
    result = result if result is not None else score_snapshot(year, snapshot=snapshot)
    index_code = result.framework.index_code
    scores = result.scores
    rank = result.rank.get(code, pd.NA) if code in result.rank.index else pd.NA
    return NationalContext(
        iso3=code,
        name=snapshot.name(code),
        year=year,
        index=_score(scores, code, index_code),
        iot=_score(scores, code, "IOT"),
        rank=rank,
        ranked=int(result.rank.notna().sum()),
        tier=str(result.tiers.get(code, "")),
        indicators=_matched(snapshot, code, year),
    )


def _score(scores: pd.DataFrame, iso3: str, column: str) -> float:
    if column not in scores.columns or iso3 not in scores.index:
        return float("nan")
    value = pd.to_numeric(scores[column], errors="coerce").get(iso3)
    return float(value) if value is not None and not np.isnan(value) else float("nan")


def _matched(snapshot: Any, iso3: str, year: int) -> pd.DataFrame:
    values = snapshot.values
    mine = values[(values["iso3"] == iso3) & (values["year"] <= year)]
    rows = []
    for m in MATCHES:
        ind = snapshot.catalogue.get(m.indicator)
        window = int(ind.window or 1)
        hits = mine[(mine["indicator"] == m.indicator) & (mine["year"] > year - window)]
        hit = hits.sort_values("year").iloc[-1] if len(hits) else None
        value = float(hit["value"]) if hit is not None else np.nan
        rows.append(
            {
                "kpi_code": m.kpi,
                "data_point": m.data_point,
                "indicator": m.indicator,
                "indicator_name": ind.name,
                "unit": ind.unit,
                "value": value,
                "year": int(hit["year"]) if hit is not None else pd.NA,
                "source": str(hit["source"]) if hit is not None else "",
                "estimate": bool(hit["estimate"]) if hit is not None else False,
                "same_unit": m.same_unit,
                "value_in_kpi_unit": value * m.scale if m.same_unit else np.nan,
                "note": m.note,
            }
        )
    out = pd.DataFrame(rows, columns=list(CONTEXT_COLUMNS))
    out["year"] = out["year"].astype("Int64")
    return out
