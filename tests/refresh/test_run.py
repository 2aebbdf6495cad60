"""A refresh from files in hand, start to end, on a copy of data/ (data/ and the raw set are only
read): switch, report, what a broken file or a failed check leaves (nothing), the dry run."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from readiness.data.snapshot import load_snapshot
from readiness.paths import DATA_DIR
from readiness.refresh import run as run_module
from readiness.refresh.changes import render_text
from readiness.refresh.http import Http
from readiness.refresh.run import check_gates, refresh
from readiness.refresh.snapshots import SNAPSHOT_FILE, previous_dir, read_info
from readiness.refresh.sources import SOURCES
from tests.refresh.replayed import newer_raw, point_at, serving

ITU_FILE = "itu_datahub/individuals_using_internet.csv"
REVISED = ("KEN", "2024", "40.5")  # economy, year, new value of i99H (Internet use)


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def itu_export(raw: Path, target: Path, economies: tuple[str, ...], revise: bool) -> Path:
    """A DataHub CSV export of i99H for a few economies, cut from the committed raw file."""
    with (raw / ITU_FILE).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], [r for r in rows[1:] if r[6] in economies]
    if revise:
        for row in body:
            if (row[6], row[9]) == REVISED[:2]:
                row[8] = REVISED[2]
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC).writerows([header, *body])
    return target


@pytest.fixture
def setup(tmp_path: Path, committed_raw: Path, monkeypatch: pytest.MonkeyPatch):
    data = tmp_path / "served" / "data"
    shutil.copytree(DATA_DIR, data)
    monkeypatch.setenv("READINESS_STATE_DIR", str(tmp_path / "state"))
    return data, committed_raw, tmp_path / "hand"


def test_a_datahub_export_in_hand_ends_in_a_switched_snapshot(setup):
    data, raw, hand = setup
    raw_sha = hashlib.sha256((raw / ITU_FILE).read_bytes()).hexdigest()
    itu_export(raw, hand / "my download.csv", ("KEN", "FRA", "BRA"), revise=True)
    lines: list[str] = []
    result = refresh(
        from_dir=hand, raw_base=raw, data_dir=data, report=hand.parent / "what.md", log=lines.append
    )
    assert result.status == "switched" and result.exit_code == 0, result.problems
    assert result.hand == ("my download.csv -> itu_datahub/individuals_using_internet.csv "
                           "(ITU DataHub export of i99H)",)  # fmt: skip
    values = pd.read_csv(data / "values.csv", keep_default_na=False)
    ken = values[(values["iso3"] == "KEN") & (values["indicator"] == "internet_use")]
    assert ken.set_index("year").loc[2024, "value"] == pytest.approx(40.5)
    revised = result.changes.revised
    assert list(revised[["indicator", "iso3", "year"]].itertuples(index=False, name=None)) == [
        ("internet_use", "KEN", 2024)
    ]
    assert result.changes.new_years.empty and result.changes.groups.empty
    for report in result.reports:
        assert "| internet_use | KEN | Kenya | 2024 | 34.9762 | 40.5 |" in report.read_text()
    assert {p.name for p in result.reports} == {"what.md", "changes.md"}
    assert read_info(data).id == result.built and read_info(data).raw.endswith("/raw")
    assert (previous_dir(data) / "values.csv").is_file()
    assert set(result.timings) >= {"check files in hand", "raw set", "build", "check", "switch"}
    assert "build ..." in lines
    # the raw set it started from is untouched: the merged file replaced its hard link
    assert hashlib.sha256((raw / ITU_FILE).read_bytes()).hexdigest() == raw_sha
    # a second refresh starts from the raw set of the served snapshot: the revision stays
    second = hand.parent / "hand2"
    itu_export(raw, second / "fr.csv", ("FRA",), revise=False)
    again = refresh(from_dir=second, data_dir=data)
    assert again.status == "unchanged" and again.exit_code == 0
    assert read_info(data).id == result.built  # nothing switched


def test_a_broken_file_in_hand_changes_nothing(setup):
    data, raw, hand = setup
    export = itu_export(raw, hand / "itu_datahub" / "individuals_using_internet.csv",
                        ("KEN",), revise=True)  # fmt: skip
    export.write_text(export.read_text().replace('"dataValue"', '"value"', 1))
    (hand / "notes.txt").write_text("my notes")
    before = tree_digest(data.parent)
    result = refresh(from_dir=hand, raw_base=raw, data_dir=data)
    assert result.status == "failed" and result.exit_code == 2
    assert any(
        "individuals_using_internet.csv: header lacks dataValue" in p for p in result.problems
    )
    assert any("notes.txt: not recognised" in p for p in result.problems)
    assert tree_digest(data.parent) == before  # no file added, removed or changed
    assert not previous_dir(data).exists() and not (data / SNAPSHOT_FILE).exists()


def test_a_new_snapshot_that_fails_to_build_changes_nothing(setup):
    """An EGDI 2024 file that passes the file checks but lists 191 countries: the build needs
    the 193 UN members, fails, and the served snapshot stays."""
    data, raw, hand = setup
    egdi = pd.read_csv(raw / "egdi" / "EGOV_DATA_2022.csv", dtype=str).head(191)
    egdi["Survey Year"] = "2024"
    hand.mkdir()
    egdi.to_csv(hand / "EGOV_DATA_2024.csv", index=False)
    before = tree_digest(data.parent)
    result = refresh(from_dir=hand, raw_base=raw, data_dir=data)
    assert result.status == "failed", result
    assert result.problems[0].startswith("build failed: expected 193 UN members")
    assert tree_digest(data.parent) == before


def test_a_dry_run_builds_and_checks_but_does_not_switch(setup):
    data, raw, hand = setup
    itu_export(raw, hand / "export.csv", ("KEN",), revise=True)
    before = tree_digest(data.parent)
    result = refresh(from_dir=hand, raw_base=raw, data_dir=data, dry_run=True)
    assert result.status == "dry-run" and result.exit_code == 0
    assert tree_digest(data.parent) == before
    built = pd.read_csv(result.run_dir / "data" / "values.csv")
    assert (built["value"] == 40.5).any() and len(result.changes.revised) == 1


def test_the_gates_stop_a_snapshot_that_lost_economies_or_years():
    snap = load_snapshot(DATA_DIR)
    check_gates(snap, snap)  # the same snapshot passes
    keep = snap.countries["iso3"].head(150)
    thin = dataclasses.replace(snap, values=snap.values[snap.values["iso3"].isin(keep)])
    with pytest.raises(run_module._Failed, match=r"fewer than 90% of the 195 it scores now"):
        check_gates(snap, thin)
    older = dataclasses.replace(snap, values=snap.values[snap.values["year"] < snap.latest_year])
    with pytest.raises(run_module._Failed, match="latest year 2024 is earlier than 2025"):
        check_gates(snap, older)


# --- end to end against the loopback replay of every service ------------------------------------
@pytest.fixture(scope="module")
def newer(tmp_path_factory, committed_raw):
    """A replay serving newer data (tests/refresh/replayed.py), for this module."""
    raw = newer_raw(committed_raw, tmp_path_factory.mktemp("newer") / "raw")
    with serving(raw) as server:
        yield server


@pytest.fixture
def at_newer(newer, monkeypatch):
    for name, value in point_at(newer).items():
        monkeypatch.setenv(name, value)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    newer.reset()
    yield newer
    newer.reset()


def _quick() -> Http:
    return Http(timeout=2.0, retries=1, backoff=0.05, max_wait=1.0)


def test_a_full_refresh_against_the_replay_switches_and_reports(setup, at_newer):
    data, raw, _ = setup
    seen: list[str] = []
    result = refresh(
        raw_base=raw, data_dir=data, http=_quick(), on_source=lambda o: seen.append(o.name)
    )
    assert result.status == "switched" and result.exit_code == 0, result.problems
    assert seen == list(SOURCES) and all(o.ok for o in result.sources)
    found = result.changes
    assert found.counts() == {"new_years": 1, "revised": 1, "groups": 0, "ranks": 0, "coverage": 0}
    assert found.revised[["indicator", "iso3", "year", "new"]].values.tolist() == [
        ["internet_use", "KEN", 2024, 40.5]
    ]
    assert found.new_years[["indicator", "iso3", "old_year", "new_year"]].values.tolist() == [
        ["tertiary_enrolment", "KEN", 2024, 2025]
    ]
    text = render_text(found)
    assert "internet_use KEN 2024: 34.9762 -> 40.5" in text
    assert "tertiary_enrolment KEN (Kenya): 2024 -> 2025" in text
    assert "| internet_use | KEN | Kenya | 2024 |" in (result.run_dir / "changes.md").read_text()
    assert {f"fetch {name}" for name in SOURCES} <= set(result.timings)
    assert read_info(data).id == result.built
    requests = {entry["path"].split("/")[1] for entry in at_newer.log}
    assert requests == {"wb", "itu", "apnic", "pch", "rir"}


def test_a_source_refused_is_named_and_the_others_still_switch(setup, at_newer):
    data, raw, _ = setup
    at_newer.fault(r"^/pch/", "403", times=-1)
    result = refresh(raw_base=raw, data_dir=data, http=_quick())
    assert result.status == "switched" and result.exit_code == 1
    failed = result.failed_sources
    assert [o.name for o in failed] == ["pch"]
    assert (
        failed[0].reason.startswith("HTTP 403 from 127.0.0.1:")
        and "access refused" in failed[0].reason
    )
    assert len(result.changes.revised) == 1 and len(result.changes.new_years) == 1
    assert "pch" not in read_info(data).sources.split(", ")


def test_old_run_folders_are_pruned_but_those_served_stay(tmp_path, monkeypatch):
    monkeypatch.setenv("READINESS_STATE_DIR", str(tmp_path / "state"))
    runs = tmp_path / "state" / "refresh"
    for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z",
                  "20260104T000000Z", "20260105T000000Z", "20260106T000000Z"):  # fmt: skip
        (runs / stamp / "raw").mkdir(parents=True)
    data = tmp_path / "data"
    data.mkdir()
    (data / SNAPSHOT_FILE).write_text(f"x\nraw: {runs / '20260101T000000Z' / 'raw'}\n")
    removed = run_module.prune_runs(data)
    assert sorted(p.name for p in removed) == ["20260102T000000Z", "20260103T000000Z"]
    assert sorted(p.name for p in runs.iterdir()) == [
        "20260101T000000Z", "20260104T000000Z", "20260105T000000Z", "20260106T000000Z",
    ]  # fmt: skip
