"""The indicator catalogue, tested as data and as code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from readiness.data.catalogue import CATALOGUE_FILE, load_catalogue
from readiness.errors import ReadinessError

MIN_ECONOMIES = 150


def test_every_indicator_is_fully_declared(snapshot):
    cat = snapshot.catalogue
    assert len(cat.index_indicators()) >= 12
    for ind in cat.indicators:
        assert ind.name and ind.description and ind.unit, ind.code
        assert ind.goalposts.lo < ind.goalposts.hi and ind.goalposts.reason, ind.code
        assert ind.licence == cat.source(ind.source).licence
        if ind.transform.log:
            assert ind.goalposts.lo > 0, ind.code


def test_each_pillar_has_indicators_and_the_framework_is_three_levels(snapshot):
    cat = snapshot.catalogue
    frame = cat.framework_table()
    assert set(frame["Level"]) == {1, 2, 3}
    pillars = frame[frame["Level"] == 2]
    assert list(pillars["iCode"]) == ["CONN", "BBAF", "POLICY", "ENABLE", "IOT"]
    children = frame[frame["Level"] == 1].groupby("Parent").size()
    assert (children.reindex(pillars["iCode"]) >= 3).all()


def test_iot_measures_are_in_the_index(snapshot):
    index_codes = {i.code for i in snapshot.catalogue.index_indicators()}
    assert {"coverage_5g", "secure_servers", "internet_use", "coverage_4g"} <= index_codes
    assert snapshot.catalogue.get("idi").role == "benchmark"


# Band Atlas lists 66 markets (GSMA's launches); unlisted markets stay unknown, never 0.
PARTIAL_LISTINGS = {"lpwa_networks": 60}


@pytest.mark.parametrize("code", [i.code for i in load_catalogue().indicators])
def test_indicator_has_enough_economies_in_its_window(snapshot, code):
    ind = snapshot.catalogue.get(code)
    v = snapshot.indicator_values(code)
    end = snapshot.latest_year
    in_window = v[(v["year"] > end - ind.window) & (v["year"] <= end)]
    if code in PARTIAL_LISTINGS:
        # A listing whose absence is unknown: it scores at half weight, where it is listed.
        assert snapshot.catalogue.source(ind.source).absence == "unknown"
        assert ind.weight <= 0.5
        assert in_window["iso3"].nunique() >= PARTIAL_LISTINGS[code]
        return
    assert in_window["iso3"].nunique() >= MIN_ECONOMIES, (code, in_window["iso3"].nunique())


def test_unknown_code_names_the_known_ones(snapshot):
    with pytest.raises(ReadinessError, match=r"unknown indicator 'nope'.*internet_use"):
        snapshot.catalogue.get("nope")


def test_a_broken_catalogue_reports_every_problem(tmp_path: Path):
    doc = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    doc["indicators"][0]["direction"] = 2
    doc["indicators"][1]["source"] = "NOWHERE"
    del doc["indicators"][2]["goalposts"]
    doc["indicators"][3]["code"] = doc["indicators"][4]["code"]
    broken = tmp_path / "catalogue.yaml"
    broken.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(ReadinessError) as info:
        load_catalogue.__wrapped__(broken)
    message = str(info.value)
    assert "4 problem(s)" in message
    assert "direction must be 1 or -1" in message
    assert "source 'NOWHERE' is not declared" in message
    assert "missing key(s) ['goalposts']" in message
    assert "used twice" in message


def test_names_cover_the_index_pillars_and_indicators_in_the_catalogues_language(snapshot):
    from readiness.data.catalogue import INDEX_CODE
    from readiness.i18n import translate

    cat = snapshot.catalogue
    names = cat.names()
    assert set(names) == {INDEX_CODE, *cat.pillar_codes, *cat.codes}
    french = cat.translated("fr").names()
    assert french["internet_use"] == translate("fr", "term.indicator.internet_use.name")
    assert french[INDEX_CODE] == translate("fr", "term.index.name") != names[INDEX_CODE]
