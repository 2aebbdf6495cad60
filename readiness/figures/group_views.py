"""Group values as a page shows them: data year, population covered, withheld values, nowcast.

A group value (readiness.gaps.analysis.gap_table) rests on its members' reported values and, for
members without one in the window, on estimates (readiness.gaps.estimates); below the coverage
rule of readiness.data.groups it is withheld. docs/GAPS.md section 3 states the rule. These
tables put the data year, the share of the population behind the value and the reason for a
missing value beside every group value a page shows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from readiness.data.groups import MIN_REPORTED_SHARE
from readiness.i18n import format_percent, translate

VALUE_COLUMNS = (
    "group_label", "measure", "weighted", "data_year", "coverage",
    "population_share", "estimated_share", "withheld",
)  # fmt: skip
# Coverage columns -> the catalogue key of their label (the other columns have col.* keys).
LABELS = {
    "population_share": "coverage.col.reported",
    "estimated_share": "coverage.col.estimated",
    "withheld": "coverage.col.withheld",
    "nowcast": "coverage.col.nowcast",
}


def _share(x: object) -> float:
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return max(value, 0.0) if value == value else 0.0


def withheld_rule(reported: object) -> str:
    """Which part of the coverage rule withholds a value: "reported" (members with their own
    value hold less than half of the population) or "covered" (with the estimates, less than
    two thirds)."""
    return "covered" if _share(reported) >= MIN_REPORTED_SHARE - 1e-12 else "reported"


def withheld_share(reported: object, estimated: object) -> float:
    """The share of the population the rule found too small (reported, or with estimates)."""
    own = _share(reported)
    return own if withheld_rule(reported) == "reported" else own + _share(estimated)


def withheld_reason(reported: object, estimated: object, lang: str) -> str:
    """Why a group value is withheld, in `lang` ("No value: members with a value hold 28% of
    the population, less than half.")."""
    share = format_percent(withheld_share(reported, estimated), lang)
    return translate(lang, f"coverage.page.withheld_{withheld_rule(reported)}", share=share)


def with_coverage(rows: pd.DataFrame, lang: str, year: int | None = None) -> pd.DataFrame:
    """Gap rows with their coverage as a reader reads it: the population reported and estimated
    in % and, for a withheld value, why (empty otherwise); those columns labelled in `lang`
    (a `nowcast` column as the nowcast to `year`, an estimate)."""
    out = rows.copy()
    if "withheld" in out.columns:
        out["withheld"] = [
            withheld_reason(r, e, lang) if bool(w) else ""
            for r, e, w in zip(
                rows["population_share"], rows["estimated_share"], rows["withheld"], strict=True
            )
        ]
    for col in ("population_share", "estimated_share"):
        if col in out.columns:
            out[col] = rows[col].astype(float) * 100
    labels = {c: translate(lang, key, year=year) for c, key in LABELS.items() if c in out.columns}
    return out.rename(columns=labels)


def group_values(
    table: pd.DataFrame,
    groups: Sequence[str],
    year: int,
    codes: Sequence[str],
    lang: str,
    nowcast: bool = False,
) -> pd.DataFrame:
    """Each group's value of each code in `year`, its data year (the median data year of the
    values behind it, to the nearest whole year), members with data, the population covered,
    why a value is withheld, and with `nowcast` the nowcast to `year` (an estimate)."""
    rows = table[table["group"].isin(groups) & (table["year"] == year)]
    rows = rows[rows["code"].isin(codes)]
    order = {g: k for k, g in enumerate(groups)}
    rows = rows.assign(_g=rows["group"].map(order)).sort_values(["_g"], kind="stable")
    out = rows.rename(columns={"name": "measure"})
    out["data_year"] = np.floor(rows["median_data_year"].astype(float) + 0.5)
    columns = [*VALUE_COLUMNS, *(["nowcast"] if nowcast else [])]
    return with_coverage(out[columns].reset_index(drop=True), lang, year)
