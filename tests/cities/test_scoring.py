"""U4SSC scoring: bands checked by hand at their edges, Karmøy's real values scored against the
documented reference targets, user targets overriding them, and missing never scored as 0."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from readiness.cities.scoring import BAND_EDGES, band, percent_of_target, score_city
from readiness.cities.template import read_city_values

REFERENCED = {  # Karmøy's values that have a documented reference target (targets.yaml)
    ("EC: ICT: ICT: 1C", ""), ("EC: ICT: ICT: 4C", "4G"), ("EC: I: WS: 1C", ""),
    ("EC: I: WS: 2C", ""), ("EC: I: WS: 5C", ""),
}  # fmt: skip


@pytest.fixture(scope="module")
def karmoy_values(karmoy_csv) -> pd.DataFrame:
    return read_city_values(karmoy_csv, "karmoy.csv")


def _values(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    """A hand-made table of values (a test input, not a city)."""
    return pd.DataFrame(rows, columns=["kpi_code", "data_point", "year", "value"])


def _targets(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["kpi_code", "data_point", "target", "direction"])
    return frame.assign(source="test target")


@pytest.mark.parametrize(
    ("percent", "expected"),
    [(0.0, 1), (32.99, 1), (33.0, 2), (65.99, 2), (66.0, 3), (94.99, 3), (95.0, 4), (100.0, 4)],
)
def test_band_edges_by_hand(percent, expected):
    assert BAND_EDGES == (33.0, 66.0, 95.0)
    assert band(percent) == expected
    assert band(math.nan) is None


def test_percent_of_target_by_hand():
    value = pd.Series([40.0, 40.0, 0.0, 10.0, 200.0, math.nan, 40.0])
    target = pd.Series([80.0, 20.0, 20.0, 20.0, 100.0, 50.0, math.nan])
    direction = pd.Series(["higher", "lower", "lower", "lower", "higher", "higher", "higher"])
    got = percent_of_target(value, target, direction).tolist()
    # 40/80; 20/40 (lower is better); 0 meets a ceiling; 20/10 and 200/100 capped at 100.
    assert got[:5] == [50.0, 50.0, 100.0, 100.0, 100.0]
    assert math.isnan(got[5]) and math.isnan(got[6])
    unknown = percent_of_target(pd.Series([40.0]), pd.Series([80.0]), pd.Series(["unknown"]))
    assert math.isnan(unknown.iloc[0])


def test_band_edges_through_score_city():
    # Six KPIs of one category (Transport, ICT) at 32.99, 33, 65.99, 66, 94.99 and 95 % of 100.
    codes = ["EC: ICT: T: 1C", "EC: ICT: T: 2C", "EC: ICT: T: 3A"]
    values = _values([(codes[0], "", 2022, 32.99), (codes[1], "", 2022, 33.0),
                      (codes[2], "", 2022, 95.0)])  # fmt: skip
    targets = _targets([(c, "", 100.0, "higher") for c in codes])
    score = score_city(values, targets)
    bands = score.kpis.set_index("code").loc[codes, "band"].tolist()
    assert bands == [1, 2, 4]
    transport = score.categories.set_index("category").loc["Transport"]
    transport = transport[transport["sub_dimension"] == "ICT"].iloc[0]
    assert (transport["scored"], transport["points"], transport["max_points"]) == (3, 7.0, 12)
    assert transport["score"] == pytest.approx(7 / 12 * 100)
    values = _values([(codes[0], "", 2022, 65.99), (codes[1], "", 2022, 66.0),
                      (codes[2], "", 2022, 94.99)])  # fmt: skip
    assert score_city(values, targets).kpis.set_index("code").loc[codes, "band"].tolist() == [
        2, 3, 3,
    ]  # fmt: skip


def test_karmoy_scored_against_reference_targets(karmoy_values):
    score = score_city(karmoy_values)
    kpis = score.kpis
    reported = kpis[kpis["value"].notna()]
    assert len(reported) == 14
    scored = reported[reported["band"].notna()]
    assert set(zip(scored["code"], scored["data_point"], strict=True)) == REFERENCED
    assert (scored["target_source"] == "reference").all() and (scored["band"] == 4).all()
    internet = scored.set_index("code").loc["EC: ICT: ICT: 1C"]
    assert internet["percent_of_target"] == pytest.approx(97.0)
    assert internet["target_url"] == "https://www.itu.int/itu-d/meetings/statistics/umc2030/"
    # Reported without a target: shown, not scored; Wi-Fi has none (the report prints N/A).
    unscored = reported[reported["band"].isna()].set_index(["code", "data_point"])
    assert (unscored["reason"] == "no_target").all() and len(unscored) == 9
    assert unscored.loc[("EC: ICT: D: 1A", ""), "value"] == 0.0  # a real 0 stays a value


def test_karmoy_category_and_dimension_scores_with_their_counts(karmoy_values):
    score = score_city(karmoy_values)
    cats = score.categories.set_index(["sub_dimension", "category"])
    ict = cats.loc[("ICT", "ICT Infrastructure")]
    # 1C, 2C, 3C, 4C are core; Wi-Fi (unresolved 5C/5A) counts in the total only.
    assert ict[["kpis", "reported", "reported_core", "reported_advanced"]].tolist() == [5, 5, 4, 0]
    assert ict[["scored", "scored_core", "points", "max_points", "score"]].tolist() == [
        2, 2, 8.0, 8, 100.0,
    ]  # fmt: skip
    water = cats.loc[("Infrastructure", "Water and Sanitation")]
    assert water[["reported", "scored", "score"]].tolist() == [5, 3, 100.0]
    drainage = cats.loc[("ICT", "Drainage")]
    assert drainage[["reported", "reported_advanced", "scored"]].tolist() == [1, 1, 0]
    assert math.isnan(drainage["score"])
    dims = score.dimensions.set_index("dimension")
    assert dims.loc["Economy", ["reported", "reported_core", "reported_advanced"]].tolist() == [
        13, 10, 2,
    ]  # fmt: skip
    assert dims.loc["Economy", "scored"] == 5 and dims.loc["Economy", "score"] == 100.0
    assert dims.loc["Environment", "reported"] == 0 and math.isnan(dims.loc["Environment", "score"])
    assert dims["kpis"].tolist() == [45, 17, 29]
    assert score.sub_dimensions["kpis"].sum() == 91
    # 22 categories; some sit in several sub-dimensions (Water and Sanitation in three).
    assert score.categories["category"].nunique() == 22 and len(score.categories) == 27


def test_user_targets_override_references_and_score_lower_is_better(karmoy_values):
    targets = _targets([
        ("EC: ICT: ICT: 1C", "", 120.0, ""),  # 97/120 = 80.8% -> 3 (direction from ITU's page)
        ("EC: I: WS: 3C", "", 20.0, "lower"),  # water loss 35.42%: 20/35.42 = 56.5% -> 2
    ])  # fmt: skip
    score = score_city(karmoy_values, targets)
    kpis = score.kpis.set_index("code")
    assert kpis.loc["EC: ICT: ICT: 1C", "target_source"] == "user"
    assert kpis.loc["EC: ICT: ICT: 1C", "band"] == 3
    assert kpis.loc["EC: I: WS: 3C", "percent_of_target"] == pytest.approx(20 / 35.42 * 100)
    assert kpis.loc["EC: I: WS: 3C", "band"] == 2
    cats = score.categories.set_index(["sub_dimension", "category"])
    assert cats.loc[("ICT", "ICT Infrastructure"), "score"] == pytest.approx(7 / 8 * 100)
    assert cats.loc[("Infrastructure", "Water and Sanitation"), "score"] == pytest.approx(87.5)


def test_targets_carried_in_the_file_are_the_users(karmoy_values):
    carried = karmoy_values.copy()
    row = carried.index[carried["kpi_code"] == "EC: I: WS: 3C"][0]
    carried.loc[row, ["target", "target_direction", "target_source"]] = [20.0, "lower", "plan"]
    kpis = score_city(carried).kpis.set_index("code")
    assert (kpis.loc["EC: I: WS: 3C", "band"], kpis.loc["EC: I: WS: 3C", "target_reference"]) == (
        2, "plan",
    )  # fmt: skip


def test_a_kpi_with_several_data_points_counts_once_with_the_mean_of_its_bands(karmoy_values):
    # 3G against a user target of 200: 96.67/200 = 48% -> 2; 4G against the reference -> 4.
    score = score_city(karmoy_values, _targets([("EC: ICT: ICT: 4C", "3G", 200.0, "higher")]))
    ict = score.categories.set_index(["sub_dimension", "category"]).loc[
        ("ICT", "ICT Infrastructure")
    ]
    assert (ict["scored"], ict["points"]) == (2, 7.0)  # 4 (1C) + mean(2, 4)


def test_no_direction_no_score():
    values = _values([("EC: I: WS: 3C", "", 2021, 30.0)])
    kpis = score_city(values, _targets([("EC: I: WS: 3C", "", 20.0, "")])).kpis.set_index("code")
    assert kpis.loc["EC: I: WS: 3C", "reason"] == "no_direction"
    assert pd.isna(kpis.loc["EC: I: WS: 3C", "band"])


def test_latest_year_unless_a_year_is_asked():
    values = _values([("EC: I: WS: 1C", "", 2018, 80.0), ("EC: I: WS: 1C", "", 2021, 90.0),
                      ("EC: I: ES: 3C", "", 2020, 99.0)])  # fmt: skip
    latest = score_city(values).kpis.set_index("code")
    assert latest.loc["EC: I: WS: 1C", ["value", "year"]].tolist() == [90.0, 2021]
    earlier = score_city(values, year=2019).kpis.set_index("code")
    assert earlier.loc["EC: I: WS: 1C", ["value", "year"]].tolist() == [80.0, 2018]
    assert earlier.loc["EC: I: ES: 3C", "reason"] == "not_reported"  # 2020 is after 2019


def test_missing_is_never_zero():
    score = score_city(_values([("EC: I: WS: 1C", "", 2021, 90.0)]))
    missing = score.kpis[score.kpis["code"] != "EC: I: WS: 1C"]
    assert missing["value"].isna().all() and missing["band"].isna().all()
    assert (missing["reason"] == "not_reported").all()
    assert score.dimensions.set_index("dimension")["score"].isna().tolist() == [False, True, True]


def test_unknown_codes_are_refused():
    from readiness.errors import ReadinessError

    with pytest.raises(ReadinessError, match="EC: ICT: ICT: 9C"):
        score_city(_values([("EC: ICT: ICT: 9C", "", 2021, 1.0)]))
