"""Reference targets (data/u4ssc/targets.yaml): only documented public targets, few, each with
its reference text and URL; a KPI without one has no target."""

from __future__ import annotations

import re

import pytest

from readiness.cities.kpis import WIFI, kpi_points
from readiness.cities.targets import TARGETS_FILE, load_targets
from readiness.errors import SnapshotError


def test_every_target_cites_a_public_reference():
    targets = load_targets()
    assert 0 < len(targets) <= 12  # most of the 91 KPIs have none
    assert targets["url"].str.startswith("https://").all()
    assert (targets["reference"].str.len() > 40).all() and (targets["note"] != "").all()
    assert set(targets["direction"]) <= {"higher", "lower"}
    assert (targets["target"] > 0).all()
    points = kpi_points().set_index(["code", "data_point"])
    for row in targets.itertuples():
        assert (row.code, row.data_point) in points.index
        known = points.loc[(row.code, row.data_point), "direction"]
        assert known in ("unknown", row.direction)


def test_universal_access_targets_are_100_and_quote_their_sdg_target():
    targets = load_targets()
    for row in targets[targets["reference"].str.contains("2030 Agenda")].itertuples():
        sdg = re.search(r"target (\d+\.\d+)", row.reference)[1]  # type: ignore[index]
        assert f"Target={sdg}" in row.url
        if row.direction == "higher":
            assert row.target == 100 and (
                "universal" in row.reference or "for all" in row.reference
            )
    mmr = targets.set_index("code").loc["SC: EH: H: 2C"]
    assert (mmr["target"], mmr["direction"]) == (70, "lower") and "70 per 100,000" in mmr[
        "reference"
    ]


def test_kpis_without_a_reference_have_no_target():
    targets = load_targets()
    assert WIFI not in set(targets["code"])  # the Karmøy report prints "N/A" for Wi-Fi
    assert ("EC: ICT: ICT: 4C", "3G") not in set(
        zip(targets["code"], targets["data_point"], strict=True)
    )
    # Fixed broadband: its ITU page cites an OECD average (~30%), which is not a target.
    assert "EC: ICT: ICT: 2C" not in set(targets["code"])


def test_the_file_states_its_rule():
    text = TARGETS_FILE.read_text(encoding="utf-8")
    assert "publishes no per-KPI numeric target" in text
    assert "ONLY when a public, citable text sets one" in text
    assert "user targets override these" in text


def test_a_broken_file_is_refused(tmp_path, monkeypatch):
    from readiness.cities import targets as module

    bad = tmp_path / "targets.yaml"
    text = TARGETS_FILE.read_text(encoding="utf-8")
    bad.write_text(text.replace('kpi: "EC: I: ES: 3C"', 'kpi: "EC: I: ES: 9C"'), encoding="utf-8")
    with pytest.raises(SnapshotError, match="EC: I: ES: 9C"):
        module._targets(bad)
