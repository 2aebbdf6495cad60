"""Group statistics on the gap cube, on arrays small enough to check by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.data.groups import enough_coverage, group_mean
from readiness.gaps.cube import aggregate, median_years

nan = np.nan


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
    # group_mean applies the coverage rule; aggregate gives the raw statistics it rests on.
    share = s.population_share[0, 0, 0]
    assert ref.withheld == bool(ref.n > 0 and np.isfinite(share) and not enough_coverage(share))
    if ref.withheld:
        return
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
