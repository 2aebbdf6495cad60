"""readiness.i18n's numbers: Babel's symbols for each locale, and a missing value stays missing."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from babel.numbers import get_decimal_symbol, get_group_symbol

from readiness import i18n
from readiness.i18n import (
    MISSING,
    UN_LANGUAGES,
    format_date,
    format_number,
    local_figure,
    local_numbers,
    number_cell,
    plotly_separators,
)


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_number_uses_the_locales_own_decimal_and_group_marks(lang):
    decimal, group = get_decimal_symbol(lang), get_group_symbol(lang)
    assert format_number(35.04, lang) == f"35{decimal}0"
    assert format_number(1234567.25, lang, 2) == f"1{group}234{group}567{decimal}25"
    assert plotly_separators(lang) == decimal + group


def test_the_marks_differ_where_the_languages_do():
    assert format_number(35, "fr") == format_number(35, "ru") == format_number(35, "es") == "35,0"
    assert format_number(35, "en") == format_number(35, "zh") == "35.0"
    assert format_number(12345.6, "ru") == "12\N{NO-BREAK SPACE}345,6"
    assert format_number(12345.6, "fr") == "12\N{NARROW NO-BREAK SPACE}345,6"


def test_digits_and_years():
    assert format_number(2.0, "fr", 0) == "2"
    assert format_number(0.125, "en", 3) == "0.125"
    assert number_cell(2023.0, "fr", 0, grouping=False) == "2023"


@pytest.mark.parametrize("missing", [None, math.nan, float("nan"), pd.NA])
def test_a_missing_cell_is_shown_missing_never_zero(missing):
    for lang in UN_LANGUAGES:
        assert number_cell(missing, lang) == MISSING
    assert number_cell(0.0, "fr") == "0,0"


def test_dates_in_the_locale():
    day = pd.Timestamp("2026-12-03").date()
    assert "2026" in format_date(day, "fr") and "déc" in format_date(day, "fr")
    assert "Dec" in format_date(day, "en")


@pytest.mark.parametrize(
    ("lang", "english", "written"),
    [
        ("fr", "35.0% in 2024, +2.46 a year", "35,0\N{NO-BREAK SPACE}% in 2024, +2,46 a year"),
        ("es", "12,345.6 km; -0.25; 1,234", "12.345,6 km; -0,25; 1.234"),
        ("ru", "54.4 (rank 120 of 194, 111\u2013123)", "54,4 (rank 120 of 194, 111\u2013123)"),
        ("zh", "35.0%, 12,345.6", "35.0%, 12,345.6"),
        ("en", "35.0%, 12,345.6", "35.0%, 12,345.6"),
    ],
)
def test_english_written_numbers_are_rewritten_as_the_language_writes_them(lang, english, written):
    assert local_numbers(english, lang) == written


@pytest.mark.parametrize(
    "kept", ["CC BY 4.0", "CC BY-NC-SA 3.0 IGO", "SDG 5.1.1", "2030", "rank 12 of 194", "v1.2.3"]
)
def test_licences_codes_years_and_whole_numbers_are_left_alone(kept):
    for lang in UN_LANGUAGES:
        assert local_numbers(kept, lang) == kept


def test_only_a_value_that_is_one_figure_is_written_when_a_template_is_filled():
    assert local_figure("+2.46", "fr") == "+2,46"
    assert local_figure("35.0%", "ru") == "35,0\N{NO-BREAK SPACE}%"
    # A sentence already written in the language keeps its own text: Spanish "1.234" is a
    # thousand and more, and must not be read again as a decimal.
    assert local_figure("Meta 7.1 de los ODS: 1.234", "es") == "Meta 7.1 de los ODS: 1.234"
    assert local_figure(2030, "fr") == 2030


@pytest.mark.parametrize("lang", i18n.UN_LANGUAGES)
def test_catalogue_reads_as_pyyamls_pure_python_loader_does(lang):
    """messages() uses libyaml's loader for speed; it must give the same catalogue."""
    import yaml

    text = (i18n.LOCALES_DIR / f"{lang}.yaml").read_text(encoding="utf-8")
    tree = i18n._flatten(yaml.load(text, Loader=yaml.SafeLoader))
    if lang in i18n.RTL_LANGUAGES:
        tree = {k: i18n.mark_ltr_runs(v) for k, v in tree.items()}
    assert i18n.messages(lang) == tree
