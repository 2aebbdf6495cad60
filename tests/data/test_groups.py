"""Group membership and group means, on hand-checkable numbers and on the real master."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from readiness.data.groups import (
    custom_group,
    group_by_name,
    group_mean,
    resolve_group,
    standard_groups,
)
from readiness.errors import ReadinessError


def test_group_mean_simple_weighted_and_coverage():
    values = pd.Series({"AAA": 10.0, "BBB": 30.0, "CCC": None})
    weights = pd.Series({"AAA": 1.0, "BBB": 3.0, "CCC": 1.0})
    m = group_mean(values, ["AAA", "BBB", "CCC", "DDD"], weights)
    assert m.simple == 20.0
    assert m.weighted == (10 * 1 + 30 * 3) / 4
    assert (m.n, m.total, m.coverage, m.withheld) == (2, 4, "2/4", False)


def test_group_mean_withheld_when_members_with_data_hold_under_two_thirds():
    values = pd.Series({"AAA": 10.0, "BBB": 30.0, "CCC": None})
    weights = pd.Series({"AAA": 1.0, "BBB": 3.0, "CCC": 100.0})  # CCC: 96% of the people
    m = group_mean(values, ["AAA", "BBB", "CCC", "DDD"], weights)
    assert m.withheld and math.isnan(m.simple) and math.isnan(m.weighted)
    assert (m.n, m.total, m.coverage) == (2, 4, "2/4")  # the count is still shown
    edge = group_mean(
        values, ["AAA", "BBB", "CCC"], pd.Series({"AAA": 1.0, "BBB": 1.0, "CCC": 1.0})
    )
    assert not edge.withheld  # two of three equal members: exactly two thirds is enough


def test_group_with_no_data_is_missing_not_zero():
    m = group_mean(pd.Series(dtype=float), ["AAA", "BBB"], pd.Series({"AAA": 1.0}))
    assert math.isnan(m.simple) and math.isnan(m.weighted) and m.n == 0


def test_standard_groups_from_the_master(snapshot):
    groups = standard_groups(snapshot.countries)
    assert len(groups["LDC"].members) == 44
    assert len(groups["WORLD"].members) == 218
    regions = [g for g in groups.values() if g.kind == "itu_region"]
    assert sum(len(g.members) for g in regions) == snapshot.countries["itu_region"].notna().sum()


def test_income_groups_follow_the_year(snapshot):
    now = standard_groups(snapshot.countries)
    then = standard_groups(snapshot.countries, 2005, snapshot.income_history)
    assert "IND" in now["LMC"].members and "IND" in then["LIC"].members


def test_resolve_group_is_forgiving_but_strict_on_unknowns(snapshot):
    groups = standard_groups(snapshot.countries)
    assert resolve_group("ldc", groups).code == "LDC"
    assert resolve_group("itu-afr", groups).code == "ITU_AFR"
    with pytest.raises(ReadinessError, match="did you mean LDC"):
        resolve_group("LDCs", groups)


def test_custom_group_checks_codes(snapshot):
    g = custom_group("MINE", "My peers", ["ken", "UGA "], snapshot.countries)
    assert g.members == ("KEN", "UGA")
    with pytest.raises(ReadinessError, match="unknown economy code"):
        custom_group("MINE", "x", ["KEN", "ZZZ"], snapshot.countries)


def test_a_group_by_its_label_or_code_else_suggestions(snapshot):
    groups = standard_groups(snapshot.countries)
    assert group_by_name("Africa", groups).code == "ITU_AFR"  # the label, without "ITU-D region: "
    assert group_by_name(" low income ", groups).code == "LIC"
    assert group_by_name("ldc", groups).code == "LDC"
    with pytest.raises(ReadinessError, match="did you mean"):
        group_by_name("LDCS", groups)
