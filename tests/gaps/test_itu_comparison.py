"""The tool's group values beside ITU's own published aggregates (November 2024 edition).

The workbook lives outside the repository (../shared/data/raw/itu_datahub); these tests skip,
saying so, only when it is absent. docs/AGGREGATES.md has the full comparison.
"""

from __future__ import annotations

import pytest

from bench.itu_aggregates import GROUPS, SERIES, read_itu_aggregates, workbook_path
from readiness.gaps.analysis import gap_table
from readiness.gaps.cube import gap_inputs

# ITU's own revision between editions: world Internet use 2024 was 67.6 in this workbook and
# 71 in Facts and Figures 2025 (itu_datahub/SOURCES.md); docs/AGGREGATES.md section 5.
ITU_REVISION = 71.0 - 67.6


@pytest.fixture(scope="module")
def itu():
    path = workbook_path()
    if not path.is_file():
        pytest.skip(f"ITU's aggregates workbook is not at {path} (outside the repository)")
    return read_itu_aggregates(path)


@pytest.fixture(scope="module")
def ours():
    table = gap_table(gap_inputs(), ["WORLD", "LDC"], range(2019, 2024))
    return table[table["code"] == "internet_use"].set_index(["group", "year"])["weighted"]


def _itu(itu, group, code, year):
    hit = itu[(itu["group"] == group) & (itu["code"] == code) & (itu["year"] == year)]
    assert len(hit) == 1, (group, code, year)
    return float(hit["value"].iloc[0])


def test_reader_finds_every_group_and_series(itu):
    recent = itu[itu["year"].between(2019, 2024)]
    assert set(recent["group"]) == set(GROUPS.values())
    assert set(recent["code"]) == {code for code, _, _ in SERIES.values()}
    per_pair = recent.groupby(["group", "code"]).size()
    assert len(per_pair) == len(GROUPS) * len(SERIES) and (per_pair == 6).all()
    assert _itu(itu, "WORLD", "internet_use", 2024) == 67.6  # the edition SOURCES.md cites


def test_ldc_internet_use_2023_within_3_points(itu, ours):
    assert abs(ours["LDC", 2023] - _itu(itu, "LDC", "internet_use", 2023)) <= 3.0


def test_world_internet_use_within_2_points_before_the_revisions(itu, ours):
    for year in range(2019, 2023):
        assert abs(ours["WORLD", year] - _itu(itu, "WORLD", "internet_use", year)) <= 2.0, year


def test_world_internet_use_2023_within_itus_own_revision(itu, ours):
    # Our 2023 value rests on newer country data (China's 2023 value above all) than this
    # edition had; the difference stays inside what ITU itself revised between editions.
    assert abs(ours["WORLD", 2023] - _itu(itu, "WORLD", "internet_use", 2023)) <= ITU_REVISION
