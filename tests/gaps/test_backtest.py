"""Back-test of members' estimates and the nowcast (readiness.gaps.backtest) on the snapshot.

The bounds are those docs/AGGREGATES.md states: each measured value rounded up to the next
half point, so a change of method or data that makes the estimates worse fails here.
"""

from __future__ import annotations

import numpy as np
import pytest

from readiness.data.groups import MIN_COVERED_SHARE
from readiness.errors import ReadinessError
from readiness.gaps.backtest import (
    backtest,
    cut_projections,
    damping_table,
    group_backtest,
)
from readiness.gaps.cube import gap_inputs
from readiness.gaps.estimates import project_cube

nan = np.nan
# docs/AGGREGATES.md, section 2: economies, Internet use, horizon 2, 2015-2024.
ECONOMY_MAE_BOUND = 4.5
# docs/AGGREGATES.md, section 3: group nowcast at horizon 2, target years whose compared
# members hold at least two thirds of the group's population (2015-2023).
GROUP_BOUNDS = {"WORLD": (3.0, 7.0), "LDC": (2.5, 4.0)}  # (mean absolute error, largest)


@pytest.fixture(scope="module")
def inputs():
    return gap_inputs()


def test_project_cube_by_hand():
    # Years 2000-2003; economy 0 rises 10 a year then stops reporting, economy 1 has one value.
    years = np.arange(2000, 2004)
    obs = np.array([[10.0, nan], [20.0, 50.0], [30.0, nan], [nan, nan]])[:, :, None]
    proj = project_cube(obs, years, ["indicator"], ["% of population"])
    assert proj.value[3].ravel().tolist() == [30.0, 50.0]
    assert proj.year[3].ravel().tolist() == [2002.0, 2001.0]
    assert proj.pace[3, 0, 0] == pytest.approx(10.0)
    assert proj.pace[3, 1, 0] == 0.0  # one observation: no pace, the value is carried
    when = np.array([2004.0])
    assert proj.at(when, 3)[0, 0] == pytest.approx(30 + 10 * (0.8 + 0.64))
    assert proj.at(when, 3, damping=0.0)[0, 0] == 30.0
    assert proj.at(when, 3, damping=1.0)[0, 0] == pytest.approx(50.0)
    assert proj.at(np.array([2012.0]), 3, damping=1.0)[0, 0] == 100.0  # kept in 0-100
    assert np.isnan(proj.at(np.array([2012.0]), 3)[1, 0])  # 11 years after 2001: too old


def test_cut_projections_use_no_later_data(inputs):
    # Row t of the full projections rests on years <= t only, like the cube cut at t.
    codes = ["internet_use", "mobile_broadband", "coverage_4g"]
    cut = cut_projections(inputs, 2019, codes)
    t = inputs.year_index(2019)
    ks = [inputs.code_index(c) for c in codes]
    full = inputs.projections
    for name in ("value", "year", "pace"):
        np.testing.assert_allclose(getattr(cut, name)[0], getattr(full, name)[t][:, ks])


def test_damped_trend_beats_carry_forward_for_internet_use(inputs):
    table = backtest(inputs, ["internet_use"], horizons=(2,))
    row = table.iloc[0]
    assert row["n"] > 1000
    assert row["mae"] < row["carry_mae"]
    assert row["mae"] <= ECONOMY_MAE_BOUND
    assert row["median_ae"] <= row["mae"] <= row["p90_ae"]


def test_damping_table_has_carry_and_linear_ends(inputs):
    sweep = damping_table(inputs, ["internet_use"], horizons=(2,), dampings=(0.0, 0.8, 1.0))
    ours = backtest(inputs, ["internet_use"], horizons=(2,)).iloc[0]
    by = sweep.set_index("damping")["mae"]
    assert by[0.8] == pytest.approx(ours["mae"])
    assert by[0.0] == pytest.approx(ours["carry_mae"])
    assert set(sweep["n"]) == {ours["n"]}  # every damping is measured on the same pairs


@pytest.mark.parametrize("group", sorted(GROUP_BOUNDS))
def test_group_nowcast_within_documented_error(inputs, group):
    frame = group_backtest(inputs, [group], "internet_use", 2)
    covered = frame[frame["population_share"] >= MIN_COVERED_SHARE]
    assert len(covered) >= 8
    mae_bound, max_bound = GROUP_BOUNDS[group]
    assert covered["error"].abs().mean() <= mae_bound
    assert covered["error"].abs().max() <= max_bound
    # The nowcast is nearer the observed group value than the carried-forward figure.
    assert covered["error"].abs().mean() < covered["carry_error"].abs().mean()


def test_group_backtest_compares_the_same_members(inputs):
    frame = group_backtest(inputs, ["LDC"], "internet_use", 1, years=[2020])
    row = frame.iloc[0]
    assert row["n"] <= row["N"] == 44 and 0 < row["population_share"] <= 1
    assert row["error"] == pytest.approx(row["nowcast"] - row["observed"])


def test_horizon_below_one_is_refused(inputs):
    with pytest.raises(ReadinessError, match="horizon must be at least 1"):
        backtest(inputs, ["internet_use"], horizons=(0, 2))
    with pytest.raises(ReadinessError, match="horizon must be at least 1"):
        group_backtest(inputs, ["WORLD"], "internet_use", 0)
    with pytest.raises(ReadinessError, match="horizon must be at least 1"):
        damping_table(inputs, ["internet_use"], horizons=())


def test_only_indicators_are_backtested(inputs):
    with pytest.raises(ReadinessError, match="only indicators"):
        backtest(inputs, ["INDEX"])
