"""A city's national context (readiness.cities.national) on the committed snapshot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.cities.kpis import kpi_points
from readiness.cities.national import MATCHES, national_context
from readiness.data.snapshot import load_snapshot
from readiness.errors import ReadinessError
from readiness.index.engine import score_snapshot


@pytest.fixture(scope="module")
def snapshot():
    return load_snapshot()


def test_every_match_names_a_real_kpi_and_indicator(snapshot):
    points = set(zip(kpi_points()["code"], kpi_points()["data_point"], strict=True))
    for m in MATCHES:
        assert (m.kpi, m.data_point) in points
        snapshot.catalogue.get(m.indicator)  # raises for an unknown code


def test_norway_scores_and_values_come_from_the_snapshot(snapshot):
    result = score_snapshot(2025, snapshot=snapshot)
    ctx = national_context("nor", 2025, snapshot=snapshot, result=result)
    assert ctx.iso3 == "NOR" and ctx.name == snapshot.name("NOR")
    assert ctx.index == pytest.approx(float(result.scores.loc["NOR", result.framework.index_code]))
    assert ctx.rank == result.rank["NOR"] and ctx.ranked == int(result.rank.notna().sum())
    values = snapshot.values
    for row in ctx.indicators.itertuples():
        ind = snapshot.catalogue.get(row.indicator)
        mine = values[(values["iso3"] == "NOR") & (values["indicator"] == row.indicator)]
        mine = mine[(mine["year"] <= 2025) & (mine["year"] > 2025 - int(ind.window or 1))]
        if mine.empty:
            assert np.isnan(row.value) and pd.isna(row.year)  # missing stays missing
            continue
        last = mine.sort_values("year").iloc[-1]
        assert row.value == pytest.approx(last["value"]) and row.year == last["year"]
        assert row.source == last["source"]


def test_units_that_differ_are_never_converted(snapshot):
    ctx = national_context("KEN", snapshot=snapshot)
    table = ctx.indicators.set_index("indicator")
    assert not table.loc["fixed_broadband", "same_unit"]
    assert np.isnan(table.loc["fixed_broadband", "value_in_kpi_unit"])
    assert table.loc["mobile_broadband", "value_in_kpi_unit"] == pytest.approx(
        table.loc["mobile_broadband", "value"] * 1000
    )


def test_unknown_country_is_a_clear_error(snapshot):
    with pytest.raises(ReadinessError, match="ISO3"):
        national_context("XXX", snapshot=snapshot)
