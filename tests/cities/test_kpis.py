"""The 91 U4SSC KPIs in data/u4ssc/kpis.csv against the raw file and the counts ITU publishes."""

from __future__ import annotations

import csv

import pytest

from readiness.cities import kpis
from readiness.cities.kpis import (
    WIFI,
    class_label,
    data_point_label,
    kpi_name,
    kpi_points,
    level_name,
    load_kpis,
    normal_code,
    unit_label,
    verification_counts,
    verification_label,
)
from readiness.data.build.u4ssc import build_u4ssc
from readiness.i18n import UN_LANGUAGES
from readiness.paths import DATA_DIR


@pytest.fixture(scope="module")
def raw_kpis(raw_dir) -> list[dict[str, str]]:
    with (raw_dir / "u4ssc" / "u4ssc_kpis.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_91_kpis_in_3_dimensions_7_sub_dimensions_22_categories():
    table = load_kpis()
    assert len(table) == 91 and table["code"].is_unique
    assert table["dimension"].value_counts().to_dict() == {
        "Economy": 45, "Society and Culture": 29, "Environment": 17,
    }  # fmt: skip
    assert table["sub_dimension"].nunique() == 7
    assert table["category"].nunique() == 22
    # 54 core, 36 advanced, and Wi-Fi, whose sources disagree (5C or 5A).
    assert table["core_advanced"].value_counts().to_dict() == {
        "Core": 54, "Advanced": 36, "Unresolved": 1,
    }  # fmt: skip
    assert table.loc[table["core_advanced"] == "Unresolved", "code"].tolist() == [WIFI]


def test_every_fact_is_the_raw_files(raw_kpis):
    table = load_kpis().set_index("code")
    assert list(table.index) == [r["kpi_code"] for r in raw_kpis]
    for raw in raw_kpis:
        row = table.loc[raw["kpi_code"]]
        assert row["name"] == raw["kpi_name"] and row["category"] == raw["category"]
        assert row["verification_level"] == raw["verification_level"]
        assert row["unit"] == (raw["unit"] or raw["unit_secondary"])
        assert bool(row["unit_verified"]) == bool(raw["unit"])
        assert row["definition"] == (raw["definition_brief"] or raw["definition_secondary"])
        assert row["source_url"] == raw["primary_source_urls"]


def test_verification_status_3_full_18_by_code_or_name_70_secondary():
    counts = verification_counts()
    assert counts["primary_full"] == 3
    assert counts["primary_code_and_name"] + counts["primary_name_and_category"] == 18
    assert counts["secondary_two_sources"] == 70
    table = load_kpis()
    full = table[table["verification_level"] == "primary_full"]
    assert full["code"].tolist() == ["EC: ICT: ICT: 1C", "EC: ICT: ICT: 2C", "SC: EH: ED: 5A"]
    assert full["unit_verified"].all() and full["definition_verified"].all()
    # A KPI only the secondary lists give has no verified unit or definition.
    secondary = table[table["verification_level"] == "secondary_two_sources"]
    assert not secondary["unit_verified"].any() and not secondary["definition_verified"].any()
    for lang in UN_LANGUAGES:
        assert verification_label("secondary_two_sources", lang)


def test_direction_only_where_a_primary_definition_says_it():
    table = load_kpis()
    said = table[table["direction"] != "unknown"]
    assert set(said["direction"]) == {"higher"}
    assert said["code"].tolist() == ["EC: ICT: ICT: 1C", "EC: ICT: ICT: 2C", "SC: EH: ED: 5A"]
    assert said["definition"].str.contains("higher").all()


def test_wifi_conflict_and_aliases():
    table = load_kpis().set_index("code")
    assert "5A" in table.loc[WIFI, "notes"] and "N/A" in table.loc[WIFI, "benchmark_note"]
    assert normal_code("EC: ICT: ICT: 5A") == WIFI
    assert normal_code("ec:ict:ict:1c") == "EC: ICT: ICT: 1C"
    # Electronic health records: ED in its code, Health as its category (CM 2017 p.101).
    assert normal_code("SC: EH: H: 6A") == "SC: EH: ED: 5A"
    assert table.loc["SC: EH: ED: 5A", "category"] == "Health"
    assert normal_code("EC: ICT: ICT: 9C") is None


def test_one_row_per_kpi_and_data_point():
    points = kpi_points()
    assert len(points) == 112 and not points.duplicated(["code", "data_point"]).any()
    by_code = points.groupby("code")["data_point"].apply(list)
    assert by_code["EC: ICT: ICT: 4C"] == ["3G", "4G"]
    assert by_code["EN: EN: AQ: 1C"] == ["PM2.5", "PM10", "NO2", "SO2", "O3"]
    assert by_code["EC: I: WS: 1C"] == [""]
    open_data = points[points["code"] == "EC: ICT: PS: 1A"].set_index("data_point")
    assert open_data["unit"].to_dict() == {"number": "number", "percent": "percentage"}
    assert open_data["percent"].to_dict() == {"number": False, "percent": True}
    assert points.loc[points["yes_no"], "code"].unique().tolist() == [
        "EC: I: UP: 2A", "SC: SH: SA: 3A",
    ]  # fmt: skip


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_every_name_has_its_words_in_every_language(lang):
    table = load_kpis()
    names = [kpi_name(code, lang) for code in table["code"]]
    assert all(names) and len(set(names)) == 91
    for level in ("dimension", "sub_dimension", "category"):
        for name in table[level].unique():
            assert level_name(level, name, lang)
    points = kpi_points()
    for unit in points["unit"].unique():
        assert unit_label(unit, lang)
    for value in ("Core", "Advanced", "Unresolved"):
        assert class_label(value, lang)
    if lang != "en":
        assert kpi_name("EC: ICT: ICT: 1C", lang) != "Household Internet Access"
        assert data_point_label("walking", lang) != "Walking"
        assert unit_label("per 100,000 inhabitants", lang) != "per 100,000 inhabitants"
    assert data_point_label("4G", lang) == "4G"


def test_the_build_writes_the_committed_files_byte_for_byte(raw_dir):
    first, second = build_u4ssc(raw_dir), build_u4ssc(raw_dir)
    assert first == second
    for name, payload in first.items():
        assert (DATA_DIR / name).read_bytes() == payload, name
    assert kpis.KPIS_FILE == DATA_DIR / "u4ssc" / "kpis.csv"
