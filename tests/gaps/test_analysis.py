"""Group and economy gap tables on the real snapshot: hand computations, consistency, coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.data.groups import custom_group, standard_groups
from readiness.errors import ReadinessError
from readiness.gaps.analysis import economy_gaps, gap_table
from readiness.gaps.cube import gap_inputs, membership, parse_group
from readiness.index.engine import score_snapshot

nan = np.nan


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


def test_a_user_group_cannot_hide_behind_a_standard_code(inputs):
    fake = custom_group("LDC", "not the LDCs", ["FRA", "DEU"], inputs.snapshot.countries)
    with pytest.raises(ReadinessError, match="standard group"):
        gap_table(inputs, [fake], [2023])


def test_an_economys_trend_is_its_own_whoever_else_is_asked_for(inputs):
    """economy_gaps fits trends for the economies asked for only: a few of them give the same
    rows as the whole table, in the order asked."""
    codes = list(inputs.codes)
    whole = economy_gaps(inputs, 2024, codes=codes).set_index(["iso3", "code"])
    few = economy_gaps(inputs, 2024, ["MWI", "KEN", "FJI"], codes=codes)
    assert list(dict.fromkeys(few["iso3"])) == ["MWI", "KEN", "FJI"]
    assert few["trend"].notna().any()
    expected = whole.loc[list(zip(few["iso3"], few["code"], strict=True))].reset_index()
    pd.testing.assert_frame_equal(few, expected[few.columns])
