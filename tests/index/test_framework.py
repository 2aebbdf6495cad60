"""The framework model: COINr-style tables of any depth, our catalogue, and every bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from readiness.errors import ReadinessError
from readiness.index.framework import Framework, load_framework

ASEM = Path(__file__).resolve().parents[3] / "shared" / "data" / "reference" / "coinr-asem"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "engine"


def table(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["iCode", "Parent", "Level", "Weight", "Direction"])


GOOD = (
    ("a", "P", 1, 1, 1),
    ("b", "P", 1, 1, -1),
    ("P", "I", 2, 1, 1),
    ("I", None, 3, 1, 1),
)


def test_asem_four_levels():
    if not ASEM.is_dir():
        pytest.skip("ASEM reference data not present")
    fw = load_framework(ASEM / "iMeta.csv")
    assert len(fw.indicators) == 49 and fw.top_level == 4 and fw.index_code == "Index"
    assert [len(p.parents) for p in fw.plans] == [8, 2, 1]
    assert fw.children("Conn") == ("Physical", "ConEcFin", "Political", "Instit", "P2P")
    assert fw.by_code["CO2"].direction == -1
    assert int((fw.directions == -1).sum()) == 14
    assert fw.aggregates[-1] == "Index" and fw.pillars[0] == "Physical"


def test_weight_matrix_places_each_child_under_its_parent():
    fw = Framework.from_table(table(*GOOD, ("c", "Q", 1, 2, 1), ("Q", "I", 2, 1, 1)))
    plan = fw.plans[0]
    assert plan.children == ("a", "b", "c") and plan.parents == ("P", "Q")
    m = plan.weight_matrix(np.array([1.0, 1.0, 2.0]))
    assert m.tolist() == [[1, 0], [1, 0], [0, 2]]


def test_round_trip_through_table():
    fw = load_framework(FIXTURES / "tiny_meta.csv")
    again = Framework.from_table(fw.to_table())
    assert again.nodes == fw.nodes
    assert fw.by_code["i1"].goalposts == (0, 50) and fw.by_code["i1"].target == 40


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((*GOOD, ("c", "Nowhere", 1, 1, 1)), "c: parent Nowhere does not exist"),
        ((("a", "P", 1, 1, 1), ("P", "Q", 2, 1, 1), ("Q", "P", 3, 1, 1)), "cycle in parents"),
        ((*GOOD[:3], ("I", None, 3, -1, 1)), "Weight must be >= 0"),
        ((("a", "P", 1, "heavy", 1), *GOOD[2:]), "Weight must be a number"),
        ((("a", "P", 1, 1, 2), *GOOD[1:]), "Direction must be 1 or -1"),
        ((("a", "I", 1, 1, 1), *GOOD[1:]), "a parent must be exactly one level up"),
        ((*GOOD, ("J", None, 3, 1, 1)), "more than one top-level aggregate"),
        ((*GOOD, ("a", "P", 1, 1, 1)), "iCode a appears more than once"),
        ((*GOOD, ("E", "I", 2, 1, 1)), r"aggregate E \(level 2\) has no children"),
    ],
)
def test_bad_frameworks_are_rejected_with_a_reason(rows, message):
    with pytest.raises(ReadinessError, match=message) as info:
        Framework.from_table(table(*rows))
    assert "\n" not in str(info.value)  # one line for the CLI


def test_all_problems_reported_together():
    rows = (("a", "P", 1, -2, 5), ("b", "P", 1, "x", 1), *GOOD[2:])
    with pytest.raises(ReadinessError) as info:
        Framework.from_table(table(*rows))
    text = str(info.value)
    assert "problem(s)" in text and "Weight must be >= 0" in text
    assert "Direction must be 1 or -1" in text and "Weight must be a number" in text


def test_missing_columns_named():
    with pytest.raises(ReadinessError, match=r"lacks column.*Weight"):
        Framework.from_table(pd.DataFrame({"iCode": ["a"], "Parent": ["P"], "Level": [1]}))


def test_non_tree_rows_are_skipped():
    rows = pd.DataFrame(
        [
            ("a", "P", 1, 1, 1, "Indicator"),
            ("P", None, 2, 1, 1, "Aggregate"),
            ("GDP", None, None, None, None, "Denominator"),
        ],
        columns=["iCode", "Parent", "Level", "Weight", "Direction", "Type"],
    )
    assert Framework.from_table(rows).indicators == ("a",)


def test_from_catalogue(snapshot):
    fw = Framework.from_catalogue(snapshot.catalogue)
    index_codes = tuple(i.code for i in snapshot.catalogue.index_indicators())
    assert fw.indicators == index_codes
    assert fw.pillars == snapshot.catalogue.pillar_codes and fw.index_code == "INDEX"
    for code in index_codes:
        ind, node = snapshot.catalogue.get(code), fw.by_code[code]
        assert node.goalposts == (ind.goalposts.lo, ind.goalposts.hi)
        assert node.direction == ind.direction and node.window == ind.window
        assert node.log == ind.transform.log and node.cap == ind.transform.cap


def test_since_round_trips_and_switches_a_branch_off():
    from readiness.data.catalogue import load_catalogue

    fw = Framework.from_catalogue(load_catalogue())
    back = Framework.from_table(fw.to_table())
    assert back.by_code["IOT"].since == 2023 and back.by_code["CONN"].since is None
    off = fw.inactive(2022)
    assert "IOT" in off and "ipv6_capable" in off and "internet_use" not in off
    assert fw.inactive(2023) == frozenset() and fw.inactive(None) == frozenset()
