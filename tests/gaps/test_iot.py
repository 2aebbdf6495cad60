"""IoT gaps of groups on the real snapshot, checked against the tidy values directly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.data.groups import custom_group, standard_groups
from readiness.errors import ReadinessError
from readiness.gaps.iot import (
    COUNT_MEASURES,
    DEFAULT_IOT_GROUPS,
    IOT_COLUMNS,
    IOT_MEASURES,
    SHARE_MEASURES,
    iot_gaps,
    iot_groups,
)

YEAR = 2025


@pytest.fixture(scope="module")
def table(snapshot):
    return iot_gaps(snapshot, YEAR, iot_groups(snapshot, YEAR)).set_index(["group", "measure"])


@pytest.fixture(scope="module")
def groups(snapshot):
    return standard_groups(snapshot.countries, YEAR, snapshot.income_history)


def _latest(snapshot, code, members, year=YEAR):
    """Each member's most recent value of `code` within its window ending at `year`, by hand."""
    window = snapshot.catalogue.get(code).window
    v = snapshot.values
    rows = v[
        (v["indicator"] == code)
        & v["iso3"].isin(members)
        & v["year"].between(year - window + 1, year)
    ]
    return rows.sort_values("year").groupby("iso3").last()


def test_one_row_per_group_and_measure_with_the_declared_columns(snapshot, table):
    assert tuple(table.reset_index().columns) == IOT_COLUMNS
    assert len(table) == len(DEFAULT_IOT_GROUPS) * len(IOT_MEASURES)
    assert table.index.is_unique
    # 3 development groups, 6 ITU-D regions, 4 income groups and the world
    assert len(DEFAULT_IOT_GROUPS) == 14


def test_ldc_exchange_share_is_the_count_of_ldcs_with_an_ixp(snapshot, table, groups):
    ldc = groups["LDC"].members
    latest = _latest(snapshot, "ixp_density", ldc)
    row = table.loc[("LDC", "ixp_share")]
    assert row["members"] == 44 and row["known"] == len(latest) == 44
    with_ixp = int((latest["value"] > 0).sum())
    assert row["value"] == pytest.approx(100 * with_ixp / len(latest))
    assert row["value"] == pytest.approx(100 * 28 / 44)  # 28 of the 44 LDCs have an exchange
    assert row["data_year"] == latest["year"].max() == 2025
    assert row["source"] == "PCH_IXP"


def test_lpwa_unknown_is_never_counted_as_none(snapshot, table, groups):
    ldc = groups["LDC"].members
    listed = _latest(snapshot, "lpwa_networks", ldc)
    assert list(listed.index) == ["BGD"]  # Bangladesh is the only LDC the Band Atlas lists
    row = table.loc[("LDC", "lpwa_share")]
    assert (row["known"], row["unknown"], row["members"]) == (1, 43, 44)
    assert row["value"] == pytest.approx(100 / 44)  # at least 1 of 44, the rest unknown
    assert table.loc[("LDC", "lpwa_share_listed"), "value"] == pytest.approx(100.0)
    world = _latest(snapshot, "lpwa_networks", groups["WORLD"].members)
    w = table.loc[("WORLD", "lpwa_share")]
    assert (w["known"], w["unknown"]) == (len(world), 218 - len(world)) == (66, 152)
    assert w["value"] == pytest.approx(100 * (world["value"] >= 1).sum() / 218)


def test_a_group_whose_members_are_all_unlisted_gets_nan_not_zero(snapshot):
    unlisted = custom_group("UNLISTED", "Malawi and Nepal", ["MWI", "NPL"], snapshot.countries)
    table = iot_gaps(snapshot, YEAR, [unlisted]).set_index("measure")
    for measure in ("lpwa_share", "lpwa_share_listed"):
        row = table.loc[measure]
        assert np.isnan(row["value"]) and np.isnan(row["gap_world"]), measure
        assert (row["known"], row["unknown"]) == (0, 2)
        assert pd.isna(row["data_year"])
    # the same economies do have exchange-point values: known, not unknown
    assert table.loc["ixp_share", "known"] == 2


def test_landlocked_members_have_no_cable_values_and_are_not_applicable(snapshot, table, groups):
    lldc = groups["LLDC"].members
    cables = snapshot.values[snapshot.values["indicator"] == "submarine_cables"]
    assert not cables["iso3"].isin(lldc).any()
    na = snapshot.flags_of("submarine_cables")
    assert set(lldc) <= set(na.loc[na["flag"] == "not_applicable", "iso3"])
    row = table.loc[("LLDC", "cable_share")]
    # not applicable is neither known nor unknown: NaN with 0 known and 0 unknown
    assert np.isnan(row["value"]) and (row["known"], row["unknown"]) == (0, 0)
    ldc = table.loc[("LDC", "cable_share")]
    assert ldc["known"] + ldc["unknown"] < ldc["members"]  # the landlocked LDCs


def test_shares_are_percentages_and_quartiles_are_ordered(table):
    shares = table.loc[pd.IndexSlice[:, list(SHARE_MEASURES)], "value"].dropna()
    assert len(shares) > 40 and shares.between(0, 100).all()
    for group in DEFAULT_IOT_GROUPS:
        p25, mid, p75 = (table.loc[(group, m), "value"] for m in ("ipv6_p25", "ipv6_median",
                                                                  "ipv6_p75"))  # fmt: skip
        assert 0 <= p25 <= mid <= p75 <= 100, group
    assert (table["known"] + table["unknown"] <= table["members"]).all()


def test_ipv6_quartiles_and_low_sample_count_by_hand(snapshot, table, groups):
    sids = groups["SIDS"].members
    latest = _latest(snapshot, "ipv6_capable", sids)
    assert table.loc[("SIDS", "ipv6_median"), "value"] == pytest.approx(latest["value"].median())
    assert table.loc[("SIDS", "ipv6_p75"), "value"] == pytest.approx(latest["value"].quantile(0.75))
    flags = snapshot.flags_of("ipv6_capable")
    low = flags[(flags["flag"] == "low_sample") & flags["iso3"].isin(sids)]
    row = table.loc[("SIDS", "ipv6_low_sample")]
    assert row["value"] == len(low) > 0
    assert np.isnan(row["gap_world"])  # a count of members has no gap
    assert set(COUNT_MEASURES) == {"ipv6_low_sample"}


def test_facilities_are_pooled_from_the_sources_own_counts(snapshot, table, groups):
    lldc = groups["LLDC"].members
    density = _latest(snapshot, "facilities_density", lldc)
    pop = snapshot.values[
        (snapshot.values["indicator"] == "population") & (snapshot.values["year"] == 2024)
    ].set_index("iso3")["value"]
    counts = density["value"] * pop.reindex(density.index) / 1e6
    # the population of the data year gives back PeeringDB's whole-number counts (another
    # year is off by a year's growth, 0.02 or more)
    assert np.allclose(counts, counts.round(), atol=1e-3)  # values.csv keeps 6 decimals
    pooled = counts.sum() / pop.reindex(density.index).sum() * 1e6
    row = table.loc[("LLDC", "facilities_per_million")]
    assert row["value"] == pytest.approx(pooled)
    assert row["data_year"] == 2024 and row["source"] == "PEERINGDB; WDI"
    # pooled, not the mean of densities: a few small hubs do not lift the group
    assert row["value"] != pytest.approx(density["value"].mean())


def test_world_and_high_income_columns_are_those_groups_rows(table):
    for measure in IOT_MEASURES:
        world, hic = table.loc[("WORLD", measure)], table.loc[("HIC", measure)]
        assert world["world"] == pytest.approx(world["value"], nan_ok=True)
        assert hic["high_income"] == pytest.approx(hic["value"], nan_ok=True)
        ldc = table.loc[("LDC", measure)]
        assert ldc["world"] == pytest.approx(world["value"], nan_ok=True)
        if measure not in COUNT_MEASURES:
            assert ldc["gap_world"] == pytest.approx(ldc["value"] - ldc["world"])
            assert ldc["gap_high_income"] == pytest.approx(ldc["value"] - ldc["high_income"])
    assert table.loc[("WORLD", "ixp_share"), "members"] == 218
    # LDCs trail high-income economies on every pooled and IPv6 measure
    for measure in ("ipv6_median", "facilities_per_million", "asn_per_million", "lpwa_share"):
        assert table.loc[("LDC", measure), "gap_high_income"] < 0, measure


def test_income_groups_follow_the_years_classification(snapshot):
    history = snapshot.income_history
    hic_2024 = set(history.loc[(history["year"] == 2024) & (history["income_group"] ==
                                                          "High income"), "iso3"])  # fmt: skip
    (hic,) = iot_groups(snapshot, 2024, ["HIC"])
    assert set(hic.members) == hic_2024
    table = iot_gaps(snapshot, 2024, [hic]).set_index("measure")
    assert table.loc["ixp_share", "members"] == len(hic_2024)
    assert table.loc["ixp_share", "high_income"] == pytest.approx(table.loc["ixp_share", "value"])


def test_no_value_after_the_year_is_used(snapshot):
    table = iot_gaps(snapshot, 2022, iot_groups(snapshot, 2022, ["LDC"])).set_index("measure")
    # PCH counts start in 2023 and APNIC's scrape is of 2025: unknown in 2022, never 0
    for measure in ("ixp_share", "ipv6_median", "lpwa_share"):
        assert np.isnan(table.loc[measure, "value"]) and table.loc[measure, "known"] == 0
        assert table.loc[measure, "unknown"] == 44
    assert table.loc["cable_share", "data_year"] == 2022  # the cables map is of 2022


def test_a_year_outside_the_snapshot_is_a_clear_error(snapshot):
    with pytest.raises(ReadinessError, match="choose a year from"):
        iot_gaps(snapshot, 2031, iot_groups(snapshot, YEAR, ["LDC"]))


def test_a_users_value_counts_and_is_named_as_its_source(snapshot):
    """A user's LTE-M level for Malawi (as an upload or --extra gives it) enters the LDC share
    and the source column names USER beside the Band Atlas."""
    from dataclasses import replace

    from readiness.uploads.overlay import USER_SOURCE

    row = pd.DataFrame(
        {"iso3": ["MWI"], "indicator": ["lpwa_networks"], "year": [2025], "value": [1.0],
         "source": [USER_SOURCE], "estimate": [False]}
    ).astype(snapshot.values.dtypes.to_dict())  # fmt: skip
    user = replace(snapshot, values=pd.concat([snapshot.values, row], ignore_index=True))
    table = iot_gaps(user, YEAR, iot_groups(user, YEAR, ["LDC"])).set_index("measure")
    lpwa = table.loc["lpwa_share"]
    assert (lpwa["known"], lpwa["unknown"]) == (2, 42)
    assert lpwa["value"] == pytest.approx(100 * 2 / 44)
    assert lpwa["source"] == f"BAND_ATLAS; {USER_SOURCE}"
    assert table.loc["ixp_share", "source"] == "PCH_IXP"  # untouched measures keep theirs
