"""Peer finder: Gower distance by hand, then peers and progress on the real snapshot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.errors import ReadinessError
from readiness.gaps.cube import gap_inputs
from readiness.gaps.peers import find_peers, gower

nan = np.nan


def test_gower_distance_by_hand():
    # Feature 1 on a log scale (1, 10, 100: equal steps), feature 2 plain, one category.
    numeric = np.array([[1.0, 0.0], [10.0, 10.0], [100.0, nan], [nan, nan]])
    regions = pd.DataFrame({"region": ["A", "A", "B", None]})
    dist, shared = gower(numeric, [True, False], regions, focus=0)
    assert shared.tolist() == [3, 3, 2, 0]
    assert dist[0] == 0.0
    assert dist[1] == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    assert dist[2] == pytest.approx((1.0 + 1.0) / 2)
    assert np.isnan(dist[3])


def test_non_positive_values_cannot_be_logged_and_count_as_missing():
    dist, shared = gower(np.array([[1.0], [0.0], [100.0]]), [True], pd.DataFrame(), focus=0)
    assert shared.tolist() == [1, 0, 1] and dist[2] == 1.0


@pytest.fixture(scope="module")
def inputs(snapshot):
    return gap_inputs(snapshot)


def test_peers_of_kenya(inputs):
    peers = find_peers("ken", inputs=inputs, year=2023, n=8)
    t = peers.table
    assert t.iloc[0]["iso3"] == "KEN" and t.iloc[0]["role"] == "focus"
    others = t[t["role"] == "peer"]
    assert len(others) == 8 and "KEN" not in set(others["iso3"])
    assert others["distance"].is_monotonic_increasing
    assert peers.features == ("gni_per_capita", "population", "urban_share", "region")
    # The progress ranking orders peers by their annual change, fastest first.
    ranked = others.dropna(subset=["progress_rank"]).sort_values("progress_rank")
    assert ranked["trend"].is_monotonic_decreasing and ranked["progress_rank"].iloc[0] == 1
    assert list(peers.fastest(2)["iso3"]) == list(ranked["iso3"].head(2))


def test_each_peers_trend_carries_the_years_of_the_gap_tables_rule(inputs):
    from readiness.gaps.analysis import economy_gaps

    t = find_peers("KEN", inputs=inputs).table.set_index("iso3")
    assert (t.loc["KEN", "trend_from"], t.loc["KEN", "trend_to"]) == (2019, 2024)
    with_trend = t[t["trend"].notna()]
    assert len(with_trend) == len(t)  # every Kenya peer has a trend on Internet use
    assert with_trend["trend_from"].notna().all() and with_trend["trend_to"].notna().all()
    assert (with_trend["trend_from"] < with_trend["trend_to"]).all()
    gaps = economy_gaps(inputs, None, list(t.index), codes=["internet_use"]).set_index("iso3")
    for col in ("trend", "trend_from", "trend_to"):
        assert t[col].tolist() == pytest.approx(gaps.loc[t.index, col].tolist()), col
    assert t["trend_n"].tolist() == gaps.loc[t.index, "trend_n"].tolist()


def test_a_peer_without_a_trend_has_no_trend_years(inputs):
    t = find_peers("BGD", indicator="price_mobile_5gb", year=2023, inputs=inputs, n=30).table
    none = t[t["trend"].isna()]
    assert len(none) and none["trend_from"].isna().all() and none["trend_to"].isna().all()


def test_region_only_peers_share_the_region(inputs, snapshot):
    peers = find_peers("SEN", features=["region"], inputs=inputs, n=5).table
    region = snapshot.countries.set_index("iso3").loc["SEN", "itu_region"]
    assert (peers["region"] == region).all() and (peers["distance"] == 0).all()


def test_progress_on_a_price_ranks_falling_prices_first(inputs):
    peers = find_peers("BGD", indicator="price_fixed_5gb", year=2023, inputs=inputs, n=10)
    ranked = peers.table.dropna(subset=["progress_rank"]).sort_values("progress_rank")
    assert ranked["trend"].is_monotonic_increasing  # the steepest fall ranks first


def test_progress_on_the_index_uses_the_engines_scores(inputs):
    peers = find_peers("RWA", indicator="INDEX", year=2023, inputs=inputs, n=3).table
    k = inputs.code_index("INDEX")
    t = inputs.year_index(2023)
    rwa = inputs.units.get_loc("RWA")
    assert peers.iloc[0]["value"] == pytest.approx(inputs.values[t, rwa, k])


def test_unknown_economy_or_feature_is_a_readiness_error(inputs):
    with pytest.raises(ReadinessError, match="unknown economy"):
        find_peers("ZZZ", inputs=inputs)
    with pytest.raises(ReadinessError, match="unknown feature"):
        find_peers("KEN", features=["gdp"], inputs=inputs)
    with pytest.raises(ReadinessError, match="unknown indicator"):
        find_peers("KEN", indicator="nope", inputs=inputs)
