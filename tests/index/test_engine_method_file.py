"""The Method: defaults, validation, and exact round trips through dicts, JSON and YAML files."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from readiness.errors import ReadinessError
from readiness.index.method import (
    AGGREGATIONS,
    IMPUTATIONS,
    NORMALISATIONS,
    Method,
    load_method,
    save_method,
)


def test_defaults_are_our_published_method():
    m = Method()
    assert (m.normalisation, m.bounds, m.aggregation, m.imputation) == (
        "goalposts",
        (0.0, 100.0),
        "arithmetic",
        "none",
    )
    assert m.pillar_coverage == pytest.approx(0.6) and m.index_coverage == 0.75
    assert set(NORMALISATIONS) == {"goalposts", "minmax", "zscore", "rank", "target"}
    assert set(AGGREGATIONS) == {"arithmetic", "geometric"} and "none" in IMPUTATIONS


VARIANT = replace(
    Method(),
    normalisation="rank",
    bounds=(1.0, 10.0),
    imputation="group_median",
    imputation_group="income_group",
    weights={"CONN": 2.0, "gci": 0.5},
    window=3,
    winsorise=True,
    tiers=(("High", 50.0), ("Low", 0.0)),
)


@pytest.mark.parametrize("method", [Method(), VARIANT])
def test_dict_round_trip_is_exact(method):
    data = method.to_dict()
    assert Method.from_dict(data) == method
    assert Method.from_dict(json.loads(json.dumps(data))) == method
    assert hash(Method.from_dict(data)) == hash(method)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_file_round_trip(tmp_path, suffix):
    path = tmp_path / f"method{suffix}"
    save_method(VARIANT, path)
    assert load_method(path) == VARIANT


def test_partial_file_keeps_defaults(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("aggregation: geometric\nbounds: [1, 100]\n")
    assert load_method(path) == replace(Method(), aggregation="geometric", bounds=(1.0, 100.0))


def test_unknown_keys_and_bad_values_are_all_listed():
    with pytest.raises(ReadinessError) as info:
        Method.from_dict({"normalization": "minmax", "bounds": [5], "winsorise": "yes"})
    text = str(info.value)
    assert "unknown setting 'normalization'" in text
    assert "bounds: expected [lo, hi]" in text and "winsorise: expected true or false" in text
    assert "\n" not in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"normalisation": "log"}, "normalisation must be one of"),
        ({"bounds": (100.0, 0.0)}, "bounds must be"),
        ({"pillar_coverage": 1.5}, "pillar_coverage must be a share"),
        ({"weights": {"gci": -1.0}}, "weight of gci must be a number >= 0"),
        ({"tiers": (("A", 10.0), ("B", 20.0))}, "strictly decreasing"),
        ({"tiers": (("A", 50.0), ("B", 10.0))}, "last tier must start at 0"),
        ({"window": 0}, "window must be"),
    ],
)
def test_bad_values_rejected(changes, message):
    with pytest.raises(ReadinessError, match=message):
        replace(Method(), **changes)


def test_unreadable_file(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("{not json")
    with pytest.raises(ReadinessError, match="cannot parse method file"):
        load_method(path)
    with pytest.raises(ReadinessError, match="method file not found"):
        load_method(tmp_path / "absent.yaml")
