"""How a report prints a group figure's coverage: population covered, withheld values, nowcast.

A group value rests on its members' own values and, for members without one in the window, on
estimates (readiness.gaps.estimates); below the coverage rule of readiness.data.groups it is
withheld (docs/GAPS.md section 3). The cells here are English, from the catalogue's
`coverage.pattern.*` labels, which readiness.reports.localise puts into the report's language.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from readiness.figures.group_views import withheld_rule
from readiness.figures.group_views import withheld_share as share_withheld
from readiness.i18n import DEFAULT_LANGUAGE, translate
from readiness.reports.model import MISSING, format_score, format_share, to_float

POPULATION_COVERED = "Population covered"  # the column label (coverage.phrase.*)
ESTIMATED_SHARE_SAID = 0.05  # findings say what the estimates stand for above this share
_SHARE = re.compile(r"(?<![\w.])(?:<\s?)?\d+%")


def _cell(key: str, **values: object) -> str:
    return translate(DEFAULT_LANGUAGE, f"coverage.pattern.{key}", **values)


def share_text(share: object) -> str:
    """A share as a whole percentage; a share that is not 0 but rounds to 0 as "<1%"."""
    x = to_float(share)
    text = format_share(x)
    return "<1%" if text == "0%" and x > 0 else text


def covered_text(reported: object, estimated: object) -> str:
    """The population a group value covers: "76% reported, 24% estimated" (no estimated part
    where no member is estimated); n/a without a population."""
    if pd.isna(to_float(reported)):
        return MISSING
    if not to_float(estimated) > 0:
        return _cell("covered_reported", reported=share_text(reported))
    return _cell("covered", reported=share_text(reported), estimated=share_text(estimated))


def withheld_share(reported: object, estimated: object) -> str:
    """The share the rule found too small, as the withheld cell prints it."""
    return share_text(share_withheld(reported, estimated))


def withheld_text(reported: object, estimated: object) -> str:
    """A withheld group value: why there is no number, "withheld: reported values cover 28% of
    the population"."""
    rule = withheld_rule(reported)
    return _cell(f"withheld_{rule}", share=withheld_share(reported, estimated))


def is_withheld_row(row: object) -> bool:
    """Whether a gap-table row's value is withheld with some member behind it (a group without
    any value or estimate simply has no data)."""
    get = getattr(row, "get", None)
    if get is None or not bool(get("withheld", False)):
        return False
    return any(to_float(get(col, 0)) > 0 for col in ("n", "n_estimated"))


def group_score(row: Any, column: str = "mean", count: bool = False) -> str:
    """A group's mean score (a `Result.group_aggregates` row) as text: the score, n/a without a
    scored member, or why it is withheld; with `count`, the members scored in brackets."""
    if isinstance(row, pd.DataFrame):  # a group compared with itself (the world's report)
        row = row.iloc[0]
    if bool(row.get("withheld", False)) and int(row["n"]) > 0:
        share = share_text(row["population_share"])
        if count:
            return _cell("withheld_scored_count", share=share, count=str(row["coverage"]))
        return _cell("withheld_scored", share=share)
    text = format_score(row[column])
    return f"{text} ({row['coverage']!s})" if count else text


def is_withheld(cell: object) -> bool:
    """Whether a printed cell is a withheld value's text (in English, before localisation)."""
    return isinstance(cell, str) and cell.startswith(_cell("withheld_scored", share="").split()[0])


def share_in(cell: object) -> str:
    """The share a withheld cell prints ("63%"); empty where it has none."""
    found = _SHARE.search(str(cell))
    return found[0] if found else ""
