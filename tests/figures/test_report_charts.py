"""Report charts: the map's shapes, and labels that stay on the chart."""

from __future__ import annotations

import json

import pytest

from readiness.figures import report_charts
from readiness.paths import STATIC_DIR
from readiness.reports.build import Subject, build_report, scoring_context


@pytest.fixture(scope="module")
def ctx(snapshot):
    return scoring_context(snapshot)


def _shapes(resolution: int) -> set[str]:
    topo = json.loads((STATIC_DIR / "topojson" / f"world_{resolution}m.json").read_text())
    return {g.get("id") for g in topo["objects"]["countries"]["geometries"]}


def test_every_economy_of_a_report_map_is_drawn_at_110m(snapshot, ctx):
    """The lighter shapes lose no economy: each has a 110m shape or a small-state marker."""
    shapes = _shapes(report_charts.REPORT_RESOLUTION)
    markers = set(report_charts._small_state_points()["iso3"])
    for subject in (Subject.economy("KEN"), Subject.economy("FJI"), Subject.group("LDC")):
        (spec,) = [f for f in build_report(snapshot, subject, context=ctx).figures()
                   if f.kind == "map"]  # fmt: skip
        fig = report_charts.render(spec)
        assert fig.layout.geo.resolution == 110
        drawn = {str(c) for c in spec.data.loc[spec.data["score"].notna(), "iso3"]}
        assert drawn and not drawn - shapes - markers, sorted(drawn - shapes - markers)
    # Nor any economy anywhere: what has a 50m shape has a 110m shape or a marker.
    economies = set(snapshot.countries["iso3"])
    assert not (economies & _shapes(50)) - shapes - markers


def test_long_gap_labels_wrap_and_keep_a_number_with_its_unit():
    assert report_charts._wrapped("Fixed-broadband basket (5 GB), % of monthly GNI per capita") == (
        "Fixed-broadband basket (5\u00a0GB), % of<br>monthly GNI per capita"
    )
    assert report_charts._wrapped("A <b>bold</b> name") == "A &lt;b&gt;bold&lt;/b&gt; name"
