"""The Monte Carlo: reproducible, consistent with the pipeline, and honest about what varies."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from readiness.errors import ReadinessError
from readiness.index.engine import build_index
from readiness.index.framework import load_framework
from readiness.index.inputs import data_for_year, data_from_wide, read_wide, snapshot_inputs
from readiness.index.method import Method
from readiness.index.uncertainty import UncertaintySpec, run_uncertainty

ASEM = Path(__file__).resolve().parents[3] / "shared" / "data" / "reference" / "coinr-asem"
COINR = Method(normalisation="minmax", imputation_group=None, pillar_coverage=0, index_coverage=0)
FIXED = dict(normalisations=("minmax",), aggregations=("arithmetic",), imputations=("none",))


@pytest.fixture(scope="module")
def asem():
    if not ASEM.is_dir():
        pytest.skip("ASEM reference data not present")
    framework = load_framework(ASEM / "iMeta.csv")
    return data_from_wide(read_wide(ASEM / "iData.csv"), framework), framework


def test_reproducible_with_a_seed(asem):
    a = run_uncertainty(*asem, COINR, UncertaintySpec(n=200, seed=7))
    b = run_uncertainty(*asem, COINR, UncertaintySpec(n=200, seed=7))
    c = run_uncertainty(*asem, COINR, UncertaintySpec(n=200, seed=8))
    np.testing.assert_array_equal(a.sample_ranks, b.sample_ranks)
    assert a.draws.equals(b.draws)
    assert not np.array_equal(a.sample_ranks, c.sample_ranks)


def test_without_variation_every_sample_is_the_nominal_rank(asem):
    spec = UncertaintySpec(n=50, weight_noise=0.0, **FIXED)
    res = run_uncertainty(*asem, COINR, spec)
    nominal = res.nominal.rank.to_numpy(dtype=float)
    assert (res.sample_ranks == nominal).all()
    for col in ("median_rank", "rank_p05", "rank_p95"):
        np.testing.assert_array_equal(res.ranks[col].to_numpy(), nominal)


def test_batched_geometric_matches_the_pipeline(asem):
    # The Monte Carlo moves [0, 100] scores onto [1, 100] for the geometric mean; with no
    # noise this must equal a pipeline run normalised to [1, 100] with geometric means.
    spec = UncertaintySpec(
        n=5, weight_noise=0.0, normalisations=("minmax",), aggregations=("geometric",),
        imputations=("none",),
    )  # fmt: skip
    res = run_uncertainty(*asem, COINR, spec)
    direct = build_index(*asem, replace(COINR, bounds=(1.0, 100.0), aggregation="geometric"))
    np.testing.assert_array_equal(res.sample_ranks[0], direct.rank.to_numpy(dtype=float))


def test_intervals_and_sensitivity_shares(asem):
    res = run_uncertainty(*asem, COINR, UncertaintySpec(n=400, seed=3))
    r = res.ranks
    assert (r["rank_p05"] <= r["median_rank"]).all() and (r["median_rank"] <= r["rank_p95"]).all()
    assert r["rank_p05"].min() >= 1 and r["rank_p95"].max() <= len(r)
    assert ((r["scored_share"] >= 0) & (r["scored_share"] <= 1)).all()
    s = res.sensitivity.set_index("factor")["first_order"]
    assert list(s.index) == [
        "weights",
        "normalisation",
        "aggregation",
        "imputation",
        "interactions",
    ]
    assert ((s >= 0) & (s <= 1)).all()
    assert s.drop("interactions").sum() <= 1.05  # first-order shares add up to about 1 at most
    # each drawn choice appears in the draws table in roughly equal shares
    counts = res.draws["aggregation"].value_counts(normalize=True)
    assert set(counts.index) == {"arithmetic", "geometric"} and counts.min() > 0.4


def test_only_weights_vary_so_weights_explain_the_variation(asem):
    res = run_uncertainty(*asem, COINR, UncertaintySpec(n=400, seed=1, **FIXED))
    s = res.sensitivity.set_index("factor")["first_order"]
    assert s["weights"] > 0.5
    assert s[["normalisation", "aggregation", "imputation"]].eq(0).all()
    assert (res.ranks["rank_p95"] - res.ranks["rank_p05"]).max() > 0


def test_choices_that_cannot_run_are_refused(asem):
    with pytest.raises(ReadinessError, match="geometric"):
        run_uncertainty(
            *asem,
            COINR,
            UncertaintySpec(n=10, normalisations=("zscore",), aggregations=("geometric",)),
        )
    with pytest.raises(ReadinessError, match="goalposts"):
        run_uncertainty(*asem, COINR, UncertaintySpec(n=10, normalisations=("goalposts",)))
    with pytest.raises(ReadinessError, match="number of samples"):
        UncertaintySpec(n=0)


def test_our_data(snapshot):
    snapshot, framework, panel = snapshot_inputs(snapshot)
    method = Method()
    data = data_for_year(panel, framework, method, snapshot.latest_year)
    res = run_uncertainty(data, framework, method, UncertaintySpec(n=300, seed=1))
    assert res.alternatives["normalisation"][0] == "goalposts"
    scored = res.nominal.index.notna()
    assert res.ranks.loc[scored, "median_rank"].notna().all()
    # units never scored in any sample have no interval
    never = res.ranks["scored_share"] == 0
    assert res.ranks.loc[never, "median_rank"].isna().all()
