"""The library file and the filters."""

from __future__ import annotations

import pytest

from readiness.errors import ReadinessError
from readiness.experiences.studies import STUDY_COLUMNS, filter_studies, load_library


def test_library_is_the_committed_file(library):
    assert tuple(library.columns) == STUDY_COLUMNS
    assert len(library) == 50 and library["case_id"].is_unique
    assert set(library["origin"]) == {"library"} and set(library["status"]) == {"published"}
    assert library.isna().sum().sum() == 0  # all text, "" for none
    library.loc[0, "summary"] = "changed"
    assert load_library().loc[0, "summary"] != "changed"  # callers get a copy


def test_filter_by_economy_group_and_region(library, countries):
    kenya = filter_studies(library, economy="KEN")
    assert len(kenya) == 9
    ghana = filter_studies(library, economy="gha")
    assert set(ghana["case_id"]) == {"CS001", "CS047"}  # the 3-economy study counts for each
    ldc = filter_studies(library, group="LDC", countries=countries)
    assert len(ldc) == 19
    assert "CS047" in set(ldc["case_id"])  # SEN and TGO are LDCs
    africa = filter_studies(library, group="Africa", countries=countries)
    assert len(africa) == len(filter_studies(library, group="ITU_AFR", countries=countries)) == 26
    assert len(filter_studies(library, group="SIDS", countries=countries)) == 5
    with pytest.raises(ReadinessError, match="unknown group"):
        filter_studies(library, group="Atlantis", countries=countries)


def test_filter_by_sector_stage_technology_text(library):
    assert len(filter_studies(library, sector="water")) == 15
    assert len(filter_studies(library, stage="plan")) == 2
    lora = filter_studies(library, technology="lora")
    assert len(lora) > 0 and lora["technology"].str.lower().str.contains("lora").all()
    assert set(filter_studies(library, text="Diamniadio")["case_id"]) == {"CS049"}
    with pytest.raises(ReadinessError, match="unknown stage"):
        filter_studies(library, stage="planned")


def test_filter_by_factor_and_side(library, coding):
    power = filter_studies(library, factors=coding, factor="power", side="limiting")
    assert set(power["case_id"]) == {"CS007", "CS022"}
    either = filter_studies(library, factors=coding, factor="power")
    assert set(either["case_id"]) == {"CS007", "CS022", "CS042"}
    with pytest.raises(ReadinessError, match="needs the coding"):
        filter_studies(library, factor="power")
