"""The snapshot against the raw files: spot checks, rebuild equality, missing is never zero."""

from __future__ import annotations

import csv
import filecmp
import shutil
from pathlib import Path

import pandas as pd
import pytest

from readiness.data.build.snapshot import build_snapshot
from readiness.data.snapshot import load_snapshot
from readiness.errors import SnapshotError
from readiness.paths import DATA_DIR, STATIC_DIR


def _raw_rows(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def _one(rows: list[dict[str, str]], **match: str) -> dict[str, str]:
    hits = [r for r in rows if all((r.get(k) or "").strip() == v for k, v in match.items())]
    assert len(hits) == 1, (match, len(hits))
    return hits[0]


def _snap(snapshot, iso3: str, indicator: str, year: int) -> pd.Series:
    v = snapshot.values
    row = v[(v["iso3"] == iso3) & (v["indicator"] == indicator) & (v["year"] == year)]
    assert len(row) == 1, (iso3, indicator, year)
    return row.iloc[0]


# (file under raw, encoding, match in the raw file, raw value column, snapshot key)
ITU = "itu_datahub/individuals_using_internet.csv"
U8 = "utf-8-sig"
SPOT_CHECKS = [
    (ITU, U8, {"entityIso": "NGA", "dataYear": "2022"}, "dataValue", ("NGA", "internet_use", 2022)),
    (ITU, U8, {"entityIso": "DEU", "dataYear": "2022"}, "dataValue", ("DEU", "internet_use", 2022)),
    (ITU, U8, {"entityIso": "KSO", "dataYear": "2018"}, "dataValue", ("XKX", "internet_use", 2018)),
    ("itu_datahub/data_only_mobile_broadband_basket_5gb.csv", "utf-8-sig",
     {"entityIso": "KEN", "dataYear": "2024", "seriesCode": "i271mb_5GB_GNI"}, "dataValue",
     ("KEN", "price_mobile_5gb", 2024)),
    ("itu_datahub/population_coverage_mobile_network.csv", "utf-8-sig",
     {"entityIso": "IND", "dataYear": "2023", "seriesCode": "i271G5_pop"}, "dataValue",
     ("IND", "coverage_5g", 2023)),
    ("wdi/eg.elc.accs.zs/data.csv", "utf-8", {"Country Code": "IND", "Year": "2020"}, "Value",
     ("IND", "electricity_access", 2020)),
    ("wdi/it.net.secr.p6/data.csv", "utf-8", {"Country Code": "ABW", "Year": "2011"}, "Value",
     ("ABW", "secure_servers", 2011)),
    ("itu_idi_gci/itu_idi_2024.csv", "latin-1", {"iso3": "ALB"}, "idi_score", ("ALB", "idi", 2024)),
    ("itu_idi_gci/itu_gci_overall_2020_2024_data360.csv", "utf-8",
     {"REF_AREA": "ALB", "TIME_PERIOD": "2020"}, "OBS_VALUE", ("ALB", "gci", 2020)),
    ("itu_idi_gci/itu_gci_2024_pillars_data360.csv", "utf-8", {"iso3": "DZA"}, "legal",
     ("DZA", "gci_legal", 2024)),
    ("egdi/EGOV_DATA_2022.csv", "utf-8", {"Country Name": "Georgia (Country)"},
     "Online Service Index", ("GEO", "online_services", 2022)),
    ("egdi/EGOV_DATA_2024_modified-headers.csv", "utf-8", {"Country": "Ireland"}, "Human_Capital",
     ("IRL", "human_capital", 2024)),
    ("egdi/egdi_2010_unu-egov.csv", "utf-8", {"country-code": "IRQ"}, "osi",
     ("IRQ", "online_services", 2010)),
    ("open_data_govtech/ODIN_2022_23_raw.csv", "latin-1",
     {"Country Code": "DNK", "Data categories": "All Categories"}, "Overall score",
     ("DNK", "open_data", 2022)),
    ("open_data_govtech/gtmi_2022_long.csv", "utf-8-sig",
     {"cc_iso3c": "AFG", "variable": "gtmi_dataprivacy"}, "value",
     ("AFG", "data_protection", 2022)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "encoding", "match", "column", "key"),
    SPOT_CHECKS,
    ids=[f"{c[4][1]}-{c[4][0]}-{c[4][2]}" for c in SPOT_CHECKS],
)
def test_value_equals_the_raw_file(snapshot, raw_dir, file, encoding, match, column, key):
    rows = _raw_rows(raw_dir / file, encoding)
    if "seriesCode" not in match and "seriesCode" in rows[0]:
        match = {**match, "seriesCode": "i99H"}
    raw_value = float(_one(rows, **match)[column])
    assert _snap(snapshot, *key)["value"] == pytest.approx(raw_value, abs=1e-6)


def test_itu_estimates_are_flagged(snapshot, raw_dir):
    rows = _raw_rows(raw_dir / ITU)
    nga = _one(rows, entityIso="NGA", dataYear="2022", seriesCode="i99H")
    assert "ITU estimate" in nga["dataSource"]
    assert bool(_snap(snapshot, "NGA", "internet_use", 2022)["estimate"]) is True
    assert bool(_snap(snapshot, "DEU", "internet_use", 2022)["estimate"]) is False


def test_turkiye_and_cote_divoire_recovered_from_the_latin1_idi(snapshot):
    assert _snap(snapshot, "TUR", "idi", 2024)["value"] == 87.5
    assert _snap(snapshot, "CIV", "idi", 2024)["value"] == 65.3


def test_missing_is_absent_never_zero(snapshot, raw_dir):
    rows = _raw_rows(raw_dir / "itu_datahub/population_coverage_mobile_network.csv")
    itu_codes = {"KSO": "XKX", "GBJ": "CHI"}  # ITU's own codes for Kosovo, Guernsey+Jersey
    raw = {
        (itu_codes.get(r["entityIso"], r["entityIso"]), int(r["dataYear"])): float(r["dataValue"])
        for r in rows
        if r["seriesCode"] == "i271G5_pop" and r["dataValue"] != ""
    }
    snap = snapshot.indicator_values("coverage_5g")
    econ = set(snapshot.countries["iso3"])
    raw_zeros = sum(1 for (iso, y), v in raw.items() if v == 0 and iso in econ and y >= 2000)
    assert (snap["value"] == 0).sum() == raw_zeros
    assert snapshot.values["value"].notna().all()
    # Economies with no 5G row in the raw file have no row in the snapshot either.
    assert set(snap["iso3"]) == {iso for iso, _ in raw} & econ


@pytest.mark.rebuild
def test_rebuild_equals_the_committed_snapshot(raw_dir, tmp_path):
    data, static = tmp_path / "data", tmp_path / "static"
    report = build_snapshot(raw_dir, data, static, log=lambda _: None)
    assert report.files
    for name in report.files:
        prefix, rel = name.split("/", 1)
        built = (data if prefix == "data" else static) / rel
        committed = (DATA_DIR if prefix == "data" else STATIC_DIR) / rel
        assert filecmp.cmp(built, committed, shallow=False), f"{name} differs from the rebuild"


@pytest.mark.rebuild
def test_build_is_deterministic(raw_dir, tmp_path):
    first = build_snapshot(raw_dir, tmp_path / "a" / "data", tmp_path / "a" / "static", log=str)
    build_snapshot(raw_dir, tmp_path / "b" / "data", tmp_path / "b" / "static", log=str)
    for name in first.files:
        a, b = tmp_path / "a" / name, tmp_path / "b" / name
        assert a.read_bytes() == b.read_bytes(), name


def _corrupt_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_corrupted_snapshot_reports_every_problem(tmp_path):
    data = _corrupt_copy(tmp_path)
    values = pd.read_csv(data / "values.csv")
    values = pd.concat([values, values.head(1)])  # a duplicate key
    values.loc[values.index[1], "indicator"] = "made_up"
    values.loc[values.index[2], "iso3"] = "ZZZ"
    share = values.index[values["indicator"] == "internet_use"][0]
    values.loc[share, "value"] = 250.0
    values.to_csv(data / "values.csv", index=False)
    countries = pd.read_csv(data / "countries.csv", dtype=str)
    countries.loc[countries["iso3"] == "KEN", "itu_region"] = "Atlantis"
    countries.to_csv(data / "countries.csv", index=False)
    with pytest.raises(SnapshotError) as info:
        load_snapshot(data)
    text = str(info.value)
    assert "rebuild it with `python -m readiness build-data`" in text
    for expected in (
        "duplicate economy-indicator-year",
        "indicators not in the catalogue ['made_up']",
        "economies not in countries.csv ['ZZZ']",
        "internet_use is a share but reaches 250",
        "unknown ITU-D region(s) ['Atlantis']",
    ):
        assert expected in text
    assert len(info.value.problems) >= 5


def test_missing_file_and_column_are_named(tmp_path):
    data = _corrupt_copy(tmp_path)
    (data / "income_history.csv").unlink()
    pd.read_csv(data / "values.csv").drop(columns=["source"]).to_csv(data / "values.csv")
    with pytest.raises(SnapshotError) as info:
        load_snapshot(data)
    assert "income_history.csv: file missing" in str(info.value)
    assert "values.csv: missing column(s) ['source']" in str(info.value)
