"""What changed between two snapshots: the committed one (read only) and modified copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from readiness.paths import DATA_DIR
from readiness.refresh.changes import (
    TABLES,
    Tolerance,
    changes,
    coverage_fell,
    rank_changes,
    render_text,
    write,
)


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA_DIR, target)
    return target


def _values(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "values.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def modified(tmp_path_factory) -> Path:
    """A copy with one revised value, one new year and one income group change."""
    folder = _copy(tmp_path_factory.mktemp("changes"), "data")
    values = _values(folder)
    ken = (values["iso3"] == "KEN") & (values["indicator"] == "internet_use")
    values.loc[ken & (values["year"] == 2015), "value"] *= 1.10
    last = values[(values["iso3"] == "KEN") & (values["indicator"] == "fixed_telephone")]
    assert last["year"].max() == 2024
    added = last.tail(1).assign(year=2025, value=0.12)
    values = pd.concat([values, added], ignore_index=True)
    values.to_csv(folder / "values.csv", index=False, lineterminator="\n")
    countries = pd.read_csv(folder / "countries.csv", dtype=str, keep_default_na=False)
    assert countries.loc[countries["iso3"] == "KEN", "income_group"].item() != "High income"
    countries.loc[countries["iso3"] == "KEN", "income_group"] = "High income"
    countries.to_csv(folder / "countries.csv", index=False, lineterminator="\n")
    return folder


@pytest.fixture(scope="module")
def found(modified):
    return changes(DATA_DIR, modified)


def test_each_change_is_found_and_nothing_else(found):
    assert found.counts() == {
        "new_years": 1, "revised": 1, "groups": 1, "ranks": 0, "coverage": 0,
    }  # fmt: skip
    new = found.new_years.iloc[0]
    assert (new["indicator"], new["iso3"], new["economy"]) == ("fixed_telephone", "KEN", "Kenya")
    assert (new["old_year"], new["new_year"]) == (2024, 2025)
    rev = found.revised.iloc[0]
    assert (rev["indicator"], rev["iso3"], rev["year"]) == ("internet_use", "KEN", 2015)
    assert rev["new"] == pytest.approx(rev["old"] * 1.1, rel=1e-6)
    assert rev["change"] == pytest.approx(0.1, rel=1e-4)
    group = found.groups.iloc[0].to_dict()
    assert group["iso3"] == "KEN" and group["field"] == "income_group"
    assert group["new"] == "High income"


def test_text_and_files_name_every_change(found, tmp_path):
    text = render_text(found)
    assert "fixed_telephone KEN (Kenya): 2024 -> 2025" in text
    assert "internet_use KEN 2015:" in text and "(+10.0%)" in text
    assert "KEN (Kenya) income_group:" in text and "-> High income" in text
    markdown = write(found, tmp_path / "changes.md").read_text(encoding="utf-8")
    assert "## Revised values" in markdown and "| internet_use | KEN | Kenya | 2015 |" in markdown
    table = pd.read_csv(write(found, tmp_path / "changes.csv"))
    assert sorted(table["change"]) == ["groups", "new_years", "revised"]
    assert set(table["iso3"]) == {"KEN"}


def test_the_same_snapshot_changed_nothing():
    same = changes(DATA_DIR, DATA_DIR)
    assert same.empty and all(getattr(same, t).empty for t in TABLES)
    assert "nothing" in render_text(same)


def test_tolerance_hides_small_moves(modified):
    loose = changes(DATA_DIR, modified, Tolerance(relative=0.2))
    assert loose.revised.empty
    strict_abs = changes(DATA_DIR, modified, Tolerance(relative=0.0, absolute=10.0))
    assert strict_abs.revised.empty  # a 10 % move of about 1.7 points is under 10 points


def test_rank_and_tier_changes_beyond_n():
    codes = pd.Index(["AAA", "BBB", "CCC", "DDD"], name="iso3")
    old = pd.DataFrame(
        {"score": [80.0, 61.0, 50.0, None], "rank": [1, 2, 9, None],
         "tier": ["Leading", "Advancing", "Advancing", "Not scored"]},
        index=codes,
    )  # fmt: skip
    new = pd.DataFrame(
        {"score": [79.0, 59.0, 70.0, 20.0], "rank": [1, 3, 2, 40],
         "tier": ["Leading", "Emerging", "Advancing", "Starting"]},
        index=codes,
    )  # fmt: skip
    out = rank_changes(old, new, rank_moves=5).set_index("iso3")
    assert list(out.index) == ["BBB", "CCC", "DDD"]  # AAA: same tier, rank moved 0
    assert out.loc["CCC", "move"] == 7 and out.loc["BBB", "new_tier"] == "Emerging"
    assert out.loc["DDD", "old_tier"] == "Not scored" and pd.isna(out.loc["DDD", "old_rank"])
    assert list(rank_changes(old, new, rank_moves=7).set_index("iso3").index) == ["BBB", "DDD"]


def test_coverage_fell():
    old = pd.DataFrame(
        {"indicator": ["a", "b", "c"], "economies_in_window": [100, 50, 10],
         "economies_any_year": [120, 60, 12]}
    )  # fmt: skip
    new = old.assign(economies_in_window=[90, 50, 12], economies_any_year=[120, 59, 12])
    out = coverage_fell(old, new)
    assert list(out["indicator"]) == ["a", "b"]
    assert out.iloc[0].to_dict() == {
        "indicator": "a", "old_in_window": 100, "new_in_window": 90,
        "old_any_year": 120, "new_any_year": 120,
    }  # fmt: skip
