"""Our index on the committed snapshot: year policy, coverage rule, tiers, trends, groups."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from readiness.data.groups import standard_groups
from readiness.index.engine import build_index, build_index_years, score_snapshot
from readiness.index.inputs import data_for_year, snapshot_inputs
from readiness.index.method import DEFAULT_TIERS, Method
from readiness.index.result import trend_table


@pytest.fixture(scope="module")
def inputs(snapshot):
    return snapshot_inputs(snapshot)


@pytest.fixture(scope="module")
def result(inputs):
    snapshot, framework, panel = inputs
    return build_index(data_for_year(panel, framework, Method(), snapshot.latest_year), framework)


def test_selection_is_the_most_recent_value_in_each_window(inputs, result):
    snapshot, framework, _ = inputs
    year = snapshot.latest_year
    v = snapshot.values[snapshot.values["indicator"].isin(framework.indicators)].copy()
    window = v["indicator"].map({c: framework.by_code[c].window for c in framework.indicators})
    v = v[(v["year"] <= year) & (v["year"] >= year - window + 1)]
    latest = v.sort_values("year").groupby(["iso3", "indicator"]).tail(1)
    expected = latest.pivot(index="iso3", columns="indicator", values="value")
    expected_year = latest.pivot(index="iso3", columns="indicator", values="year")
    got = result.raw.loc[expected.index, expected.columns]
    assert np.allclose(got.to_numpy(), expected.to_numpy(), equal_nan=True)
    got_year = result.years.loc[expected.index, expected.columns].astype(float)
    assert np.allclose(got_year.to_numpy(), expected_year.to_numpy(dtype=float), equal_nan=True)
    # and nothing is selected where the window holds no value
    assert int(result.raw.notna().sum().sum()) == len(latest)


def test_default_method_scores_on_zero_to_hundred(result):
    s = result.scores.to_numpy()
    assert np.nanmin(s) >= 0 and np.nanmax(s) <= 100
    assert result.index.notna().sum() > 150
    assert set(result.tiers.dropna()) <= {label for label, _ in DEFAULT_TIERS} | {"Not scored"}


def test_coverage_rule(result):
    pillars = list(result.framework.pillars)
    cov = result.coverage[pillars]
    scored = result.scores[pillars].notna()
    assert (scored == (cov >= 0.6 - 1e-9)).all().all()
    n_pillars = scored.sum(axis=1)
    assert len(pillars) == 5
    assert (result.index.notna() == (n_pillars >= 4)).all()
    unscored = result.index.isna()
    assert (result.tiers[unscored] == "Not scored").all()
    assert result.ranks["INDEX"][unscored].isna().all()
    assert result.ranks["INDEX"].notna().sum() == (~unscored).sum()
    assert result.ranks["INDEX"].min() == 1


def test_summary_and_strengths(result):
    table = result.summary()
    assert len(table) == len(result.raw) and table["code"].is_unique
    assert list(table.columns[:7]) == ["code", "name", "index", "CONN", "BBAF", "POLICY", "ENABLE"]
    sw = result.strengths_weaknesses(n=3, peers="income_group")
    ken = sw[sw["code"] == "KEN"]
    assert (ken["kind"] == "strength").sum() == 3 and (ken["kind"] == "weakness").sum() == 3
    assert ken["year"].notna().all() and (ken["peers"] == "Lower middle income").all()


def test_all_years_and_trend(inputs, result):
    snapshot, framework, panel = inputs
    results = build_index_years(panel, framework)
    assert list(results) == list(range(2015, snapshot.latest_year + 1))
    pd.testing.assert_frame_equal(results[snapshot.latest_year].scores, result.scores)
    trend = trend_table(results)
    assert set(trend["year"]) == set(results)
    assert set(trend["aggregate"]) == {"INDEX", *framework.pillars}
    # a value selected for an earlier year can never be newer than that year
    for year, res in results.items():
        assert (res.years.max().dropna() <= year).all()


def test_group_aggregates_with_groups(snapshot, result):
    groups = standard_groups(snapshot.countries)
    table = result.group_aggregates({k: g.members for k, g in groups.items()}, codes=["INDEX"])
    world = table[table["group"] == "WORLD"].iloc[0]
    assert world["N"] == len(snapshot.countries) and world["n"] == result.index.notna().sum()
    ldc = table[table["group"] == "LDC"].iloc[0]
    members = result.index.reindex(groups["LDC"].members)
    assert members.min() <= ldc["population_weighted"] <= members.max()
    assert ldc["mean"] == pytest.approx(members.mean())
    assert ldc["coverage"] == f"{members.notna().sum()}/{len(groups['LDC'].members)}"


def test_method_variants(snapshot, result):
    geo = score_snapshot(method=replace(Method(), bounds=(1.0, 100.0), aggregation="geometric"))
    both = result.index.notna() & geo.index.notna()
    assert (geo.index[both] <= 1 + result.index[both] * 0.99 + 1e-9).all()
    imputed = score_snapshot(method=replace(Method(), imputation="group_median"))
    assert imputed.imputed.to_numpy().any()
    assert imputed.index.notna().sum() >= result.index.notna().sum()
    # imputed cells are exactly those missing in the selected data that received a value
    filled = imputed.raw.isna() & imputed.imputed_values.notna()
    assert filled.equals(imputed.imputed)


def test_the_iot_pillar_counts_from_its_first_year():
    """Before 2023 the IOT pillar has weight 0: the index is the four-pillar one, unchanged."""
    early, late = score_snapshot(2021), score_snapshot(2023)
    assert early.framework.by_code["IOT"].since == 2023
    assert early.scores["IOT"].isna().all() and early.weights["IOT"] == 0
    assert any(note.startswith("IOT: counts from 2023") for note in early.notes)
    others = ["CONN", "BBAF", "POLICY", "ENABLE"]
    scored = early.index.notna()
    assert scored.sum() > 150
    # equal pillar weights: the index is the mean of the four pillars it has
    mean = early.scores.loc[scored, others].mean(axis=1)
    assert np.allclose(early.index[scored], mean)
    assert late.scores["IOT"].notna().sum() > 190 and late.weights["IOT"] == pytest.approx(0.2)
    assert not any(note.startswith("IOT:") for note in late.notes)
