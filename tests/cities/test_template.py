"""The import template and its reader, on Karmøy's real values: headers in six languages, every
problem listed with its row, nothing accepted unless the whole file is valid."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from readiness.cities.columns import VALUE_COLUMNS, header_lookup, norm
from readiness.cities.kpis import kpi_points
from readiness.cities.template import (
    TEMPLATE_COLUMNS,
    CityFileError,
    read_city_values,
    template_bytes,
    template_frame,
)
from readiness.errors import ReadinessError
from readiness.i18n import UN_LANGUAGES
from tests.cities.karmoy import KARMOY_YEAR, fill, filled_workbook

HEADER = "kpi_code,data_point,year,value,source,data_quality,target,target_direction,target_source"
SRC = "https://example.org/city-statistics"  # a user's source for hand-made rows


def _problems(data: bytes, name: str = "city.csv", lang: str = "en") -> CityFileError:
    with pytest.raises(CityFileError) as info:
        read_city_values(data, name, lang)
    assert isinstance(info.value, ReadinessError)
    return info.value


def test_template_has_one_row_per_kpi_and_data_point():
    frame = template_frame("en")
    points = kpi_points()
    assert len(frame) == len(points) == 112
    assert frame["KPI code"].tolist() == points["code"].tolist()
    assert frame["KPI name"].iloc[0] == "Household Internet Access"
    assert (frame[["Year", "Value", "Source", "Target"]] == "").all().all()


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_headers_are_distinct_and_read_back_in_every_language(lang):
    frame = template_frame(lang)
    assert len(set(frame.columns)) == len(TEMPLATE_COLUMNS)
    assert [header_lookup()[norm(h)] for h in frame.columns] == list(TEMPLATE_COLUMNS)
    if lang != "en":
        assert frame.columns[0] != "KPI code"


def test_no_header_means_two_columns_in_any_language():
    seen: dict[str, str] = {}
    from readiness.i18n import translate

    for lang in UN_LANGUAGES:
        for column in TEMPLATE_COLUMNS:
            label = norm(translate(lang, f"u4ssc.column.{column}"))
            assert seen.setdefault(label, column) == column, (lang, label)


def test_karmoy_values_read_from_the_csv_template(karmoy, karmoy_csv):
    values = read_city_values(karmoy_csv, "karmoy.csv")
    assert list(values.columns) == list(VALUE_COLUMNS)
    assert len(values) == len(karmoy) == 14
    got = values.set_index(["kpi_code", "data_point"])
    for row in karmoy.itertuples():
        one = got.loc[(row.kpi_code_mapped, row.data_point)]
        assert one["value"] == float(row.value) and one["year"] == KARMOY_YEAR
        assert one["source"] == row.source_url
    assert got.loc[("EC: ICT: ICT: 3C", ""), "value"] == 95424
    assert got.loc[("EC: ICT: D: 1A", ""), "value"] == 0.0  # a real 0, reported as such
    assert values["target"].isna().all() and (values["data_quality"] == "").all()
    assert set(values["unit"]) <= set(kpi_points()["unit"])


def test_karmoy_values_read_the_same_from_the_xlsx_template(karmoy, karmoy_csv):
    from_csv = read_city_values(karmoy_csv, "karmoy.csv")
    from_xlsx = read_city_values(filled_workbook(karmoy), "karmoy.xlsx")
    pd.testing.assert_frame_equal(from_xlsx, from_csv)


@pytest.mark.parametrize("lang", ["fr", "ar", "zh"])
def test_headers_in_other_languages_read_the_same(karmoy, karmoy_csv, lang):
    english = read_city_values(karmoy_csv, "karmoy.csv")
    filled = fill(template_frame(lang), karmoy)
    assert filled.columns[0] != "KPI code"
    local = read_city_values(filled.to_csv(index=False).encode("utf-8"), f"karmoy_{lang}.csv")
    pd.testing.assert_frame_equal(local, english)
    from_xlsx = read_city_values(filled_workbook(karmoy, lang), f"karmoy_{lang}.xlsx")
    pd.testing.assert_frame_equal(from_xlsx, english)


def test_a_file_with_several_problems_lists_each_with_its_row_and_stores_nothing():
    rows = [
        HEADER,
        f"EC: ICT: ICT: 1C,,2020,97,{SRC},,,,",  # row 2: fine
        f"EC: ICT: ICT: 9C,,2020,50,{SRC},,,,",  # row 3: unknown KPI
        f"EC: ICT: ICT: 4C,5G,2020,90,{SRC},,,,",  # row 4: unknown data point
        f"EC: ICT: ICT: 2C,,20x0,84.5,{SRC},,,,",  # row 5: year not a number
        f"EC: ICT: ICT: 2C,,2021,eighty,{SRC},,,,",  # row 6: value not a number
        f"EC: I: WS: 3C,,2020,-3,{SRC},,,,",  # row 7: negative share
        f"EC: I: WS: 4C,,2020,181.57,{SRC},,,,",  # row 8: percent over 100
        "EC: I: WS: 5C,,2020,100,,,,,",  # row 9: no source
        f"EC: ICT: WS: 1C,,2020,27.27,{SRC},guessed,,,",  # row 10: unknown data quality
        f"EC: ICT: ICT: 1C,,2020,96,{SRC},,,,",  # row 11: duplicate of row 2
        f"EC: ICT: ICT: 2C,,1989,84.5,{SRC},,,,",  # row 12: year before 1990
        f"EC: I: WS: 3C,,2020,35.42,{SRC},,20,,",  # row 13: target without direction or source
    ]
    error = _problems("\n".join(rows).encode("utf-8"))
    found = {(p.row, p.code) for p in error.problems}
    assert found == {
        (3, "unknown_kpi"), (4, "unknown_data_point"), (5, "bad_year"), (6, "bad_value"),
        (7, "negative"), (8, "over_100"), (9, "missing_source"), (10, "bad_data_quality"),
        (11, "duplicate"), (12, "bad_year"), (13, "missing_direction"),
        (13, "missing_target_source"),
    }  # fmt: skip
    by_code = {p.code: p for p in error.problems}
    assert by_code["duplicate"].column == "year" and "row 2" in by_code["duplicate"].message
    assert "3G, 4G" in by_code["unknown_data_point"].message
    assert str(error).startswith("city.csv: 12 problem(s) found; nothing was imported")
    table = error.table()
    assert list(table.columns) == ["row", "column", "problem", "message"] and len(table) == 12


def test_problems_are_written_in_the_users_language():
    rows = [HEADER, f"EC: ICT: ICT: 1C,,2020,cent,{SRC},,,,"]
    error = _problems("\n".join(rows).encode("utf-8"), lang="fr")
    assert error.problems[0].message.startswith("« cent » n'est pas un nombre")
    assert str(error).startswith("city.csv : 1 problème(s)")


def test_untouched_template_rows_are_skipped_half_filled_rows_are_not(karmoy_csv):
    frame = pd.read_csv(io.BytesIO(karmoy_csv), dtype=str, keep_default_na=False)
    assert len(frame) == 112 and (frame["Value"] == "").sum() == 98  # left empty: skipped
    # A row with a year and source but no value is a mistake, not an empty template row.
    row = frame.index[frame["KPI code"] == "EC: ICT: ES: 1C"][0]
    frame.loc[row, ["Year", "Source"]] = ["2020", SRC]
    error = _problems(frame.to_csv(index=False).encode("utf-8"))
    assert [(p.row, p.code) for p in error.problems] == [(row + 2, "missing_value")]
    only_empty = template_bytes("csv", "en")
    assert [p.code for p in _problems(only_empty, "empty.csv").problems] == ["no_values"]


def test_decimal_comma_only_where_the_separator_allows_it():
    semicolon = f"kpi_code;year;value;source\nEC: ICT: ICT: 2C;2020;84,51;{SRC}\n"
    values = read_city_values(semicolon.encode("utf-8"), "city.csv")
    assert values["value"].tolist() == [84.51]
    quoted = f'kpi_code,year,value,source\nEC: ICT: ICT: 2C,2020,"84,51",{SRC}\n'
    assert [p.code for p in _problems(quoted.encode("utf-8")).problems] == ["bad_value"]


def test_codes_labels_and_aliases_are_read_as_the_template_writes_them():
    rows = [
        "Code de l'ICP;Élément de données;Année;Valeur;Source de la valeur;Qualité des données",
        f"ec:ict:ict:5a;;2020;78;{SRC};Mesure exacte",
        f"EC: I: T: 4A;Marche;2019;12,5;{SRC};survey_extrapolation",
        f"EC: I: UP: 2A;compact;2020;1;{SRC};",
    ]
    values = read_city_values("\n".join(rows).encode("utf-8"), "ville.csv")
    assert values[["kpi_code", "data_point", "data_quality"]].values.tolist() == [
        ["EC: ICT: ICT: 5C", "", "accurate_measurement"],
        ["EC: I: T: 4A", "walking", "survey_extrapolation"],
        ["EC: I: UP: 2A", "compact", ""],
    ]
    assert values["value"].tolist() == [78.0, 12.5, 1.0]


def test_yes_no_kpis_take_one_or_zero():
    rows = [HEADER, f"EC: I: UP: 2A,compact,2020,2,{SRC},,,,"]
    assert [p.code for p in _problems("\n".join(rows).encode()).problems] == ["not_yes_no"]


def test_targets_need_a_source_and_a_direction_only_where_none_is_known():
    rows = [
        HEADER,
        # Household Internet access: higher is better in its ITU definition.
        f"EC: ICT: ICT: 1C,,2020,97,{SRC},,99,,Municipal digital plan 2030",
        # Water supply loss: the KPI list does not say; the user does.
        f"EC: I: WS: 3C,,2020,35.42,{SRC},,20,lower,Municipal water plan",
        # Maternal mortality: lower, from the SDG 3.1 reference target.
        f"SC: EH: H: 2C,,2020,5,{SRC},,10,,Regional health plan",
    ]
    values = read_city_values("\n".join(rows).encode("utf-8"), "city.csv").set_index("kpi_code")
    assert values["target_direction"].to_dict() == {
        "EC: ICT: ICT: 1C": "higher", "EC: I: WS: 3C": "lower", "SC: EH: H: 2C": "lower",
    }  # fmt: skip
    assert values.loc["EC: I: WS: 3C", "target_source"] == "Municipal water plan"
    conflict = [HEADER, f"EC: ICT: ICT: 1C,,2020,97,{SRC},,99,lower,Plan"]
    error = _problems("\n".join(conflict).encode("utf-8"))
    assert [p.code for p in error.problems] == ["direction_conflict"]


def test_columns_unknown_repeated_or_missing_are_reported_before_rows():
    text = "kpi_code,year,value,value,remarks\nEC: ICT: ICT: 1C,2020,97,97,x\n"
    codes = sorted(p.code for p in _problems(text.encode("utf-8")).problems)
    assert codes == ["duplicate_column", "missing_column", "unknown_column"]


def test_an_unreadable_file_is_one_problem():
    error = _problems(b"PK\x03\x04 not really a workbook", "city.xlsx")
    assert [p.code for p in error.problems] == ["unreadable"]


def test_xlsx_template_offers_drop_down_lists():
    book = openpyxl.load_workbook(io.BytesIO(template_bytes("xlsx", "fr")))
    assert book.sheetnames[0] == "data"
    sheet = book["data"]
    assert (
        sheet.cell(1, 1).value == "Code de l'ICP" and sheet.cell(2, 1).value == "EC: ICT: ICT: 1C"
    )
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert any("accurate_measurement" in f for f in lists)
    assert any("higher" in f for f in lists)
    assert template_bytes("xlsx", "fr") == template_bytes("xlsx", "fr")
    assert template_bytes("csv", "ar").startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
