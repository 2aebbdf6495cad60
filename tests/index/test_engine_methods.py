"""Each method on a fixture small enough to check by hand (tests/fixtures/engine/tiny_*.csv)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from readiness.errors import ReadinessError
from readiness.index.aggregate import aggregate_level, rank_scores
from readiness.index.engine import build_index
from readiness.index.framework import load_framework
from readiness.index.impute import impute_groups
from readiness.index.inputs import data_from_wide, read_wide
from readiness.index.method import Method
from readiness.index.normalise import min_rank, percentile_rank
from readiness.index.treat import cap_and_log, kurtosis, needs_treatment, skewness, winsorise

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "engine"
COINR = Method(normalisation="minmax", imputation_group=None, pillar_coverage=0, index_coverage=0)


@pytest.fixture(scope="module")
def tiny():
    framework = load_framework(FIXTURES / "tiny_meta.csv")
    data = data_from_wide(read_wide(FIXTURES / "tiny_data.csv"), framework)
    return data, framework


def scores(tiny, method: Method) -> pd.DataFrame:
    data, framework = tiny
    return build_index(data, framework, method).scores


def test_minmax_direction_and_missing_child(tiny):
    # i1 10,20,40 -> 0, 33.3, 100; i2 (direction -1) 1,3,2 -> 100, 0, 50; i3 -> 0, 50, 100;
    # i4 (weight 2) 5, -, 15 -> 0, NaN, 100.
    data, framework = tiny
    res = build_index(data, framework, COINR)
    norm = res.normalised
    assert norm.loc["B", "i1"] == pytest.approx(100 / 3)
    assert list(norm["i2"]) == [100, 0, 50]
    assert np.isnan(norm.loc["B", "i4"])
    s = res.scores
    assert s.loc[["A", "B", "C"], "P1"].tolist() == pytest.approx([50, 50 / 3, 75])
    # B's missing i4 drops out: P2 is i3 alone (weights re-scaled), as in COINr.
    assert s.loc[["A", "B", "C"], "P2"].tolist() == pytest.approx([0, 50, 100])
    assert s.loc[["A", "B", "C"], "IDX"].tolist() == pytest.approx([25, (50 / 3 + 50) / 2, 87.5])
    assert res.ranks["IDX"].tolist() == [3, 2, 1]


def test_minmax_other_bounds(tiny):
    s = scores(tiny, replace(COINR, bounds=(1.0, 100.0)))
    # i1: 1, 34, 100 and i2: 100, 1, 50.5 -> P1 arithmetic mean
    assert s.loc[["A", "B", "C"], "P1"].tolist() == pytest.approx([50.5, 17.5, 75.25])


def test_goalposts_truncate_and_flip(tiny):
    # i1 gp 0-50: 20, 40, 80; i2 gp 0-4 lower better: 75, 25, 50; i3: 0, 50, 100;
    # i4 gp 0-20: 25, -, 75
    res = build_index(tiny[0], tiny[1], replace(COINR, normalisation="goalposts"))
    assert res.normalised["i2"].tolist() == pytest.approx([75, 25, 50])
    s = res.scores
    assert s.loc[["A", "B", "C"], "P1"].tolist() == pytest.approx([47.5, 32.5, 65])
    assert s.loc[["A", "B", "C"], "P2"].tolist() == pytest.approx([50 / 3, 50, 250 / 3])
    assert s.loc[["A", "B", "C"], "IDX"].tolist() == pytest.approx([385 / 12, 41.25, 445 / 6])


def test_goalposts_truncate_outside_values():
    framework = load_framework(FIXTURES / "tiny_meta.csv")
    wide = read_wide(FIXTURES / "tiny_data.csv")
    wide.loc[0, "i1"] = "75"  # above the upper goalpost 50
    wide.loc[1, "i2"] = "-3"  # below the best goalpost of a lower-is-better indicator
    res = build_index(data_from_wide(wide, framework), framework, Method(imputation_group=None))
    assert res.normalised.loc["A", "i1"] == 100
    assert res.normalised.loc["B", "i2"] == 100


def test_zscore_uses_sample_sd(tiny):
    res = build_index(tiny[0], tiny[1], replace(COINR, normalisation="zscore"))
    # i1 = 10, 20, 40: mean 23.33, sd (n - 1) 15.275
    assert res.normalised["i1"].tolist() == pytest.approx([-0.872872, -0.218218, 1.091089], 1e-5)
    assert res.normalised["i2"].tolist() == pytest.approx([1, -1, 0])  # direction flipped
    # z-scores have no fixed scale: no tiers
    assert res.tiers.isna().all()


def test_percentile_rank_ties_and_missing():
    x = np.array([[5.0], [5.0], [1.0], [np.nan], [7.0]])
    out = percentile_rank(x, np.array([1.0]), 0, 100)[:, 0]
    # min ranks 2, 2, 1, -, 4 over 4 values -> (r - 1) / 3
    assert out[[0, 1, 2, 4]].tolist() == pytest.approx([100 / 3, 100 / 3, 0, 100])
    assert np.isnan(out[3])


def test_distance_to_target(tiny):
    res = build_index(tiny[0], tiny[1], replace(COINR, normalisation="target"))
    # i1 target 40: 1 - (40 - x) / (40 - 10); i2 target 1, lower better: 1, 0, 0.5
    assert res.normalised["i1"].tolist() == pytest.approx([0, 100 / 3, 100])
    assert res.normalised["i2"].tolist() == pytest.approx([100, 0, 50])
    # i3 target 80 is passed by C: capped at the top of the scale
    assert res.normalised.loc["C", "i3"] == 100
    uncapped = build_index(
        tiny[0], tiny[1], replace(COINR, normalisation="target", cap_at_target=False)
    )
    assert uncapped.normalised.loc["C", "i3"] == pytest.approx(125)


def test_geometric_mean_and_its_guard(tiny):
    s = scores(tiny, replace(COINR, bounds=(1.0, 100.0), aggregation="geometric"))
    # P1 from i1 (1, 34, 100) and i2 (100, 1, 50.5)
    assert s.loc[["A", "B", "C"], "P1"].tolist() == pytest.approx([10, 34**0.5, 5050**0.5])
    # P2 for A: i3 = 1 (weight 1), i4 = 1 (weight 2)
    assert s.loc["A", "P2"] == pytest.approx(1)
    with pytest.raises(ReadinessError, match="geometric mean needs scores > 0"):
        scores(tiny, replace(COINR, aggregation="geometric"))


def test_coverage_rule_gives_not_scored_never_zero(tiny):
    data, framework = tiny
    res = build_index(data, framework, replace(COINR, pillar_coverage=2 / 3, index_coverage=0.75))
    # B has i3 only in P2: 1 of 3 weight units < 2/3, so P2 and then the index are not scored.
    assert res.coverage.loc["B", "P2"] == pytest.approx(1 / 3)
    assert np.isnan(res.scores.loc["B", "P2"]) and np.isnan(res.scores.loc["B", "IDX"])
    assert res.ranks["IDX"].isna()["B"]
    assert res.ranks["IDX"].dropna().tolist() == [2, 1]
    assert res.tiers["B"] == "Not scored"
    # exactly 2 of 3 equal weights meets a 2/3 threshold
    level, share = aggregate_level(
        np.array([[1.0, 2.0, np.nan]]), np.ones((3, 1)), "arithmetic", 2 / 3
    )
    assert share[0, 0] == pytest.approx(2 / 3) and level[0, 0] == pytest.approx(1.5)


def test_ranks_ties_share_better_rank_missing_unranked():
    r = rank_scores(np.array([3.0, 1.0, 3.0, np.nan, 2.0]))
    assert r[[0, 1, 2, 4]].tolist() == [1, 4, 1, 3]
    assert np.isnan(r[3])
    # float noise from summing in another order does not split a tie
    assert rank_scores(np.array([0.1 + 0.2, 0.3]))[1] == 1
    assert min_rank(np.array([[2.0, 1.0], [1.0, 1.0]]), axis=1).tolist() == [[2, 1], [1, 1]]


def test_weights_custom_equal_and_normalised(tiny):
    data, framework = tiny
    base = build_index(data, framework, COINR)
    assert base.weights["i4"] == pytest.approx(2 / 3)
    assert base.effective_weights["i4"] == pytest.approx(1 / 3)
    equal = build_index(data, framework, replace(COINR, weighting="equal"))
    assert equal.scores.loc["A", "P2"] == pytest.approx(0)
    assert equal.scores.loc["C", "P2"] == pytest.approx(100)
    # custom weights are relative: (1, 3) on the pillars is (0.25, 0.75)
    custom = build_index(data, framework, replace(COINR, weights={"P1": 1, "P2": 3}))
    assert custom.scores.loc["A", "IDX"] == pytest.approx(0.25 * 50 + 0.75 * 0)
    with pytest.raises(ReadinessError, match="not in the framework: P9"):
        build_index(data, framework, replace(COINR, weights={"P9": 1}))
    with pytest.raises(ReadinessError, match="all children of P1 have weight 0"):
        build_index(data, framework, replace(COINR, weights={"i1": 0, "i2": 0}))


def test_imputation_group_mean_flagged(tiny):
    data, framework = tiny
    res = build_index(
        data, framework, replace(COINR, imputation="group_mean", imputation_group="region")
    )
    # B is in North with A (i4 = 5): imputed 5, flagged; nothing else is imputed.
    assert res.imputed_values.loc["B", "i4"] == 5
    assert np.isnan(res.raw.loc["B", "i4"]) and np.isnan(res.treated.loc["B", "i4"])
    assert res.imputed.to_numpy().sum() == 1 and res.imputed.loc["B", "i4"]
    whole = build_index(data, framework, replace(COINR, imputation="group_mean"))
    assert whole.imputed_values.loc["B", "i4"] == 10  # mean of all units


def test_impute_mean_median_and_ungrouped_units():
    x = np.array([[1.0], [2.0], [9.0], [np.nan], [np.nan]])
    groups = np.array(["g", "g", "g", "g", None], dtype=object)
    mean, flags = impute_groups(x, groups, "mean")
    assert mean[3, 0] == 4 and np.isnan(mean[4, 0])  # no group, no imputation
    assert flags[:, 0].tolist() == [False, False, False, True, False]
    median, _ = impute_groups(x, groups, "median")
    assert median[3, 0] == 2


def test_caps_and_natural_log():
    x = np.array([[0.5, 200.0], [2.0, 50.0], [-1.0, np.nan]])
    out = cap_and_log(x, np.array([np.nan, 100.0]), np.array([True, False]))
    assert out[:, 0][:2].tolist() == pytest.approx([np.log(0.5), np.log(2.0)])
    assert np.isnan(out[2, 0])  # log of a non-positive value is missing, not invented
    assert out[:, 1][:2].tolist() == [100, 50] and np.isnan(out[2, 1])


def test_skew_kurtosis_match_scipy_type2():
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=40)
    assert skewness(x) == pytest.approx(stats.skew(x, bias=False))
    assert kurtosis(x) == pytest.approx(stats.kurtosis(x, bias=False))


def test_winsorise_jrc_rule():
    x = np.array([*range(1, 11), 30.0, 100.0, np.nan])
    assert needs_treatment(x, 2, 3.5)
    w = winsorise(x, 5, 2, 3.5)
    assert w.passed and 1 <= w.points <= 5 and w.high
    assert np.nanmax(w.scores) < 100 and np.isnan(w.scores[-1])
    # values that were not extreme are untouched
    assert w.scores[:10].tolist() == list(range(1, 11))
    # a symmetric indicator is left alone
    assert winsorise(np.arange(20.0), 5, 2, 3.5).points == 0


def test_winsorise_in_pipeline_logs_treatment():
    framework = load_framework(FIXTURES / "tiny_meta.csv")
    rows = [{"uCode": f"U{k}", "i1": k, "i2": 1, "i3": k, "i4": k} for k in range(1, 13)]
    rows[-1]["i1"] = 1000
    data = data_from_wide(pd.DataFrame(rows), framework)
    res = build_index(data, framework, replace(COINR, winsorise=True))
    assert res.treatment.loc["i1", "winsorised"] >= 1
    assert res.treated["i1"].max() < 1000
    assert res.treatment.loc["i3", "winsorised"] == 0
    # i2 is constant: min-max has nothing to spread, it is left missing and noted
    assert any("i2: no spread" in note for note in res.notes)


def test_strengths_weaknesses(tiny):
    res = build_index(tiny[0], tiny[1], COINR)
    sw = res.strengths_weaknesses(n=1)
    a = sw[sw["code"] == "A"].set_index("kind")
    # A is best on i2 (rank 1 of 3) and last on i1, i3 and i4
    assert a.loc["strength", "indicator"] == "i2" and a.loc["strength", "rank"] == 1
    assert a.loc["weakness", "indicator"] in {"i1", "i3", "i4"}
    assert a.loc["weakness", "rank"] == a.loc["weakness", "of"]
    by_region = res.strengths_weaknesses(n=1, peers="region")
    assert "C" not in set(by_region["code"])  # C is alone in South: no peers to rank against
    a_north = by_region[(by_region["code"] == "A") & (by_region["kind"] == "weakness")]
    assert a_north["of"].tolist() == [2]  # A is compared with B only


def test_group_aggregates_simple_and_population_weighted(tiny):
    res = build_index(tiny[0], tiny[1], COINR)
    out = res.group_aggregates({"north": ["A", "B"], "all": ["A", "B", "C", "Z"]}, codes=["IDX"])
    north = out[out["group"] == "north"].iloc[0]
    a, b = res.index[["A", "B"]]
    assert north["mean"] == pytest.approx((a + b) / 2)
    assert north["population_weighted"] == pytest.approx((10 * a + 30 * b) / 40)
    everyone = out[out["group"] == "all"].iloc[0]
    assert (everyone["n"], everyone["N"], everyone["coverage"]) == (3, 4, "3/4")


def test_summary_table(tiny):
    res = build_index(tiny[0], tiny[1], COINR)
    table = res.summary()
    assert list(table.columns) == [
        "code", "name", "index", "P1", "P2", "rank", "tier", "coverage", "indicators",
    ]  # fmt: skip
    b = table.set_index("code").loc["B"]
    assert b["indicators"] == "3/4" and b["coverage"] == pytest.approx(0.5 + 0.5 / 3)
    assert b["name"] == "Beta"
    # tiers are fixed bands: C's 87.5 is Leading, A's 25 is Evolving
    assert res.tiers.to_dict() == {"A": "Evolving", "B": "Evolving", "C": "Leading"}


def test_zscore_without_usable_spread_is_missing_not_infinite():
    from readiness.index.normalise import zscore

    out = zscore(np.array([[0.0], [3e-236], [np.nan]]), np.array([1.0]), 0, 1)
    assert np.isnan(out).all()
