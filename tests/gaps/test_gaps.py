"""Group values, gaps and trends: hand-checkable fixtures, then the real snapshot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.data.groups import custom_group, group_mean, standard_groups
from readiness.errors import ReadinessError
from readiness.gaps.analysis import economy_gaps, gap_table
from readiness.gaps.cube import aggregate, gap_inputs, median_years, membership, parse_group
from readiness.gaps.trends import outlook, slopes
from readiness.index.engine import score_snapshot

nan = np.nan


# --- fixtures you can check by hand -------------------------------------------------------------
def test_aggregate_means_coverage_and_data_facts():
    # 1 year, 4 economies, 2 codes; group 0 = economies 0-2, group 1 = economy 3 only.
    values = np.array([[[10.0, 1.0], [30.0, nan], [nan, 5.0], [50.0, nan]]])
    member = np.array([[[True, True, True, False], [False, False, False, True]]])
    weights = np.array([[1.0, 3.0, 100.0, 2.0]])
    years = np.array([[[2020.0, 2021.0], [2022.0, nan], [nan, 2019.0], [2023.0, nan]]])
    est = np.array([[[True, False], [False, False], [False, True], [False, False]]])
    s = aggregate(values, member, weights, years, est)
    assert s.simple[0, 0].tolist() == [20.0, 3.0]
    assert s.weighted[0, 0, 0] == (10 * 1 + 30 * 3) / 4
    assert s.weighted[0, 0, 1] == (1 * 1 + 5 * 100) / 101
    assert s.n[0].tolist() == [[2, 2], [1, 0]]
    assert s.total.tolist() == [[3, 1]]
    assert s.population_share[0, 0].tolist() == [4 / 104, 101 / 104]
    assert s.low[0, 0].tolist() == [10.0, 1.0] and s.high[0, 0].tolist() == [30.0, 5.0]
    assert s.median_year[0, 0].tolist() == [2021.0, 2020.0]
    assert s.estimate_share[0, 0].tolist() == [0.5, 0.5]
    # A group without data is missing, never zero, with coverage 0 of N.
    assert np.isnan(s.weighted[0, 1, 1]) and np.isnan(s.simple[0, 1, 1])
    assert s.population_share[0, 1, 1] == 0.0


def test_an_economy_without_a_weight_counts_in_n_but_not_in_the_weighted_mean():
    values = np.array([[[10.0], [20.0]]])
    s = aggregate(values, np.array([[[True, True]]]), np.array([[nan, 5.0]]))
    assert s.n[0, 0, 0] == 2 and s.simple[0, 0, 0] == 15.0 and s.weighted[0, 0, 0] == 20.0


def test_median_years_by_counting():
    years = np.array([[[2018.0], [2020.0], [2023.0], [nan]]])
    member = np.array([[[True, True, True, True], [True, False, False, True]]])
    assert median_years(years, member)[0, :, 0].tolist() == [2020.0, 2018.0]
    member2 = np.array([[[True, True, False, False]]])
    assert median_years(years, member2)[0, 0, 0] == 2019.0


def test_slope_is_least_squares_on_observed_years_only():
    years = np.arange(2018, 2024)
    # Economy 0: 10, 12, 14 in 2019, 2020, 2022 (2021 missing) -> slope 2 per year.
    # Economy 1: a single value in the window -> no slope.
    cube = np.full((6, 2, 1), nan)
    cube[[1, 2, 4], 0, 0] = [10.0, 12.0, 16.0]
    cube[3, 1, 0] = 50.0
    slope, n = slopes(cube, years, 2023, window=5)
    assert slope[0, 0] == pytest.approx(2.0) and n[0, 0] == 3
    assert np.isnan(slope[1, 0]) and n[1, 0] == 1
    # A 2-year window ending 2021 sees 2020 only for economy 0.
    slope2, n2 = slopes(cube, years, 2021, window=2)
    assert np.isnan(slope2[0, 0]) and n2[0, 0] == 1


def test_years_to_target_already_met_not_at_current_pace_and_projections():
    value = np.array([96.0, 100.0, 60.0, 60.0, 60.0, 60.0, 60.0, nan, 4.0])
    anchor = np.array([2023.0] * 9)
    pace = np.array([1.0, 0.0, -1.0, 0.0, 10.0, 4.0, 0.1, 1.0, -0.5])
    target = np.array([100.0] * 8 + [2.0])
    direction = np.array([1.0] * 8 + [-1.0])
    reach, label, needed = outlook(value, anchor, pace, target, direction, 2030)
    assert label.tolist() == [
        "on track",
        "already met",
        "not at the current pace",
        "not at the current pace",
        "on track",
        "too slow",
        "after 2100",
        "no data",
        "on track",
    ]
    assert label[0] == "on track" and reach[0] == 2027  # 2023 + 4/1
    assert label[1] == "already met" and np.isnan(reach[1]) and needed[1] == 0.0
    assert label[2] == label[3] == "not at the current pace" and np.isnan(reach[2])
    assert label[4] == "on track" and reach[4] == 2027  # 2023 + 40/10
    assert label[5] == "too slow" and reach[5] == 2033  # 2023 + 40/4
    assert label[6] == "after 2100" and np.isnan(reach[6])
    assert label[7] == "no data"
    assert label[8] == "on track" and reach[8] == 2027  # price 4 -> 2 at -0.5 a year
    # Required pace: (target - value) / (2030 - anchor).
    assert needed[2] == pytest.approx(40 / 7) and needed[8] == pytest.approx(-2 / 7)


def test_outlook_without_a_target_is_blank_and_no_trend_is_said():
    reach, label, needed = outlook(
        np.array([50.0, 50.0]),
        np.array([2023.0, 2023.0]),
        np.array([1.0, nan]),
        np.array([nan, 100.0]),
        np.array([0.0, 1.0]),
        np.array([nan, 2030.0]),
    )
    assert label.tolist() == ["", "no trend"] and np.isnan(needed[0])
    assert np.isnan(reach).all()


# --- the real snapshot --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def inputs(snapshot):
    return gap_inputs(snapshot)


@pytest.fixture(scope="module")
def table(inputs):
    return gap_table(inputs)


def _row(table, group, year, code):
    rows = table[(table["group"] == group) & (table["year"] == year) & (table["code"] == code)]
    assert len(rows) == 1
    return rows.iloc[0]


def _hand_weighted(snapshot, members, code, year, window):
    v = snapshot.values
    sel = v[(v["indicator"] == code) & v["iso3"].isin(members)]
    sel = sel[sel["year"].between(year - window + 1, year)]
    latest = sel.sort_values("year").groupby("iso3").last()
    pop = v[v["indicator"] == "population"]
    pop_year = pop[pop["year"] == year].set_index("iso3")["value"]
    pop_last = pop.sort_values("year").groupby("iso3")["value"].last()
    w = pop_year.reindex(latest.index).fillna(pop_last.reindex(latest.index))
    return float((latest["value"] * w).sum() / w.sum()), latest


def test_ldc_internet_use_2023_equals_a_hand_computation(snapshot, table):
    ldc = snapshot.countries.loc[snapshot.countries["ldc"], "iso3"]
    window = snapshot.catalogue.get("internet_use").window
    expected, latest = _hand_weighted(snapshot, ldc, "internet_use", 2023, window)
    row = _row(table, "LDC", 2023, "internet_use")
    assert row["weighted"] == pytest.approx(expected, rel=1e-12)
    assert row["simple"] == pytest.approx(latest["value"].mean(), rel=1e-12)
    assert latest["value"].min() <= row["weighted"] <= latest["value"].max()
    assert (row["min"], row["max"]) == (latest["value"].min(), latest["value"].max())
    assert row["n"] == len(latest) and row["N"] == 44 and row["coverage"] == f"{len(latest)}/44"
    assert row["target"] == 100 and row["gap"] == pytest.approx(100 - expected)
    assert row["band"] == "Limited"  # far below half of the target
    # Most LDC values for internet use are ITU estimates: keep that visible.
    est = (latest["estimate"]).mean()
    assert row["estimate_share"] == pytest.approx(est)


def test_gaps_to_world_and_high_income_compare_like_with_like(table):
    world = _row(table, "WORLD", 2023, "internet_use")
    ldc = _row(table, "LDC", 2023, "internet_use")
    hic = _row(table, "HIC", 2023, "internet_use")
    assert world["gap_to_world"] == 0 and hic["gap_to_high_income"] == 0
    assert ldc["gap_to_world"] == pytest.approx(world["weighted"] - ldc["weighted"])
    assert ldc["gap_to_high_income"] == pytest.approx(hic["weighted"] - ldc["weighted"])
    assert ldc["gap_to_high_income"] > ldc["gap_to_world"] > 0
    # For a price, lower is better: a dearer group is behind, so its gap is positive too.
    p = _row(table, "LDC", 2023, "price_mobile_5gb")
    assert p["gap_to_world"] == pytest.approx(p["weighted"] - p["world"])
    assert p["gap_to_world"] > 0


def test_pillar_and_index_group_values_match_the_engine(inputs, table):
    t = inputs.year_index(2023)
    pop = pd.Series(inputs.population[t], index=inputs.units)
    groups = standard_groups(inputs.snapshot.countries, 2023, inputs.snapshot.income_history)
    result = score_snapshot(2023, snapshot=inputs.snapshot)
    engine = result.group_aggregates(
        {g: groups[g].members for g in ("LDC", "ITU_AFR", "LIC")}, pop
    ).set_index(["group", "code"])
    for group in ("LDC", "ITU_AFR", "LIC"):
        for code in ("INDEX", "CONN", "POLICY"):
            ours = _row(table, group, 2023, code)
            theirs = engine.loc[(group, code)]
            assert ours["weighted"] == pytest.approx(theirs["population_weighted"])
            assert ours["simple"] == pytest.approx(theirs["mean"])
            assert ours["n"] == theirs["n"] and ours["N"] == theirs["N"]


def test_income_groups_follow_each_year(inputs):
    groups, member = membership(inputs)
    codes = [g.code for g in groups]
    for year in (2005, 2015, 2023):
        std = standard_groups(inputs.snapshot.countries, year, inputs.snapshot.income_history)
        t = inputs.year_index(year)
        for code in ("LIC", "HIC"):
            ours = set(inputs.units[member[t, codes.index(code)]])
            assert ours == set(std[code].members), (year, code)


def test_group_trend_and_years_to_target_are_consistent(table):
    row = _row(table, "LDC", 2023, "internet_use")
    assert row["trend"] > 0 and row["trend_n"] > 30
    years_needed = (100 - row["weighted"]) / row["trend"]
    assert row["reach_year"] == int(np.ceil(row["median_data_year"] + years_needed - 1e-9))
    assert row["outlook"] == "too slow" and row["reach_year"] > 2030
    assert row["required_pace"] == pytest.approx(
        (100 - row["weighted"]) / (2030 - row["median_data_year"])
    )
    hic = _row(table, "HIC", 2023, "electricity_access")
    assert hic["band"] == "Target met"


def test_every_group_year_and_code_is_there(inputs, table):
    groups, _ = membership(inputs)
    assert len(table) == len(groups) * len(inputs.years) * len(inputs.codes)
    assert set(table["level"]) == {"indicator", "pillar", "index"}
    scored = table[table["level"] != "indicator"]
    assert scored["target"].isna().all() and (scored["band"] == "").all()


def test_broadband_commission_benchmark_applies_to_ldcs(table):
    row = _row(table, "LDC", 2023, "internet_use")
    assert row["benchmark"] == 35 and row["benchmark_year"] == 2025
    assert row["benchmark_gap"] == pytest.approx(max(35 - row["weighted"], 0))
    assert np.isnan(_row(table, "LLDC", 2023, "internet_use")["benchmark"])


def test_group_expressions_and_custom_groups(inputs):
    g = parse_group("WORLD-HIC", inputs)
    std = standard_groups(
        inputs.snapshot.countries, int(inputs.years[-1]), inputs.snapshot.income_history
    )
    assert set(g.members) == set(std["WORLD"].members) - set(std["HIC"].members)
    assert set(parse_group("LDC&SIDS", inputs).members) == set(std["LDC"].members) & set(
        std["SIDS"].members
    )
    assert parse_group("itu-afr", inputs).code == "ITU_AFR"
    mine = parse_group("DEV", inputs, members=["ken", "UGA"])
    assert mine.members == ("KEN", "UGA")
    out = gap_table(inputs, [mine], [2023])
    assert set(out["group"]) == {"DEV"} and (out["N"] == 2).all()
    with pytest.raises(ReadinessError, match="did you mean"):
        parse_group("LDCs", inputs)
    with pytest.raises(ReadinessError, match="unknown group"):
        parse_group("LDC+NOPE", inputs)


def test_economy_gaps_for_one_economy(snapshot, inputs):
    out = economy_gaps(inputs, 2023, ["KEN"]).set_index("code")
    v = snapshot.values
    ken = v[(v["iso3"] == "KEN") & (v["indicator"] == "internet_use") & (v["year"] <= 2023)]
    latest = ken.sort_values("year").iloc[-1]
    row = out.loc["internet_use"]
    assert row["value"] == latest["value"] and row["data_year"] == latest["year"]
    assert row["gap"] == pytest.approx(100 - latest["value"])
    price = out.loc["price_mobile_5gb"]
    assert price["to_go"] == pytest.approx(max(0.0, 1 - 2 / price["value"]))
    with pytest.raises(ReadinessError, match="unknown economy"):
        economy_gaps(inputs, 2023, ["ZZZ"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
            st.one_of(st.none(), st.floats(1, 1e9, allow_nan=False)),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_aggregate_agrees_with_group_mean(rows):
    """The batched statistics equal readiness.data.groups.group_mean, economy by economy."""
    codes = [f"E{k:02d}" for k in range(len(rows))]
    values = np.array([[[nan if v is None else v] for v, _, _ in rows]])
    weights = np.array([[nan if w is None else w for _, w, _ in rows]])
    member = np.array([[[m for _, _, m in rows]]])
    s = aggregate(values, member, weights)
    members = [c for c, (_, _, m) in zip(codes, rows, strict=True) if m]
    ref = group_mean(
        pd.Series(values[0, :, 0], index=codes), members, pd.Series(weights[0], index=codes)
    )
    assert s.n[0, 0, 0] == ref.n and s.total[0, 0] == ref.total
    for ours, theirs in ((s.simple, ref.simple), (s.weighted, ref.weighted)):
        if np.isnan(theirs):
            assert np.isnan(ours[0, 0, 0])
        else:
            assert ours[0, 0, 0] == pytest.approx(theirs, rel=1e-9, abs=1e-9)
            assert s.low[0, 0, 0] - 1e-9 <= ours[0, 0, 0] <= s.high[0, 0, 0] + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(2000, 2025)), min_size=1, max_size=15))
def test_median_years_agrees_with_numpy(years):
    cube = np.array([[[nan if y is None else float(y)] for y in years]])
    got = median_years(cube, np.ones((1, 1, len(years)), dtype=bool))[0, 0, 0]
    present = [y for y in years if y is not None]
    assert (np.isnan(got) and not present) or got == np.median(present)


def test_a_user_group_cannot_hide_behind_a_standard_code(inputs):
    fake = custom_group("LDC", "not the LDCs", ["FRA", "DEU"], inputs.snapshot.countries)
    with pytest.raises(ReadinessError, match="standard group"):
        gap_table(inputs, [fake], [2023])
