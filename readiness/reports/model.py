"""The report model: frozen dataclasses a writer lays out, and the `format_*` functions.

Every number in a report comes from the engine's Result (and the gap analytics) and is turned
into text once, by the `format_*` functions below, so the Word, PDF and PowerPoint files and the
dashboard show the same strings. `readiness.reports.build.build_report` makes a Report; writers in
`readiness.reports.writers` only lay it out. docs/REPORTS.md describes the sections and the
priority rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from readiness.index.uncertainty import PUBLISHED_SAMPLES, PUBLISHED_SEED

# Published precision of `python -m readiness scores`; shown numbers are rounded from it, so a
# report, the CLI and the dashboard can never disagree through double rounding.
PUBLISHED_DECIMALS = 4
SCORE_DECIMALS = 1
# The published Monte Carlo, shared with the dashboard: the same rank intervals everywhere.
MC_SAMPLES = PUBLISHED_SAMPLES
MC_SEED = PUBLISHED_SEED
N_STRENGTHS = 3
N_PRIORITIES = 5
MISSING = "n/a"
USER_SOURCE_PREFIX = "USER"
DASH = "\u2013"

SubjectKind = Literal["economy", "group", "city"]


def is_missing(x: object) -> bool:
    if x is None or x is pd.NA:
        return True
    try:
        return bool(math.isnan(float(x)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def to_float(x: Any) -> float:
    """A float from a table cell; NaN for missing."""
    return math.nan if is_missing(x) else float(x)


def format_score(x: object) -> str:
    """An index or pillar score on its 0-100 scale: one decimal, rounded from the CLI's 4."""
    if is_missing(x):
        return MISSING
    v = round(float(x), PUBLISHED_DECIMALS)  # type: ignore[arg-type]
    text = f"{v:.{SCORE_DECIMALS}f}"
    return "0.0" if text == "-0.0" else text


def format_rank(x: object) -> str:
    """A rank (1 = best) or a rank-interval bound (to the nearest whole); not ranked -> n/a."""
    if is_missing(x):
        return MISSING
    return f"{float(x):.0f}"  # type: ignore[arg-type]


def format_interval(lo: object, hi: object) -> str:
    """A 5-95% rank interval such as 12-19 (en dash)."""
    if is_missing(lo) or is_missing(hi):
        return MISSING
    return f"{format_rank(lo)}{DASH}{format_rank(hi)}"


def format_value(x: object, unit: str = "") -> str:
    """A raw indicator value with a precision that suits its size."""
    if is_missing(x):
        return "no data"
    v = float(x)  # type: ignore[arg-type]
    digits = 0 if abs(v) >= 1000 else 1 if abs(v) >= 10 else 2
    text = f"{v:,.{digits}f}"
    return text


def format_share(x: object) -> str:
    """A share in [0, 1] as a whole percentage."""
    if is_missing(x):
        return MISSING
    return f"{float(x) * 100:.0f}%"  # type: ignore[arg-type]


def format_pace(x: object) -> str:
    """An annual change (trend, pace needed) with its sign and two decimals; empty if none."""
    if is_missing(x):
        return ""
    text = f"{float(x):+.2f}"  # type: ignore[arg-type]
    return "+0.00" if text == "-0.00" else text


def format_year(x: object) -> str:
    """A calendar year (a group's median data year to the nearest whole); empty if none."""
    if is_missing(x):
        return ""
    return str(math.floor(float(x) + 0.5))  # type: ignore[arg-type]


def format_count(n: int, total: int) -> str:
    return f"{n}/{total}"


@dataclass(frozen=True)
class Subject:
    """What a report is about: one economy (ISO3) or a group (a code from groups.py)."""

    kind: SubjectKind
    code: str

    @classmethod
    def economy(cls, iso3: str) -> Subject:
        return cls("economy", iso3.strip().upper())

    @classmethod
    def group(cls, code: str) -> Subject:
        return cls("group", code.strip())


@dataclass(frozen=True, eq=False)
class Table:
    """A table of already formatted text cells."""

    title: str
    frame: pd.DataFrame
    note: str = ""


@dataclass(frozen=True, eq=False)
class FigureSpec:
    """A chart to render: a kind known to `figures.report_charts`, its table and options."""

    key: str
    kind: str
    title: str
    caption: str
    data: pd.DataFrame
    options: tuple[tuple[str, Any], ...] = ()

    def option(self, name: str, default: Any = None) -> Any:
        return dict(self.options).get(name, default)


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True, eq=False)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[FigureSpec, ...] = ()


@dataclass(frozen=True)
class Citation:
    source: str
    name: str
    producer: str
    licence: str
    citation: str
    url: str = ""
    user: bool = False

    @property
    def title(self) -> str:
        """The name to show: user data always say so."""
        if self.user and not self.name.lower().startswith("user data"):
            return f"User data: {self.name}"
        return self.name


@dataclass(frozen=True, eq=False)
class Report:
    """One needs report: everything a writer lays out, all numbers already text."""

    subject: Subject
    title: str
    subtitle: str
    year: int
    key_figures: tuple[KeyFigure, ...]
    sections: tuple[Section, ...]
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()  # speaker notes / caveats
    highlights: tuple[str, ...] = field(default=())  # short lines for the deck
    lang: str = "en"  # one of readiness.i18n.UN_LANGUAGES; the writers tag the files with it

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def figures(self) -> list[FigureSpec]:
        return [f for s in self.sections for f in s.figures]

    @property
    def filename_stem(self) -> str:
        safe = "".join(ch if ch.isalnum() else "_" for ch in self.subject.code)
        return f"readiness_{safe}_{self.year}"
