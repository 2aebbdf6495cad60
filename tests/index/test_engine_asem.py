"""The engine on COINr's ASEM framework (4 levels, 63 missing values, 14 negative directions).

Expected values are recomputed here from the raw CSVs with plain pandas, independently of the
engine's code path: min-max to [0, 100] with -1 directions flipped, then arithmetic means level
by level where a missing child drops out (pandas' skipna mean is exactly COINr's a_amean rule).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from readiness.index.engine import build_index
from readiness.index.framework import load_framework
from readiness.index.inputs import data_from_wide, read_wide
from readiness.index.method import Method

ASEM = Path(__file__).resolve().parents[3] / "shared" / "data" / "reference" / "coinr-asem"
COINR = Method(normalisation="minmax", imputation_group=None, pillar_coverage=0, index_coverage=0)

pytestmark = pytest.mark.skipif(not ASEM.is_dir(), reason="ASEM reference data not present")


@pytest.fixture(scope="module")
def asem():
    framework = load_framework(ASEM / "iMeta.csv")
    data = data_from_wide(read_wide(ASEM / "iData.csv"), framework)
    return data, framework


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    meta = pd.read_csv(ASEM / "iMeta.csv")
    raw = pd.read_csv(ASEM / "iData.csv").set_index("uCode")
    ind = meta[meta["Level"] == 1]
    x = raw[ind["iCode"]] * ind["Direction"].to_numpy()
    current = (x - x.min()) / (x.max() - x.min()) * 100
    out = {}
    for level in (2, 3, 4):
        parent = meta[meta["Level"] == level - 1].set_index("iCode")["Parent"]
        agg = current.T.groupby(parent.reindex(current.columns).to_numpy()).mean().T
        out.update({c: agg[c] for c in agg.columns})
        current = agg
    return pd.DataFrame(out)


def test_every_aggregate_matches_an_independent_computation(asem, expected):
    res = build_index(*asem, COINR)
    got = res.scores[expected.columns].loc[expected.index]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-9)
    for code in expected.columns:
        ranks = expected[code].rank(ascending=False, method="min")
        assert res.ranks.loc[expected.index, code].tolist() == ranks.astype(int).tolist()


def test_hand_computed_entries(asem):
    raw = pd.read_csv(ASEM / "iData.csv").set_index("uCode")
    res = build_index(*asem, COINR)
    # CO2 has direction -1: the lowest emitter scores 100, the highest 0.
    co2 = raw["CO2"]
    assert res.normalised.loc[co2.idxmin(), "CO2"] == 100
    assert res.normalised.loc[co2.idxmax(), "CO2"] == 0
    aut = raw.loc["AUT", "CO2"]
    assert res.normalised.loc["AUT", "CO2"] == pytest.approx(
        (co2.max() - aut) / (co2.max() - co2.min()) * 100
    )
    # Political pillar of Austria: mean of its three min-max scores
    scores = [
        (raw.loc["AUT", c] - raw[c].min()) / (raw[c].max() - raw[c].min()) * 100
        for c in ("Embs", "IGOs", "UNVote")
    ]
    assert res.scores.loc["AUT", "Political"] == pytest.approx(sum(scores) / 3)


def test_missing_values_drop_out_and_stay_unranked(asem):
    data, framework = asem
    res = build_index(data, framework, COINR)
    assert int(res.raw.isna().sum().sum()) == 63
    assert res.normalised.isna().equals(res.raw.isna())
    # no unit misses a whole pillar, so every aggregate is scored and ranked
    assert res.scores.notna().all().all() and res.ranks.notna().all().all()
    # with a coverage rule, units short of data are "not scored" and unranked, never 0
    strict = build_index(data, framework, replace(COINR, pillar_coverage=1.0, index_coverage=1.0))
    gaps = res.raw.isna().any(axis=1)
    assert strict.index[gaps].isna().all() and strict.index[~gaps].notna().all()
    assert strict.ranks["Index"].dropna().max() == (~gaps).sum()


def test_invariants(asem):
    res = build_index(*asem, COINR)
    s = res.scores.to_numpy()
    assert np.nanmin(res.normalised.to_numpy()) == 0 and np.nanmax(res.normalised.to_numpy()) == 100
    assert (s >= 0).all() and (s <= 100).all()
    # a parent lies between its children's lowest and highest scores
    for plan in res.framework.plans[1:]:
        for parent in plan.parents:
            kids = res.scores[list(res.framework.children(parent))]
            assert (res.scores[parent] >= kids.min(axis=1) - 1e-9).all()
            assert (res.scores[parent] <= kids.max(axis=1) + 1e-9).all()
    # ranks are a permutation with ties sharing the better rank
    r = res.ranks["Index"].to_numpy(dtype=int)
    assert sorted(r)[0] == 1 and r.max() <= len(r)


def test_geometric_on_one_to_hundred(asem):
    arith = build_index(*asem, replace(COINR, bounds=(1.0, 100.0)))
    geo = build_index(*asem, replace(COINR, bounds=(1.0, 100.0), aggregation="geometric"))
    # the geometric mean never exceeds the arithmetic one (AM-GM), pillar by pillar
    diff = arith.scores["Physical"] - geo.scores["Physical"]
    assert (diff >= -1e-9).all() and (diff > 0).any()


def test_direction_flip_reverses_the_indicator(asem):
    data, framework = asem
    flipped_table = framework.to_table()
    flipped_table.loc[flipped_table["iCode"] == "CO2", "Direction"] = 1
    from readiness.index.framework import Framework

    flipped = Framework.from_table(flipped_table)
    a = build_index(data, framework, COINR).normalised["CO2"]
    b = build_index(data, flipped, COINR).normalised["CO2"]
    np.testing.assert_allclose(a.to_numpy(), 100 - b.to_numpy())
