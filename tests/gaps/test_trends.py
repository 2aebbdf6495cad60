"""Trends: least-squares pace on observed years, years to target and the pace needed."""

from __future__ import annotations

import numpy as np
import pytest

from readiness.gaps.trends import outlook, slopes

nan = np.nan


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


def test_a_sparse_series_takes_its_trend_from_the_ten_year_look_back():
    """Kenya's Internet use: 22.7% in 2019 and 35.0% in 2024 give +2.46 a year over 2019-2024."""
    from readiness.gaps.trends import fit_trends

    years = np.arange(2010, 2025)
    cube = np.full((len(years), 4, 1), nan)
    cube[years == 2019, 0, 0], cube[years == 2024, 0, 0] = 22.7, 35.0
    cube[years == 2018, 0, 0] = 19.5  # older values do not dilute the most recent pace
    cube[years == 2016, 1, 0], cube[years == 2018, 1, 0] = 10.0, 11.0  # only 2 years apart
    cube[years == 2012, 2, 0], cube[years == 2024, 2, 0] = 5.0, 9.0  # 2012 is out of look-back
    cube[years == 2022, 3, 0], cube[years == 2024, 3, 0] = 1.0, 2.0  # the 5-year window suffices
    slope, n, first, last = fit_trends(cube, years, 2024)
    assert slope[0, 0] == pytest.approx(12.3 / 5) and n[0, 0] == 2
    assert (first[0, 0], last[0, 0]) == (2019, 2024)
    assert np.isnan(slope[1, 0]) and np.isnan(slope[2, 0])
    assert slope[3, 0] == pytest.approx(0.5) and (first[3, 0], last[3, 0]) == (2022, 2024)


def test_gap_tables_carry_the_years_a_trend_rests_on():
    from readiness.gaps.analysis import economy_gaps, gap_table
    from readiness.gaps.cube import gap_inputs

    inputs = gap_inputs()
    ken = economy_gaps(inputs, 2024, ["KEN"]).set_index("code").loc["internet_use"]
    assert (ken["trend_from"], ken["trend_to"]) == (2019, 2024)
    assert ken["outlook"] == "too slow" and ken["reach_year"] == 2051
    groups = gap_table(inputs, ["LDC"], [2024])
    with_trend = groups[groups["trend"].notna()]
    assert not with_trend.empty
    assert (with_trend["trend_from"] <= with_trend["trend_to"]).all()
    assert (with_trend["trend_to"] <= 2024).all()
    assert groups.loc[groups["trend"].isna(), "trend_from"].isna().all()
