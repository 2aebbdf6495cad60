"""AppTest: a table's numbers are written as the page's language writes them (Babel), while the
cells stay numbers (so columns sort by value) and a missing value shows as missing."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from babel.numbers import get_decimal_symbol
from streamlit import dataframe_util

from readiness.i18n import MISSING, format_number, printf_writes_like
from tests.app.test_app_map import open_app


def shown(table) -> pd.DataFrame:
    """The text a table's cells show (the Styler's display values Streamlit sends)."""
    display = table.proto.arrow_data.styler.display_values
    assert display, "the table is sent with its display values"
    return dataframe_util.convert_arrow_bytes_to_pandas_df(display)


def first_decimal_table(at):
    for table in at.dataframe:
        values = table.value
        decimal = [c for c in values.columns if pd.api.types.is_float_dtype(values[c])]
        if decimal:
            return table, values, decimal
    raise AssertionError("no table with decimal numbers")


def grid_format(table, column: str) -> str | None:
    """The printf format the grid applies to a column itself (column_config), if any."""
    config = json.loads(table.proto.columns or "{}").get(column, {})
    return config.get("type_config", {}).get("format")


@pytest.mark.parametrize("page", ["app_pages/gaps.py", "app_pages/data_sources.py"])
def test_decimals_follow_the_page_language(page):
    en_table, en_values, en_cols = first_decimal_table(open_app(page))
    fr_table, fr_values, fr_cols = first_decimal_table(open_app(page, lang="fr"))
    fr_shown = shown(fr_table)
    column, fr_column = en_cols[0], fr_cols[0]  # the same column, its label translated
    row = int(en_values[column].notna().to_numpy().argmax())
    value = en_values[column].iloc[row]
    assert fr_values[fr_column].iloc[row] == value  # the cells are still the same numbers
    # English: the grid writes "%,.1f" itself, exactly Babel's "#,##0.0" for en; no text sent
    assert printf_writes_like("en")
    assert grid_format(en_table, column) == "%,.1f"
    assert not en_table.proto.arrow_data.styler.display_values
    assert format_number(value, "en") == f"{value:,.1f}"
    # French: Babel's text, "," decimal
    assert not printf_writes_like("fr")
    assert fr_shown[fr_column].iloc[row] == format_number(value, "fr")
    assert "," in fr_shown[fr_column].iloc[row]


def test_missing_numbers_show_as_missing_and_years_stay_whole():
    at = open_app("app_pages/data_sources.py", lang="ru")
    coverage = next(t for t in at.dataframe if "median_year" in t.value.columns)
    values, text = coverage.value, shown(coverage)
    assert pd.api.types.is_float_dtype(values["median_year"])  # numeric: sorts by value
    known = values["median_year"].notna()
    assert (text.loc[known, "median_year"] == values.loc[known, "median_year"].map(
        lambda y: str(round(y)))).all()  # fmt: skip
    for column in values.columns:
        if pd.api.types.is_float_dtype(values[column]):
            assert (text.loc[values[column].isna(), column] == MISSING).all()


@pytest.mark.parametrize("lang", ["ru", "es", "ar", "zh"])
def test_other_languages_use_babels_decimal_mark(lang):
    table, values, columns = first_decimal_table(open_app("app_pages/gaps.py", lang=lang))
    column = columns[0]
    row = int(values[column].notna().to_numpy().argmax())
    value = values[column].iloc[row]
    expected = f"{value:.1f}".replace(".", get_decimal_symbol(lang))
    if printf_writes_like(lang):  # the grid's own "%,.1f" is what Babel writes there
        assert grid_format(table, column) == "%,.1f"
        assert format_number(value, lang) == f"{value:,.1f}" and expected == f"{value:.1f}"
    else:
        assert shown(table)[column].iloc[row] == expected


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_charts_use_the_languages_decimal_and_group_marks(lang):
    from babel.numbers import get_group_symbol

    at = open_app("app_pages/gaps.py", lang=lang)
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert specs
    marks = get_decimal_symbol(lang) + get_group_symbol(lang)
    assert all(s["layout"].get("separators") == marks for s in specs)


def test_the_maps_hover_writes_the_value_in_the_languages_marks():
    fr = json.loads(open_app(None, lang="fr").get("vega_lite_chart")[0].proto.spec)
    from tests.app.test_shared_views import _records

    values = [r["tip"]["Valeur"] for r in _records(fr) if r["status"] == "value"]
    assert values and all("." not in v for v in values)
    assert any("," in v for v in values)
    assert fr["config"]["locale"]["number"]["decimal"] == ","  # the legend's ticks


def test_bar_labels_write_numbers_in_the_languages_marks():
    def labels(lang: str) -> list[str]:
        at = open_app("app_pages/profile.py", economy="KEN", lang=lang)
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)  # scores against the groups
        return [x for trace in spec["data"] for x in trace.get("text") or [] if x]

    en, fr = labels("en"), labels("fr")
    assert en and len(en) == len(fr)
    assert [x.replace(".", ",") for x in en] == fr  # "54.4" in English, "54,4" in French
    assert any("," in x for x in fr)
