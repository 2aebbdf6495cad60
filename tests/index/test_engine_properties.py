"""Properties that must hold for any data: bounds, weight monotonicity, row-order invariance."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.index.engine import build_index
from readiness.index.framework import load_framework
from readiness.index.inputs import data_from_wide
from readiness.index.method import Method

FRAMEWORK = load_framework(
    Path(__file__).resolve().parents[1] / "fixtures" / "engine" / "tiny_meta.csv"
)
INDICATORS = FRAMEWORK.indicators
BASE = Method(normalisation="minmax", imputation_group=None, pillar_coverage=0, index_coverage=0)

value = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
table = st.lists(st.tuples(*[value] * len(INDICATORS)), min_size=2, max_size=12)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame(rows) -> pd.DataFrame:
    data = pd.DataFrame(rows, columns=list(INDICATORS), dtype=float)
    data.insert(0, "uCode", [f"U{k:02d}" for k in range(len(rows))])
    return data


@SETTINGS
@given(
    rows=table,
    kind=st.sampled_from(["minmax", "goalposts", "rank", "target"]),
    how=st.sampled_from(["arithmetic", "geometric"]),
)
def test_scores_stay_within_bounds(rows, kind, how):
    method = replace(BASE, normalisation=kind, aggregation=how, bounds=(1.0, 100.0))
    res = build_index(data_from_wide(frame(rows), FRAMEWORK), FRAMEWORK, method)
    for table_ in (res.normalised, res.scores):
        v = table_.to_numpy()
        v = v[~np.isnan(v)]
        assert ((v >= 1 - 1e-9) & (v <= 100 + 1e-9)).all()


@SETTINGS
@given(
    rows=table,
    column=st.integers(0, len(INDICATORS) - 1),
    factor=st.floats(1.01, 20),
    kind=st.sampled_from(["minmax", "rank"]),
    how=st.sampled_from(["arithmetic", "geometric"]),
)
def test_raising_a_weight_never_lowers_the_best_units_score(rows, column, factor, kind, how):
    code = INDICATORS[column]
    data = data_from_wide(frame(rows), FRAMEWORK)
    method = replace(BASE, normalisation=kind, aggregation=how, bounds=(1.0, 100.0))
    before = build_index(data, FRAMEWORK, method)
    heavier = dict(before.weights[list(INDICATORS)])
    heavier[code] *= factor
    after = build_index(data, FRAMEWORK, replace(method, weights=heavier))
    norm = before.normalised[code]
    if norm.isna().all() or norm.max() == norm.min():
        return  # no economy is best on an indicator without spread (all tie)
    best = norm.index[norm == norm.max()]
    if kind == "rank" and len(best) > 1:
        return  # percentile ranks give tied leaders the lower rank: none is at the top
    for unit in best:
        for agg in FRAMEWORK.aggregates:
            b, a = before.scores.loc[unit, agg], after.scores.loc[unit, agg]
            if not np.isnan(b):
                assert a >= b - 1e-9, (unit, agg, b, a)


@SETTINGS
@given(rows=table, seed=st.integers(0, 10_000), kind=st.sampled_from(["minmax", "rank", "zscore"]))
def test_reordering_rows_changes_nothing(rows, seed, kind):
    data = frame(rows)
    method = replace(BASE, normalisation=kind)
    shuffled = data.sample(frac=1, random_state=seed)
    a = build_index(data_from_wide(data, FRAMEWORK), FRAMEWORK, method)
    b = build_index(data_from_wide(shuffled, FRAMEWORK), FRAMEWORK, method)
    pd.testing.assert_frame_equal(a.scores, b.scores.loc[a.scores.index], rtol=1e-12)
    pd.testing.assert_frame_equal(a.ranks, b.ranks.loc[a.ranks.index])
