"""Data-gap analysis on the real snapshot, checked against the tidy values directly."""

from __future__ import annotations

import pytest

from readiness.gaps.cube import gap_inputs, parse_group
from readiness.gaps.datagaps import STATUSES, economy_status, group_datagaps


@pytest.fixture(scope="module")
def inputs(snapshot):
    return gap_inputs(snapshot)


def _status_by_hand(snapshot, iso3, code, year):
    v = snapshot.values
    rows = v[(v["iso3"] == iso3) & (v["indicator"] == code)]
    window = snapshot.catalogue.get(code).window
    this = rows[rows["year"] == year]
    if len(this):
        return "estimate" if bool(this["estimate"].iloc[0]) else "reported"
    if rows["year"].between(year - window + 1, year).any():
        return "carried forward"
    return "missing"


def test_each_status_agrees_with_the_tidy_values(snapshot, inputs):
    table = economy_status(inputs, [2023], ["KEN", "TUV", "HTI", "SOM", "FRA"])
    assert len(table) == 5 * 23  # 23 index indicators since the IoT pillar (issue 20), was 17
    for row in table.itertuples():
        assert row.status == _status_by_hand(snapshot, row.iso3, row.indicator, 2023), row
    assert set(table["status"]) <= set(STATUSES)
    # Every status occurs across these economies, so each branch is exercised.
    assert set(table["status"]) == set(STATUSES)


def test_group_counts_add_up_and_name_the_missing(inputs):
    table = group_datagaps(inputs, ["LDC"], [2023]).set_index("indicator")
    parts = table[["reported", "estimate", "carried_forward", "missing"]].sum(axis=1)
    assert (parts == table["N"]).all() and (table["N"] == 44).all()
    assert (table["with_value"] == table["N"] - table["missing"]).all()
    status = economy_status(inputs, [2023], parse_group("LDC", inputs).members)
    for code, row in table.iterrows():
        lacking = status[(status["indicator"] == code) & (status["status"] == "missing")]
        assert row["missing_members"] == ",".join(sorted(lacking["iso3"])), code
        assert row["share_missing"] == pytest.approx(len(lacking) / 44)


def test_share_of_itu_estimates_for_ldc_internet_use(snapshot, inputs):
    row = group_datagaps(inputs, ["LDC"], [2023]).set_index("indicator").loc["internet_use"]
    v = snapshot.values
    ldc = snapshot.countries.loc[snapshot.countries["ldc"], "iso3"]
    sel = v[
        (v["indicator"] == "internet_use") & v["iso3"].isin(ldc) & v["year"].between(2019, 2023)
    ]
    latest = sel.sort_values("year").groupby("iso3").last()
    assert row["share_estimates"] == pytest.approx(latest["estimate"].mean())
    assert row["share_estimates"] > 0.5  # most LDC Internet-use figures are ITU estimates
