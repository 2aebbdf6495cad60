"""The indicators sheet: new indicators declared, labels mapped, every wrong field reported."""

from __future__ import annotations

from readiness.uploads.metadata import read_metadata
from readiness.uploads.overlay import USER_SOURCE, Provenance
from readiness.uploads.problems import Collector
from readiness.uploads.reading import read_upload

PROVENANCE = Provenance("m.csv", "0" * 64, "2026-01-01T00:00:00+00:00")
HEADER = "code,name,unit,direction,pillar,goalpost_lo,goalpost_hi,weight,window,maps_to"


def _read(snapshot, *rows: str):
    table = read_upload("\n".join([HEADER, *rows]).encode(), "m.csv").data
    out = Collector()
    declared, aliases, failed = read_metadata(table, snapshot, PROVENANCE, out, "indicators")
    return declared, aliases, failed, [(p.code, p.row, p.column) for p in out.items]


def test_a_new_indicator_is_declared(snapshot):
    declared, aliases, failed, problems = _read(
        snapshot, "g5_tracker,5G tracker,score 0-100,higher,Policy,0,100,,,"
    )
    assert not problems and not aliases and not failed
    ind = declared["g5_tracker"]
    assert (ind.pillar, ind.role, ind.direction, ind.weight, ind.window) == (
        "POLICY",
        "index",
        1,
        1.0,
        5,
    )
    assert ind.source == USER_SOURCE and "m.csv" in ind.goalposts.reason


def test_a_mapping_row_only_maps(snapshot):
    declared, aliases, _, problems = _read(snapshot, "Internet users (%),,,,,,,,,internet_use")
    assert aliases == {"Internet users (%)": "internet_use"} and not declared and not problems


def test_every_wrong_field_is_reported_and_the_code_fails(snapshot):
    declared, _, failed, problems = _read(
        snapshot, "bad_one,Bad,,sideways,NOPE,10,5,-1,11,", "internet_use,x,%,1,CONN,0,1,,,"
    )
    assert not declared and failed == {"bad_one"}
    assert [code for code, _, _ in problems] == [
        "meta_missing",
        "meta_bad_direction",
        "meta_bad_pillar",
        "meta_bad_goalposts",
        "meta_bad_weight",
        "meta_bad_window",
        "meta_catalogue_code",
    ]
    assert {row for _, row, _ in problems} == {2, 3}


def test_no_code_column(snapshot):
    table = read_upload(b"name,unit\nx,y\n", "m.csv").data
    out = Collector()
    assert read_metadata(table, snapshot, PROVENANCE, out, "indicators") == ({}, {}, set())
    assert [p.code for p in out.items] == ["meta_no_code"]
