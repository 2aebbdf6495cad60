"""The coding rule: each enabling or limiting phrase of a study to factors of the vocabulary.

A phrase is one `;`-segment of a study's `enabling` or `limiting` field, stripped, verbatim.
It gets every factor one of whose keywords (data/cases/factors.yaml) it contains, with the rule
"keyword: <the keyword>"; data/cases/coding_overrides.csv adds the factors keywords cannot find
(rule "override: <reason>"). Every phrase of the library must end with at least one factor.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from readiness.errors import ReadinessError
from readiness.experiences.vocabulary import CASES_DIR, FACTORS, SIDES, factor_keywords

CODING_COLUMNS = ("case_id", "side", "phrase", "factor", "rule")
OVERRIDE_COLUMNS = ("case_id", "side", "phrase", "factor", "reason")
OVERRIDES_FILE = CASES_DIR / "coding_overrides.csv"
KEYWORD_RULE = "keyword: "
OVERRIDE_RULE = "override: "
CHOSEN_RULE = "chosen by submitter"


def split_phrases(field: object) -> list[str]:
    """The phrases of an enabling or limiting field: its `;`-segments, stripped, empty ones out."""
    if not isinstance(field, str):
        return []
    return [p.strip() for p in field.split(";") if p.strip()]


@functools.cache
def _rules() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    return tuple(
        (code, k, re.compile(k)) for code, keywords in factor_keywords().items() for k in keywords
    )


def keyword_matches(phrase: str) -> list[tuple[str, str]]:
    """(factor, keyword) for every keyword found in the phrase, in vocabulary order."""
    text = phrase.lower()
    return [(code, k) for code, k, rx in _rules() if rx.search(text)]


def code_phrase(
    phrase: str, *, case_id: str | None = None, side: str | None = None
) -> list[tuple[str, str]]:
    """The (factor, rule) pairs of one phrase: keywords first (the first keyword of each factor
    that matches), then the overrides of this phrase (of this study and side when given)."""
    found: dict[str, str] = {}
    for code, keyword in keyword_matches(phrase):
        found.setdefault(code, KEYWORD_RULE + keyword)
    for row in load_overrides().itertuples(index=False):
        if row.phrase != phrase:
            continue
        if (case_id is not None and row.case_id != case_id) or (side and row.side != side):
            continue
        found.setdefault(str(row.factor), OVERRIDE_RULE + str(row.reason))
    return sorted(found.items(), key=lambda item: FACTORS.index(item[0]))


def code_studies(studies: pd.DataFrame) -> pd.DataFrame:
    """One row per study x side x phrase x factor (CODING_COLUMNS), in study and phrase order.

    Raises ReadinessError naming every phrase of the studies that no rule codes."""
    rows: list[tuple[str, str, str, str, str]] = []
    uncoded: list[str] = []
    for study in studies.itertuples(index=False):
        case_id = str(study.case_id)
        for side in SIDES:
            for phrase in split_phrases(getattr(study, side)):
                pairs = code_phrase(phrase, case_id=case_id, side=side)
                if not pairs:
                    uncoded.append(f"{case_id} {side}: '{phrase}'")
                rows += [(case_id, side, phrase, factor, rule) for factor, rule in pairs]
    if uncoded:
        raise ReadinessError(
            f"{len(uncoded)} phrase(s) match no factor; add a keyword to data/cases/factors.yaml "
            f"or a row to coding_overrides.csv: {'; '.join(uncoded)}"
        )
    return pd.DataFrame(rows, columns=list(CODING_COLUMNS))


def chosen_coding(
    case_id: str, side: str, factors: Iterable[str], words: Mapping[str, str]
) -> list[tuple[str, str, str, str, str]]:
    """Coding rows (CODING_COLUMNS) of the factors a submitter chose: rule "chosen by
    submitter", phrase the submitter's own words for the factor or ""."""
    return [(case_id, side, words.get(f, ""), f, CHOSEN_RULE) for f in factors]


def load_overrides(path: Path | None = None) -> pd.DataFrame:
    """The hand overrides (OVERRIDE_COLUMNS), checked: known sides and factors, a reason each."""
    return _overrides(path or OVERRIDES_FILE).copy()


@functools.cache
def _overrides(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise ReadinessError(f"coding overrides {path} not found; restore data/cases/")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if tuple(frame.columns) != OVERRIDE_COLUMNS:
        raise ReadinessError(f"{path.name}: columns must be {', '.join(OVERRIDE_COLUMNS)}")
    problems = [
        f"row {i + 2}: " + ", ".join(p)
        for i, row in enumerate(frame.itertuples(index=False))
        if (p := _override_problems(row))
    ]
    if problems:
        raise ReadinessError(f"{path.name}: {'; '.join(problems)}")
    return frame


def _override_problems(row: Any) -> list[str]:
    problems = []
    if row.side not in SIDES:
        problems.append(f"side '{row.side}' is not one of {', '.join(SIDES)}")
    if row.factor not in FACTORS:
        problems.append(f"factor '{row.factor}' is not in the vocabulary")
    if not str(row.reason).strip():
        problems.append("give a reason")
    if not str(row.phrase).strip():
        problems.append("give the phrase")
    return problems
