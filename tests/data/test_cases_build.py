"""The case-study build: raw case_studies.csv to data/cases/case_studies.csv, checked."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from readiness.data.build.cases import (
    OUTCOMES,
    RAW_FILE,
    STUDY_COLUMNS,
    build_cases,
    normal_stage,
    read_case_studies,
)
from readiness.errors import ReadinessError
from readiness.paths import DATA_DIR


@pytest.fixture(scope="module")
def known():
    return set(pd.read_csv(DATA_DIR / "countries.csv", keep_default_na=False)["iso3"])


def test_build_equals_the_committed_file_and_is_stable(raw_dir, known):
    first = build_cases(raw_dir, known)
    second = build_cases(raw_dir, known)
    assert first == second
    committed = (DATA_DIR / "cases" / "case_studies.csv").read_bytes()
    assert first["cases/case_studies.csv"] == committed


def test_rows_keep_the_raw_facts(raw_dir, known):
    raw = pd.read_csv(raw_dir / RAW_FILE, dtype=str, keep_default_na=False)
    built = read_case_studies(raw_dir, known)
    assert tuple(built.columns) == STUDY_COLUMNS
    assert len(built) == len(raw) == 50
    merged = built.merge(raw, on="case_id", suffixes=("", "_raw"))
    assert (merged["enabling"] == merged["enabling_factors"].str.strip()).all()
    assert (merged["limiting"] == merged["limiting_factors"].str.strip()).all()
    assert (merged["stage_detail"] == merged["stage_raw"].str.strip()).all()
    assert (merged["source_url"] == merged["source_url_raw"].str.strip()).all()
    assert (merged["summary"] == merged["summary_raw"].str.strip()).all()
    assert set(built["origin"]) == {"library"} and set(built["status"]) == {"published"}
    multi = built.set_index("case_id").loc["CS047"]
    assert multi["economies"] == "SEN;GHA;TGO"
    assert built.set_index("case_id").loc["CS007", "sectors"] == "education;health;government;other"


def test_stages_normalised_detail_kept(raw_dir, known):
    built = read_case_studies(raw_dir, known).set_index("case_id")
    assert built.loc["CS049", "stage"] == "plan"  # "planned"
    assert built.loc["CS048", "stage"] == "plan"  # "strategy"
    assert built.loc["CS013", "stage"] == "scaled"
    assert built.loc["CS013", "stage_detail"] == "scaled (network); planned (water meters)"
    assert built.loc["CS045", "stage"] == "pilot"  # "pilot/launch"
    assert built["stage"].value_counts().to_dict() == {
        "pilot": 22, "scaled": 12, "scaling": 9, "deployed": 4, "plan": 2, "assessment": 1,
    }  # fmt: skip
    with pytest.raises(ReadinessError, match="starts with none of"):
        normal_stage("rumoured")


def test_outcomes_are_the_summarys_own_words_or_empty(raw_dir, known):
    built = read_case_studies(raw_dir, known)
    stated = built[built["outcomes"] != ""]
    assert set(stated["case_id"]) == set(OUTCOMES)
    assert all(o in s for o, s in zip(stated["outcomes"], stated["summary"], strict=True))
    assert (built.loc[~built["case_id"].isin(OUTCOMES), "outcomes"] == "").all()


def _bad_copy(raw_dir, tmp_path, edit):
    target = tmp_path / "raw"
    (target / "case_studies").mkdir(parents=True)
    shutil.copy(raw_dir / RAW_FILE, target / RAW_FILE)
    frame = pd.read_csv(target / RAW_FILE, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(target / RAW_FILE, index=False)
    return target


def test_bad_rows_are_refused_every_problem_named(raw_dir, known, tmp_path):
    def edit(frame):
        frame.loc[1, "case_id"] = "CS001"
        frame.loc[2, "country_iso3"] = "XXX"
        frame.loc[3, "source_url"] = "javascript:alert(1)"
        frame.loc[4, "sector"] = "water; mining"
        frame.loc[5, "stage"] = "rumoured"

    raw = _bad_copy(raw_dir, tmp_path, edit)
    with pytest.raises(ReadinessError) as err:
        read_case_studies(raw, known)
    text = str(err.value)
    for expected in ("['CS001'] repeated", "XXX", "not http(s)", "mining", "rumoured"):
        assert expected in text
    assert "5 problem(s)" in text


def test_missing_raw_file_is_named(tmp_path, known):
    with pytest.raises(ReadinessError, match=r"case studies .* not found"):
        read_case_studies(tmp_path, known)
