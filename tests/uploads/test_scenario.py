"""Scenario files: method plus overlays in one JSON file, imported back exactly, validated again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readiness.index.engine import score_snapshot
from readiness.index.method import Method
from readiness.uploads.scenario import Scenario, ScenarioError, export_scenario, import_scenario
from readiness.uploads.upload import validate_file

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"


@pytest.fixture(scope="module")
def scenario(snapshot) -> Scenario:
    tracker = validate_file((CORPUS / "good_wide_tracker.xlsx").read_bytes(), "t.xlsx", snapshot)
    tidy = validate_file(
        b"economy,year,indicator,value\nKEN,2024,internet_use,0.1234567890123456789\n"
        b"Viet Nam,2024,coverage_5g,33.3\n",
        "tidy.csv",
        snapshot,
    )
    assert tracker.ok and tidy.ok
    method = Method(normalisation="minmax", weights={"gci": 2.0}, window=4)
    return Scenario(method=method, overlays=(tracker.overlay, tidy.overlay))


def test_round_trip_is_exact(snapshot, scenario):
    data = export_scenario(scenario)
    back = import_scenario(data, snapshot)
    assert back == scenario
    assert back.method == scenario.method
    for mine, theirs in zip(back.overlays, scenario.overlays, strict=True):
        assert mine.token == theirs.token
        assert mine.provenance == theirs.provenance
        assert mine.indicators == theirs.indicators
        assert mine.rows.equals(theirs.rows)
    # and the file it writes again is the same, apart from the export time
    again = json.loads(export_scenario(back))
    first = json.loads(data)
    again.pop("exported_at"), first.pop("exported_at")
    assert again == first


def test_round_trip_gives_equal_scores(snapshot, scenario):
    back = import_scenario(export_scenario(scenario), snapshot)
    a = score_snapshot(method=scenario.method, snapshot=scenario.snapshot(snapshot)).summary()
    b = score_snapshot(method=back.method, snapshot=back.snapshot(snapshot)).summary()
    assert a.equals(b)
    assert "g5_test" in back.snapshot(snapshot).catalogue.codes


def _doc(scenario) -> dict:
    return json.loads(export_scenario(scenario))


def test_tampered_rows_are_validated_like_an_upload(snapshot, scenario):
    doc = _doc(scenario)
    doc["overlays"][1]["rows"]["iso3"][0] = "Vietnan"
    doc["overlays"][1]["rows"]["value"][1] = 250.0
    with pytest.raises(ScenarioError) as info:
        import_scenario(json.dumps(doc).encode(), snapshot)
    text = str(info.value)
    assert "unknown economy 'Vietnan'" in text and "did you mean Viet Nam (VNM)" in text
    assert "250 is impossible for coverage_5g" in text
    assert "overlay 2 (tidy.csv)" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x80\x81 not json", "not a scenario file"),
        (b"[1, 2]", "not a scenario file"),
        (b'{"format": "readiness-scenario", "version": 9}', "version 9 is not supported"),
        (b"[" * 100000, "not a scenario file"),
        (b'{"format": "readiness-scenario", "version": 1, "overlays": [{"rows": NaN}]}',
         "not a scenario file"),
        (b'{"format": "readiness-scenario", "version": 1, "overlays": "x"}', "must be a list"),
        (b'{"format": "readiness-scenario", "version": 1, "overlays": [{"provenance": 1}]}',
         "provenance needs filename"),
        (b'{"format": "readiness-scenario", "version": 1, "method": {"normalisation": "pickle"}}',
         "normalisation must be one of"),
    ],
)  # fmt: skip
def test_bad_scenario_files(snapshot, data, message):
    with pytest.raises(ScenarioError, match=message):
        import_scenario(data, snapshot)


def test_ragged_rows_are_refused(snapshot, scenario):
    doc = _doc(scenario)
    doc["overlays"][0]["rows"]["value"].pop()
    with pytest.raises(ScenarioError, match="differ in length"):
        import_scenario(json.dumps(doc).encode(), snapshot)


def test_empty_scenario(snapshot):
    back = import_scenario(export_scenario(Scenario()), snapshot)
    assert back == Scenario() and back.snapshot(snapshot) is snapshot
