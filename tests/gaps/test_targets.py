"""The targets file as data, progress and gap definitions, and ITU's bands, on hand numbers."""

from __future__ import annotations

import numpy as np
import pytest

from readiness.errors import ReadinessError
from readiness.gaps.targets import gap, load_targets, met, progress


@pytest.fixture(scope="module")
def targets():
    return load_targets()


def test_every_target_row_is_complete_and_matches_the_catalogue(targets, snapshot):
    cat = snapshot.catalogue
    assert len(targets.targets) >= 6
    for t in targets.targets:
        ind = cat.get(t.indicator)
        assert t.direction == ind.direction, t.indicator
        assert t.year == 2030
        assert t.citation and t.url.startswith("https://"), t.indicator
        assert t.note, t.indicator
        if t.direction == 1:
            assert t.baseline is not None and t.baseline < t.value
        assert ind.goalposts.lo <= t.value <= ind.goalposts.hi, t.indicator
        assert (snapshot.values["indicator"] == t.indicator).any(), f"no data for {t.indicator}"
    for b in targets.benchmarks:
        assert cat.get(b.indicator).direction == b.direction
        assert b.citation and b.note


def test_the_connectivity_targets_we_promise_are_there(targets):
    by = {t.indicator: t for t in targets.targets}
    for code in ("internet_use", "coverage_4g", "households_internet", "mobile_ownership"):
        assert by[code].value == 100 and by[code].direction == 1
    assert by["price_mobile_5gb"].value == 2 and by["price_mobile_5gb"].direction == -1
    # Internet use counts all ages, the target individuals 15+: flagged as a proxy.
    assert by["internet_use"].proxy and "15" in by["internet_use"].note
    assert targets.get("gci") is None


def test_itu_bands(targets):
    assert targets.bands == (
        ("Target met", 95.0),
        ("Advanced", 75.0),
        ("Satisfactory", 50.0),
        ("Limited", 0.0),
    )
    p = np.array([1.0, 0.95, 0.9499, 0.75, 0.7499, 0.5, 0.4999, 0.0, np.nan])
    assert list(targets.band(p)) == [
        "Target met",
        "Target met",
        "Advanced",
        "Advanced",
        "Satisfactory",
        "Satisfactory",
        "Limited",
        "Limited",
        "No data",
    ]


def test_progress_and_gap_for_a_floor_target():
    v = np.array([40.0, 100.0, 103.0, np.nan])
    p = progress(v, np.array(100.0), np.array(1.0), np.array(0.0))
    assert p[:3].tolist() == [0.4, 1.0, 1.0] and np.isnan(p[3])
    g = gap(v, np.array(100.0), np.array(1.0))
    assert g[:3].tolist() == [60.0, 0.0, 0.0] and np.isnan(g[3])
    assert met(v, np.array(100.0), np.array(1.0)).tolist() == [False, True, True, False]


def test_progress_and_gap_for_a_price_ceiling():
    # A price twice the 2% target is half-way; the share to go is the share it must fall.
    v = np.array([4.0, 2.5, 2.0, 1.5, 0.0])
    p = progress(v, np.array(2.0), np.array(-1.0), np.array(np.nan))
    assert p.tolist() == [0.5, 0.8, 1.0, 1.0, 1.0]
    assert gap(v, np.array(2.0), np.array(-1.0)).tolist() == [2.0, 0.5, 0.0, 0.0, 0.0]


def test_codes_without_a_target_have_no_progress(targets):
    value, direction, _ = targets.arrays(["gci", "internet_use"])
    assert np.isnan(value[0]) and direction[0] == 0 and value[1] == 100
    p = progress(np.array([50.0, 50.0]), value, direction, np.array([np.nan, 0.0]))
    assert np.isnan(p[0]) and p[1] == 0.5


def test_a_bad_targets_file_lists_every_problem(tmp_path):
    bad = tmp_path / "targets.yaml"
    bad.write_text(
        """
sources: {S: {citation: x, url: https://x}}
bands: [{label: Met, lowest: 95}, {label: Low, lowest: 0}]
targets:
  - {indicator: nope, area: a, value: 1, direction: 1, baseline: 0, year: 2030,
     source: S, proxy: false, note: n}
  - {indicator: price_mobile_5gb, area: a, value: 2, direction: 1, baseline: 0, year: 2030,
     source: T, proxy: false, note: n}
""",
        encoding="utf-8",
    )
    with pytest.raises(ReadinessError) as err:
        load_targets(bad)
    text = str(err.value)
    assert "'nope' is not in the catalogue" in text
    assert "differs from the catalogue" in text
    assert "source 'T'" in text
