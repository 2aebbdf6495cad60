"""Switching snapshots: atomic exchange, the previous kept, rollback, readers never see a gap.

Every test works on a copy of the committed data/ in a temporary folder; data/ is only read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from readiness.data.snapshot import load_snapshot
from readiness.errors import ReadinessError
from readiness.paths import DATA_DIR, REPO_ROOT
from readiness.refresh import snapshots
from readiness.refresh.snapshots import (
    SNAPSHOT_FILE,
    load_current,
    previous_dir,
    read_info,
    rollback,
    snapshot_version,
    staging_dir,
    switch,
    switch_lock,
    write_snapshot_id,
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def served(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _variant(served: Path, name: str, factor: float) -> Path:
    """A snapshot beside `served` whose values differ (every ipv6_capable value scaled)."""
    folder = served.with_name(name)
    shutil.copytree(served, folder)
    values = pd.read_csv(folder / "values.csv", keep_default_na=False)
    rows = values["indicator"] == "ipv6_capable"
    values.loc[rows, "value"] = (values.loc[rows, "value"] * factor).clip(upper=100).round(6)
    values.to_csv(folder / "values.csv", index=False, lineterminator="\n")
    return folder


def test_switch_keeps_the_previous_and_rollback_returns_to_it(served):
    before = snapshot_version(served)
    assert before.startswith("build-")  # a build-data snapshot has no SNAPSHOT file
    new = _variant(served, ".data.new-1", 0.5)
    ident = write_snapshot_id(new, raw=Path("/some/raw"), sources="itu")
    assert read_info(new).raw == "/some/raw" and read_info(new).sources == "itu"
    with switch_lock(served):
        assert switch(new, served) == ident
    assert snapshot_version(served) == ident and not new.exists()
    assert snapshot_version(previous_dir(served)) == before
    assert (
        load_current(served).values["value"].sum() != load_snapshot(DATA_DIR).values["value"].sum()
    )
    back = rollback(served)
    assert snapshot_version(served) == before and back.set_aside == ident
    assert ident in back.text() and "build-data snapshot" in back.served
    again = rollback(served)  # a second rollback is a roll forward
    assert snapshot_version(served) == ident and again.served == ident


def test_a_second_switch_drops_the_oldest(served):
    first = _variant(served, ".data.new-1", 0.5)
    one = write_snapshot_id(first)
    second = _variant(served, ".data.new-2", 0.25)
    (second / SNAPSHOT_FILE).write_text("second-id\n", encoding="utf-8")
    with switch_lock(served):
        switch(first, served)
        switch(second, served)
    assert snapshot_version(served) == "second-id"
    assert snapshot_version(previous_dir(served)) == one
    leftovers = sorted(p.name for p in served.parent.iterdir() if p.is_dir())
    assert leftovers == ["data", "data.previous"]


def test_readers_see_the_old_or_the_new_snapshot_never_a_gap(served):
    """Readers load snapshot files in a loop during 20 switches: never a missing or half file,
    and a read whose version did not change matches that version's values."""
    variants = [_variant(served, name, f) for name, f in (("va", 0.5), ("vb", 0.75))]
    sha = {v.name: _sha(v / "values.csv") for v in variants}
    errors: list[BaseException] = []
    reads = {"files": 0, "loads": 0}
    stop = threading.Event()

    def read_files() -> None:
        original = _sha(served / "values.csv")
        while not stop.is_set():
            try:
                v1 = snapshot_version(served)
                digest = _sha(served / "values.csv")
                pd.read_csv(served / "countries.csv", usecols=["iso3"])
                v2 = snapshot_version(served)
                assert digest in {*sha.values(), original}
                if v1 == v2 and not v1.startswith("build-"):
                    assert v1.endswith(digest[:10]), (v1, digest[:10])
                reads["files"] += 1
            except BaseException as exc:
                errors.append(exc)
                return

    def load_whole() -> None:
        while not stop.is_set():
            try:
                # 20 switches in about 2 s: more than a real server ever sees; a read whose
                # folder is switched out and deleted under it starts again
                snap = load_current(served, attempts=10)
                assert len(snap.values) > 100_000
                reads["loads"] += 1
            except BaseException as exc:
                errors.append(exc)
                return

    threads = [threading.Thread(target=read_files), threading.Thread(target=load_whole)]
    for thread in threads:
        thread.start()
    try:
        with switch_lock(served):
            for i in range(20):
                source = variants[i % 2]
                new = staging_dir(served, f"{i}")
                shutil.copytree(source, new)
                # a distinct id per switch: the same values never pass for another version
                stamp = f"switch{i:02d}-{sha[source.name][:10]}"
                (new / SNAPSHOT_FILE).write_text(stamp + "\n", encoding="utf-8")
                switch(new, served)
                time.sleep(0.06)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, errors[0]
    assert reads["files"] > 20 and reads["loads"] >= 1
    assert snapshot_version(served).startswith("switch19-")


def test_without_renameat2_two_renames_do_the_switch(served, monkeypatch):
    monkeypatch.setattr(snapshots, "exchange", lambda a, b: False)
    new = _variant(served, ".data.new-x", 0.5)
    ident = write_snapshot_id(new)
    with switch_lock(served):
        switch(new, served)
    assert snapshot_version(served) == ident
    assert (previous_dir(served) / "values.csv").is_file()
    rollback(served)
    assert snapshot_version(previous_dir(served)) == ident


def test_exchange_is_atomic_on_linux(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a"), (b / "x").write_text("b")
    if not snapshots.exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) not available here")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_refusals(served, tmp_path):
    with pytest.raises(ReadinessError, match="nothing to roll back"):
        rollback(served)
    elsewhere = tmp_path / "other" / "new"
    shutil.copytree(served, elsewhere)
    with pytest.raises(ReadinessError, match="beside"):
        switch(elsewhere, served)
    empty = served.with_name(".data.new-empty")
    empty.mkdir()
    with pytest.raises(ReadinessError, match="no snapshot"):
        switch(empty, served)
    with switch_lock(served), pytest.raises(ReadinessError, match="another refresh"):
        rollback(served)


def test_load_current_reads_past_the_cache(served):
    cached = load_snapshot(served)
    new = _variant(served, ".data.new-c", 0.5)
    write_snapshot_id(new)
    with switch_lock(served):
        switch(new, served)
    assert load_snapshot(served) is cached  # the per-path cache still holds the old one
    fresh = load_current(served)
    assert fresh.values["value"].sum() != cached.values["value"].sum()
    assert fresh.data_dir == served.resolve()


def test_the_committed_snapshot_is_never_touched():
    assert not (DATA_DIR / SNAPSHOT_FILE).exists()
    assert not previous_dir(DATA_DIR).exists()
    assert not any(p.name.startswith(".data.") for p in REPO_ROOT.iterdir())
    assert os.access(DATA_DIR / "values.csv", os.R_OK)
