"""One translation function for every user-facing string, backed by a catalogue per language.

English (`locales/en.yaml`) is complete; another UN language is a file with the same keys, and
any key it lacks falls back to English. Country names come from the country master.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import streamlit as st
import yaml

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "en"
UN_LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = str(value)
    return out


@functools.cache
def messages(language: str) -> dict[str, str]:
    """The flattened catalogue of one language ({} when there is no file for it yet)."""
    path = LOCALES_DIR / f"{language}.yaml"
    if not path.exists():
        return {}
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def available_languages() -> tuple[str, ...]:
    return tuple(lang for lang in UN_LANGUAGES if (LOCALES_DIR / f"{lang}.yaml").exists())


def language() -> str:
    """The session's language (English until a user picks another)."""
    lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in UN_LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, /, **values: object) -> str:
    """The text for `key` in the session's language, English as fallback, filled with values.

    An unknown key raises KeyError: a missing string is a bug the tests must catch.
    """
    text = messages(language()).get(key)
    if text is None:
        text = messages(DEFAULT_LANGUAGE)[key]
    return text.format(**values) if values else text


def country_names(countries: pd.DataFrame, lang: str | None = None) -> pd.Series:
    """Economy names in the language (English where the master lacks one), indexed by ISO3."""
    lang = lang or language()
    names = countries.set_index("iso3")["name_en"]
    column = f"name_{lang}"
    if column in countries.columns and lang != DEFAULT_LANGUAGE:
        names = countries.set_index("iso3")[column].fillna(names)
    return names.astype(str)


def has(key: str) -> bool:
    """Whether the English catalogue defines `key`."""
    return key in messages(DEFAULT_LANGUAGE)


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with its column names translated (`col.<name>` keys), for display and download."""
    return frame.rename(columns=lambda c: t(f"col.{c}") if has(f"col.{c}") else c)


def translated(values: pd.Series, prefix: str) -> pd.Series:
    """Code values (e.g. statuses) as their `prefix.<code>` text; spaces in codes become _."""
    return values.map(lambda v: t(f"{prefix}.{str(v).replace(' ', '_') or 'none'}"))
