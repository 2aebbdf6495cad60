"""The dashboard's side of translation: the session's language and `t()` for every string.

The catalogues and the lookup live in readiness.i18n (the reports use them too); country names
come from the country master.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard.frozen import for_display
from readiness.i18n import (
    DEFAULT_LANGUAGE,
    MISSING,
    available_languages,
    format_number,
    format_percent,
    has,
    messages,
    normal_language,
    number_cell,
    printf_writes_like,
    translate,
    translate_term,
)

__all__ = [
    "available_languages", "country_names", "grid", "has", "labelled", "language", "localized",
    "messages", "option_label", "t",
]  # fmt: skip


def language() -> str:
    """The session's language (English until a user picks another or a link names one)."""
    return normal_language(st.session_state.get("lang", DEFAULT_LANGUAGE))


def t(key: str, /, **values: object) -> str:
    """The text for `key` in the session's language, English as fallback, filled with values."""
    return translate(language(), key, **values)


def option_label(prefix: str) -> Callable[[object], str]:
    """A widget's `format_func`: option `x` as the text of `prefix + x`, in this run's language.

    The language is bound now, in the script run: a widget may format its options again later,
    outside the run (AppTest does, in its own thread), and must not ask another session.
    """
    lang = language()
    return lambda option: translate(lang, f"{prefix}{option}")


def country_names(countries: pd.DataFrame, lang: str | None = None) -> pd.Series:
    """Economy names in the language (English where the master lacks one), indexed by ISO3."""
    lang = lang or language()
    names = countries.set_index("iso3")["name_en"]
    column = f"name_{lang}"
    if column in countries.columns and lang != DEFAULT_LANGUAGE:
        names = countries.set_index("iso3")[column].fillna(names)
    return names.astype(str)


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with its column names translated (`col.<name>` keys), for display and download."""
    return frame.rename(columns=lambda c: t(f"col.{c}") if has(f"col.{c}") else c)


def translated(values: pd.Series, prefix: str) -> pd.Series:
    """Code values (e.g. statuses) as their `prefix.<code>` text; spaces in codes become _."""
    return values.map(lambda v: t(f"{prefix}.{str(v).replace(' ', '_') or 'none'}"))


def term(family: str, value: object) -> str:
    """A method term (a tier, a progress band) in the session's language; as is when unknown."""
    return translate_term(language(), family, value)


def number(value: float, digits: int = 1) -> str:
    """A number as the session's locale writes it (Babel: "54,4" in French, "54.4" in English)."""
    return format_number(value, language(), digits)


def percent(share: float, digits: int = 0) -> str:
    """A share (0.42) as the session's locale writes a percentage ("42 %" in French)."""
    return format_percent(share, language(), digits)


# Columns that hold years (by code or by their label): written whole and never grouped.
YEAR_COLUMNS = (
    "year", "data_year", "reference_year", "median_year", "median_data_year", "reach_year",
    "trend_from", "trend_to",
)  # fmt: skip


def grid(
    frame: pd.DataFrame, digits: dict[str, int] | None = None, column_config: dict | None = None
) -> dict:
    """st.dataframe's `data` and `column_config` for `frame`, numbers as the session's locale
    writes them.

    Where Babel's locale writes numbers the way the grid's printf formats do ("." decimal, ","
    groups of three: English, Chinese, Arabic), the grid formats the cells itself ("%,.1f"),
    which costs nothing on a rerun; elsewhere (French "35,0", Russian, Spanish) `localized`
    sends Babel's text, which costs Streamlit about 80 ms per 5,000 cells on every run.
    """
    if not printf_writes_like(language()):
        return {"data": localized(frame, digits), "column_config": column_config}
    digits = digits or {}
    years = _year_columns()
    config: dict = {
        c: st.column_config.NumberColumn(format="%d" if c in years else f"%,.{digits.get(c, 1)}f")
        for c in frame.columns
        if pd.api.types.is_float_dtype(frame[c])
    }
    return {"data": for_display(frame), "column_config": {**config, **(column_config or {})}}


def _year_columns(lang: str | None = None) -> set[str]:
    lang = lang or language()
    return {*YEAR_COLUMNS, *(translate(lang, f"col.{c}") for c in YEAR_COLUMNS if has(f"col.{c}"))}


def localized(frame: pd.DataFrame, digits: dict[str, int] | None = None) -> Styler:
    """The table for display: decimal columns written as the session's locale writes numbers.

    Babel writes them (one decimal, or `digits[column]`; years whole and ungrouped); the cells
    stay numbers underneath, so a column still sorts by value, and downloads take `frame`
    itself ("." decimals). A missing value shows as MISSING, never as 0. Integer columns
    (years, counts) are left as they are.
    """
    formats = _number_formats(frame, digits)
    decimal = list(formats)
    others = [c for c in frame.columns if c not in formats]
    return frame.style.format(formats, subset=decimal).format(na_rep=MISSING, subset=others)


def written(
    frame: pd.DataFrame, digits: dict[str, int] | None = None, lang: str | None = None
) -> pd.DataFrame:
    """A small static table (st.table) with its decimal columns as the text `localized` shows:
    no pandas Styler, which Streamlit renders in full on every run (about 30 ms a run for a
    ten-row table under load). Those columns become text; give downloads `frame` itself.
    `lang`: a shared view's language (the session's by default)."""
    out = frame.copy()
    for column, write in _number_formats(frame, digits, lang).items():
        out[column] = frame[column].map(write)
    return out


def _number_formats(
    frame: pd.DataFrame, digits: dict[str, int] | None, lang: str | None = None
) -> dict:
    """Per decimal column, the function writing a cell in the session's language (Babel)."""
    lang, digits = lang or language(), digits or {}
    years = _year_columns(lang)
    return {
        c: functools.partial(number_cell, lang=lang, digits=0, grouping=False)
        if c in years
        else functools.partial(number_cell, lang=lang, digits=digits.get(c, 1))
        for c in frame.columns
        if pd.api.types.is_float_dtype(frame[c])
    }
