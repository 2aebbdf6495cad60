"""Group figures that never change membership silently: estimates, the coverage rule, the
nowcast and one income classification (readiness.gaps.estimates, docs/GAPS.md section 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.data.groups import MIN_COVERED_SHARE, MIN_REPORTED_SHARE, enough_coverage
from readiness.gaps.analysis import economy_gaps, gap_table
from readiness.gaps.cube import gap_inputs, membership, parse_group
from readiness.gaps.datagaps import economy_status, group_datagaps
from readiness.gaps.estimates import DAMPING, MAX_AGE, bounds
from readiness.gaps.peers import find_peers


@pytest.fixture(scope="module")
def inputs():
    return gap_inputs()


def _row(table: pd.DataFrame, group: str, year: int, code: str = "internet_use") -> pd.Series:
    rows = table[(table["group"] == group) & (table["year"] == year) & (table["code"] == code)]
    assert len(rows) == 1
    return rows.iloc[0]


def _members_without_value(inputs, group: str, year: int, code: str) -> list[str]:
    groups, member = membership(inputs)
    g = [x.code for x in groups].index(group)
    t, k = inputs.year_index(year), inputs.code_index(code)
    no_value = np.isnan(inputs.values[t, :, k])
    return list(inputs.units[member[t, g] & no_value])


def test_a_region_keeps_its_large_members_without_data(inputs):
    """Arab States 2025: the members without a value in the window are estimated, not dropped."""
    table = gap_table(inputs, ["ITU_ARB"], [2025])
    row = _row(table, "ITU_ARB", 2025)
    lacking = _members_without_value(inputs, "ITU_ARB", 2025, "internet_use")
    assert lacking  # the data have such members (Sudan, Syria, Yemen in this snapshot)
    t, k = inputs.year_index(2025), inputs.code_index("internet_use")
    u = inputs.units.get_indexer(pd.Index(lacking))
    proj = inputs.projections
    when = np.full(len(inputs.codes), np.floor(row["median_data_year"]))
    estimates = proj.at(when, t)[u, k]
    assert row["n_estimated"] == int((~np.isnan(estimates)).sum()) > 0
    # The shares add up to the whole group once every lacking member is estimated.
    assert row["population_share"] < 0.9
    assert row["population_share"] + row["estimated_share"] == pytest.approx(1.0, abs=1e-9)
    # By hand: the population-weighted mean of reported values and estimates.
    groups, member = membership(inputs)
    g = [x.code for x in groups].index("ITU_ARB")
    inside = member[t, g]
    values = np.where(np.isnan(inputs.values[t, :, k]), np.nan, inputs.values[t, :, k])
    values[u] = estimates
    w = inputs.population[t]
    ok = inside & ~np.isnan(values)
    assert row["weighted"] == pytest.approx(np.average(values[ok], weights=w[ok]), rel=1e-9)
    # The old mean over reporters only is kept beside it, and it differs.
    assert abs(row["as_reported"] - row["weighted"]) > 1.0
    assert not row["withheld"]


def test_an_estimate_is_never_shown_as_the_members_own_value(inputs):
    lacking = _members_without_value(inputs, "ITU_ARB", 2025, "internet_use")
    own = economy_gaps(inputs, 2025, lacking, codes=["internet_use"])
    assert own["value"].isna().all()
    assert set(own["outlook"]) == {"no data"}
    status = economy_status(inputs, [2025], lacking)
    assert set(status.loc[status["indicator"] == "internet_use", "status"]) == {"missing"}


def test_a_member_leaving_the_window_does_not_move_the_group_alone(inputs):
    """SIDS: a member whose last value leaves the window is estimated the next year, so the
    group covers the same people both years and its value moves less than the reporters' mean."""
    table = gap_table(inputs, ["SIDS"], [2023, 2024])
    before, after = _row(table, "SIDS", 2023), _row(table, "SIDS", 2024)
    left = set(_members_without_value(inputs, "SIDS", 2024, "internet_use")) - set(
        _members_without_value(inputs, "SIDS", 2023, "internet_use")
    )
    assert left  # Haiti (last value 2019) in this snapshot
    covered = [r["population_share"] + r["estimated_share"] for r in (before, after)]
    assert min(covered) > 0.99
    assert after["n_estimated"] > before["n_estimated"]
    jump_reported = abs(after["as_reported"] - before["as_reported"])
    jump_group = abs(after["weighted"] - before["weighted"])
    assert jump_group < jump_reported


def test_below_the_coverage_rule_no_group_value_is_given(inputs):
    """A group whose largest member has no value and no estimate gets no value, and says why."""
    lacking = _members_without_value(inputs, "WORLD", 2025, "internet_use")
    t, k = inputs.year_index(2025), inputs.code_index("internet_use")
    proj = inputs.projections
    too_old = [c for c in lacking if np.isnan(proj.value[t, inputs.units.get_loc(c), k])
               or 2025 - proj.year[t, inputs.units.get_loc(c), k] > MAX_AGE]  # fmt: skip
    big = max(too_old, key=lambda c: inputs.population[t, inputs.units.get_loc(c)])
    small = ["LSO", "BWA"]  # two reporters much smaller than the one without data
    group = parse_group("THIN", inputs, [big, *small])
    row = _row(gap_table(inputs, [group], [2025]), "THIN", 2025)
    assert row["withheld"]
    assert np.isnan(row["weighted"]) and np.isnan(row["simple"]) and np.isnan(row["nowcast"])
    assert row["population_share"] < MIN_REPORTED_SHARE
    assert row["outlook"] == "no data"
    assert row["n"] == 2  # the reporters are still counted and shown


def test_the_coverage_rule_at_its_edges():
    assert enough_coverage(MIN_REPORTED_SHARE, MIN_COVERED_SHARE - MIN_REPORTED_SHARE)
    assert not enough_coverage(MIN_REPORTED_SHARE - 0.01, 0.5)  # estimates cannot carry it
    assert not enough_coverage(0.6, 0.0)  # reported enough, but a third is missing
    assert enough_coverage(0.7, 0.0)
    assert not enough_coverage(np.nan, 0.5)
    assert list(enough_coverage(np.array([0.4, 0.9]), np.array([0.6, 0.0]))) == [False, True]


def test_damped_trend_and_range(inputs):
    proj = inputs.projections
    t, k = inputs.year_index(2025), inputs.code_index("internet_use")
    pace = proj.pace[t, :, k]
    u = int(np.nanargmax(np.where(proj.year[t, :, k] <= 2020, pace, np.nan)))
    base, year = proj.value[t, u, k], proj.year[t, u, k]
    when = np.full(len(inputs.codes), year + 2)
    expected = min(100.0, base + pace[u] * (DAMPING + DAMPING**2))
    assert proj.at(when, t)[u, k] == pytest.approx(expected)
    far = np.full(len(inputs.codes), year + MAX_AGE + 1)
    assert np.isnan(proj.at(far, t)[u, k])
    assert bounds("% of population") == (0.0, 100.0)
    assert bounds("% of monthly GNI per capita") == (0.0, np.inf)
    assert bounds("score 0-5") == (0.0, 5.0)


def test_nowcast_projects_to_the_reference_year(inputs):
    """The nowcast stands for the reference year; with growing Internet use it is above the
    group value of older data, and it is an estimate that pillars and the index never get."""
    table = gap_table(inputs, ["LDC", "WORLD"], [2025])
    for group in ("LDC", "WORLD"):
        row = _row(table, group, 2025)
        assert row["median_data_year"] < 2025
        assert row["nowcast"] > row["weighted"]
    assert table.loc[table["level"] != "indicator", "nowcast"].isna().all()


def test_one_income_classification_everywhere(inputs):
    """Low income in 2018 has the members the World Bank classified for that year, whether the
    gaps table, the data gaps (per indicator or per economy) or the peer finder asks."""
    history = inputs.snapshot.income_history
    in_2018 = history[history["year"] == 2018]
    lic_2018 = set(in_2018.loc[in_2018["income_group"] == "Low income", "iso3"])
    current = set(inputs.snapshot.countries.query("income_group == 'Low income'")["iso3"])
    assert lic_2018 != current  # the classification changed, so the test can tell them apart
    group = parse_group("LIC", inputs, year=2018)
    assert set(group.members) == lic_2018
    row = _row(gap_table(inputs, ["LIC"], [2018]), "LIC", 2018)
    assert row["N"] == len(lic_2018)
    per_indicator = group_datagaps(inputs, ["LIC"], [2018])
    assert set(per_indicator["N"]) == {len(lic_2018)}
    per_economy = economy_status(inputs, [2018], group.members)
    assert set(per_economy["iso3"]) == lic_2018
    peers = find_peers("KEN", ["gni_per_capita", "income_group"], year=2015, inputs=inputs)
    at_2015 = history[history["year"] == 2015].set_index("iso3")["income_group"]
    shown = peers.table.set_index("iso3")["income_group"]
    assert (shown == at_2015.reindex(shown.index)).all()


def test_compare_means_follow_the_coverage_rule(inputs):
    """The compare page's group means (no estimates) are withheld below two thirds."""
    from readiness.data.groups import group_mean

    t, k = inputs.year_index(2025), inputs.code_index("internet_use")
    values = pd.Series(inputs.values[t, :, k], index=inputs.units)
    weights = pd.Series(inputs.population[t], index=inputs.units)
    assert np.isnan(values["PRK"]) and not np.isnan(values["KOR"])
    share = weights["KOR"] / (weights["KOR"] + weights["PRK"])
    thin = group_mean(values, ["KOR", "PRK"], weights)
    assert share < MIN_COVERED_SHARE
    assert thin.withheld and np.isnan(thin.simple) and thin.coverage == "1/2"
    full = group_mean(values, ["KOR", "JPN"], weights)
    assert not full.withheld and full.simple == pytest.approx(values[["KOR", "JPN"]].mean())
